import { eightBarProbabilities as p, eightBars as table } from '../__test-support__/eight-bars.js';
import { backtest } from './backtest.js';
import { asciiHistogram, expectedValue, falsePositives, histogram, riskReport, stopLossImpact } from './error-analyzer.js';

describe('error analyzer', () => {
  const { trades } = backtest(table, p, { threshold: 0.7 });
  const fp = falsePositives(trades);

  it('describes false-positive drawdowns, buckets and stops', () => {
    expect(fp.map((t) => t.minLoss120m)).toEqual([-12, -18]);
    const r = riskReport(fp);
    expect(r).toMatchObject({ totalFalsePositives: 2, pctPriceNeverBelowEntry: 0 });
    expect(r.drawdown).toMatchObject({ mean: -15, median: -15, worst: -18 });
    expect(r.buckets).toEqual({ '0-5%': 0, '5-10%': 0, '10-15%': 50, '15-20%': 50, '>20%': 0 });
    expect(r.stopTriggeredPct).toEqual({ '5': 100, '10': 100, '15': 50, '20': 0 });
    const impact = stopLossImpact(fp, [-10, -15, -20]);
    expect(impact.map((i) => [i.triggeredCount, i.uncaughtMaxLossPct])).toEqual([[2, null], [1, -12], [0, -18]]);
    expect(() => stopLossImpact(fp, [5])).toThrow(/negative/);
  });

  it.each([
    [{ precision: 0.6, avgWinPct: 40, avgLossPct: -30 }, 12, 30 / 70],
    [{ precision: 0.6, avgWinPct: 40, avgLossPct: -30, stopLossPct: -20 }, 16, 20 / 60],
    [{ precision: 0.2, avgWinPct: 20, avgLossPct: -20 }, -12, 0.5],
  ])('expectedValue(%j) = %d, break-even %d', (input, ev, be) => {
    const r = expectedValue(input);
    expect(r.expectedValuePct).toBeCloseTo(ev);
    expect(r.breakevenWinRate).toBeCloseTo(be);
    expect(r.profitable).toBe(ev > 0);
  });

  it('bins drawdowns into a histogram', () => {
    const h = histogram([-1, -2, -3, -10], 3);
    expect(h.counts).toEqual([1, 0, 3]);
    expect(h.edges).toEqual([-10, -7, -4, -1]);
    expect(asciiHistogram(h).split('\n')).toHaveLength(3);
  });
});
