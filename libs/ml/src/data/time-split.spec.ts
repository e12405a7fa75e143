import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { tradingDays } from './feature-table.js';
import { splitDays, splitSummary, timeBasedSplit, validateSplitRatios } from './time-split.js';

describe('timeBasedSplit', () => {
  const table = syntheticTable({ days: 20, minutesPerDay: 10 });

  it('splits whole trading days 70/15/15, chronologically and without overlap', () => {
    const split = timeBasedSplit(table);
    expect(split.days.train).toHaveLength(14);
    expect(split.days.validation).toHaveLength(3);
    expect(split.days.test).toHaveLength(3);
    const parts = [split.train, split.validation, split.test];
    const daySets = parts.map((p) => new Set(p.date));
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) for (const d of daySets[a]!) expect(daySets[b]!.has(d)).toBe(false);
    expect(Math.max(...split.train.timestamp)).toBeLessThan(Math.min(...split.validation.timestamp));
    expect(Math.max(...split.validation.timestamp)).toBeLessThan(Math.min(...split.test.timestamp));
    expect(split.train.rows + split.validation.rows + split.test.rows).toBe(table.rows);
    expect(tradingDays(split.test)).toEqual(split.days.test);
    const summary = splitSummary(split);
    expect(summary.parts.test).toMatchObject({ days: 3, from: split.days.test[0], rows: split.test.rows });
    expect(summary.testRatio).toBeCloseTo(0.15);
  });

  it.each([
    [{ trainRatio: 0 }, 'RATIO_RANGE'],
    [{ trainRatio: 1.2 }, 'RATIO_RANGE'],
    [{ valRatio: Number.NaN }, 'RATIO_RANGE'],
    [{ trainRatio: 0.8, valRatio: 0.2 }, 'RATIO_SUM'],
  ])('validates ratios %j → %s', (ratios, code) => {
    expect(validateSplitRatios(ratios).map((i) => i.code)).toContain(code);
    expect(() => splitDays(['2025-01-02', '2025-01-03', '2025-01-06'], ratios)).toThrow(/invalid split ratios/);
  });

  it('gives every part a day even for very few days and refuses fewer than 3', () => {
    expect(splitDays(['c', 'a', 'b'])).toEqual({ train: ['a'], validation: ['b'], test: ['c'] });
    expect(() => splitDays(['a', 'b'])).toThrow(/at least 3 trading days/);
  });
});
