import { eightBarProbabilities as p, eightBars as table } from '../__test-support__/eight-bars.js';
import { backtest, parseTradesCsv, tradesCsv } from './backtest.js';

describe('backtest', () => {
  it('counts signals at the threshold and computes lift over all bars', () => {
    const { metrics, trades } = backtest(table, p, { threshold: 0.7 });
    expect(trades.map((t) => t.probability)).toEqual([0.9, 0.8, 0.7, 0.95, 0.75]);
    expect(metrics).toMatchObject({ nTestRows: 8, nSignals: 5, nTruePositives: 3, nFalsePositives: 2, precision: 0.6, recall: 0.75 });
    expect(metrics.avgGainAllBars).toBeCloseTo(163 / 8);
    expect(metrics.avgGainSignals).toBeCloseTo((40 + 5 + 30 + 60 + 0) / 5);
    expect(metrics.lift).toBeCloseTo(27 / (163 / 8));
    expect(metrics.precisionLift).toBeCloseTo(0.6 / 0.5);
    const higher = backtest(table, p, { threshold: 0.85 }).metrics;
    expect(higher).toMatchObject({ nSignals: 2, precision: 1 });
  });

  it('round-trips trades through CSV with max_gain_120m and min_loss_120m', () => {
    const { trades } = backtest(table, p, { threshold: 0.7 });
    const csv = tradesCsv(trades);
    expect(csv.split('\n')[0]).toContain('max_gain_120m,min_loss_120m');
    expect(parseTradesCsv(csv)).toEqual(trades);
  });
});
