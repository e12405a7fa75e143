import { bootstrapDays } from './day-bootstrap.js';

const mean = (s: readonly number[]) => (s.length ? s.reduce((a, b) => a + b, 0) / s.length : null);

describe('bootstrapDays', () => {
  const days = Array.from({ length: 60 }, (_, i) => Math.sin(i) * 10 + 2);

  it('is reproducible for a seed and brackets the estimate', () => {
    const a = bootstrapDays(days, mean, { seed: 7 });
    const b = bootstrapDays(days, mean, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.low!).toBeLessThan(a.estimate!);
    expect(a.high!).toBeGreaterThan(a.estimate!);
    expect(a.draws).toBe(1000);
  });

  it('collapses to the value for constant days', () => {
    const c = bootstrapDays([3, 3, 3, 3], mean);
    expect([c.estimate, c.low, c.high]).toEqual([3, 3, 3]);
  });

  it('narrows with more days (the standard error falls like 1/√n)', () => {
    const wide = bootstrapDays(days.slice(0, 15), mean);
    const narrow = bootstrapDays([...days, ...days, ...days, ...days], mean);
    expect(narrow.high! - narrow.low!).toBeLessThan(wide.high! - wide.low!);
  });

  it('skips resamples where the statistic is undefined and says so', () => {
    const r = bootstrapDays([null, 1, null].map((v) => v), (s) => mean(s.filter((v): v is number => v !== null)), { draws: 200 });
    expect(r.draws).toBeLessThan(200);
    expect(r.estimate).toBe(1);
  });

  it('has no interval for no days', () => {
    expect(bootstrapDays([], mean)).toMatchObject({ estimate: null, low: null, high: null, draws: 0 });
  });

  it.each([[0], [1.5]])('refuses draws = %p', (draws) => {
    expect(() => bootstrapDays(days, mean, { draws })).toThrow(/draws/);
  });
});
