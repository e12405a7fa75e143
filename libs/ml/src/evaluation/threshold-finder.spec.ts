import { eightBarProbabilities as p, eightBars as table } from '../__test-support__/eight-bars.js';
import { findThresholdForPrecision, thresholdGrid } from './threshold-finder.js';

describe('threshold finder', () => {
  it('returns the lowest threshold meeting the precision on validation', () => {
    const r = findThresholdForPrecision(table.label, p, { minPrecision: 0.65, from: 0.5, to: 0.95, step: 0.05 });
    expect(r).toMatchObject({ achievable: true, optimalThreshold: 0.8, nSignals: 3 });
    expect(r.achievedPrecision).toBeCloseTo(2 / 3);
    expect(r.sweep.map((s) => s.threshold)).toEqual(thresholdGrid({ from: 0.5, to: 0.95, step: 0.05 }));
    const impossible = findThresholdForPrecision(table.label, p, { minPrecision: 1, minSignals: 3, from: 0.5, to: 0.95, step: 0.05 });
    expect(impossible.achievable).toBe(false);
    expect(impossible.achievedPrecision).toBeCloseTo(2 / 3);
  });

  it.each([
    [{ from: 0.7, to: 0.75, step: 0.01 }, [0.7, 0.71, 0.72, 0.73, 0.74, 0.75]],
    [{ from: 0.5, to: 0.5, step: 0.1 }, [0.5]],
  ])('thresholdGrid(%j)', (o, expected) => expect(thresholdGrid(o)).toEqual(expected));
});
