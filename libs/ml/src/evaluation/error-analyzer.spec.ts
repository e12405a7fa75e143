import { eightBarProbabilities as p, eightBars as table } from '../__test-support__/eight-bars.js';
import { backtest } from './backtest.js';
import { asciiHistogram, expectedValue, falsePositives, histogram, riskReport, stopLossImpact } from './error-analyzer.js';

describe('error analyzer', () => {
  const { trades } = backtest(table, p, { threshold: 0.7 });
  const fp = falsePositives(trades);

  it('describes false-positive drawdowns, buckets and stops', () => {
    expect(fp.map((t) => t.minLoss120m)).toEqual([-0.12, -0.18]);
    const r = riskReport(fp);
    expect(r).toMatchObject({ totalFalsePositives: 2, shareNeverBelowEntry: 0 });
    expect(r.drawdown.mean).toBeCloseTo(-0.15, 12);
    expect(r.drawdown.median).toBeCloseTo(-0.15, 12);
    expect(r.drawdown.worst).toBe(-0.18);
    expect(r.buckets).toEqual({ '0-5%': 0, '5-10%': 0, '10-15%': 0.5, '15-20%': 0.5, '>20%': 0 });
    expect(r.stopTriggeredShare).toEqual({ '5': 1, '10': 1, '15': 0.5, '20': 0 });
    const impact = stopLossImpact(fp, [-0.1, -0.15, -0.2]);
    expect(impact.map((i) => [i.triggeredCount, i.uncaughtMaxLoss])).toEqual([[2, null], [1, -0.12], [0, -0.18]]);
    // A percent passed where a fraction belongs is refused, not read as a −1000 % stop.
    expect(() => stopLossImpact(fp, [-10])).toThrow(/fractions/);
    expect(() => stopLossImpact(fp, [0.05])).toThrow(/fractions/);
  });

  it.each([
    [{ precision: 0.6, avgWin: 0.4, avgLoss: -0.3 }, 0.12, 30 / 70],
    [{ precision: 0.6, avgWin: 0.4, avgLoss: -0.3, stopLoss: -0.2 }, 0.16, 20 / 60],
    [{ precision: 0.2, avgWin: 0.2, avgLoss: -0.2 }, -0.12, 0.5],
  ])('expectedValue(%j) = %d, break-even %d', (input, ev, be) => {
    const r = expectedValue(input);
    expect(r.expectedValue).toBeCloseTo(ev, 12);
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
