import { FEATURE_DEFINITIONS } from './feature-catalog.js';

describe('FEATURE_DEFINITIONS units (one unit per quantity: fractions in data)', () => {
  const pctNamed = FEATURE_DEFINITIONS.filter((d) => /(^|_)pct(_|$)/.test(d.name));

  it('names the four columns that keep the original _pct names', () => {
    expect(pctNamed.map((d) => d.name)).toEqual(['spy_range_pct', 'spy_atr_14_pct', 'spy_bb_pct_b', 'opt_range_pct']);
  });

  it.each(pctNamed.map((d) => [d.name, d] as const))('%s is documented as a fraction, and its SQL does not scale by 100', (_name, d) => {
    expect(d.formula).toContain('a fraction');
    expect(d.sql).not.toMatch(/100/);
  });

  it('no other column formula multiplies by 100 (percentages belong in printed text only)', () => {
    expect(FEATURE_DEFINITIONS.filter((d) => /(\b100\s*[·*×]|[·*×]\s*100\b)/.test(d.formula)).map((d) => d.name)).toEqual([]);
  });
});
