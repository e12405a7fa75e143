import { eightBarProbabilities as p, eightBars as table } from '../__test-support__/eight-bars.js';
import { backtest, parseTradesCsv, tradesCsv } from './backtest.js';

describe('backtest', () => {
  it('counts signals at the threshold and computes lift over all bars', () => {
    const { metrics, trades } = backtest(table, p, { threshold: 0.7 });
    expect(trades.map((t) => t.probability)).toEqual([0.9, 0.8, 0.7, 0.95, 0.75]);
    expect(metrics).toMatchObject({ nTestRows: 8, nSignals: 5, nTruePositives: 3, nFalsePositives: 2, precision: 0.6, recall: 0.75 });
    expect(metrics.avgGainAllBars).toBeCloseTo(1.63 / 8, 12);
    expect(metrics.avgGainSignals).toBeCloseTo((0.4 + 0.05 + 0.3 + 0.6 + 0) / 5, 12);
    expect(metrics.lift).toBeCloseTo(0.27 / (1.63 / 8), 12);
    expect(metrics.precisionLift).toBeCloseTo(0.6 / 0.5);
    const higher = backtest(table, p, { threshold: 0.85 }).metrics;
    expect(higher).toMatchObject({ nSignals: 2, precision: 1 });
  });

  it('round-trips trades through CSV with max_gain_120m and min_loss_120m', () => {
    const { trades } = backtest(table, p, { threshold: 0.7 });
    const csv = tradesCsv(trades);
    const [header, first] = csv.split('\n');
    expect(header).toContain('max_gain_120m,min_loss_120m');
    // The unit at the CSV boundary: fractions as the features dataset stores them (0.4 = +40 %), never percent.
    const column = (name: string) => first!.split(',')[header!.split(',').indexOf(name)];
    expect([column('max_gain_120m'), column('min_loss_120m')]).toEqual(['0.4', '-0.02']);
    expect(parseTradesCsv(csv)).toEqual(trades);
  });
});
