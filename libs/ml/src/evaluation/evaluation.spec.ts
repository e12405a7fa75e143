import { makeTable } from '../__test-support__/table-builder.js';
import { backtest, parseTradesCsv, tradesCsv } from './backtest.js';
import { asciiHistogram, expectedValue, falsePositives, histogram, riskReport, stopLossImpact } from './error-analyzer.js';
import { benchmarkPredictionSpeed, percentile } from './speed-benchmark.js';
import { findThresholdForPrecision, thresholdGrid } from './threshold-finder.js';
import { analyzeThreshold, findOptimalThreshold, monthlySummary, thresholdRecommendations, thresholdSensitivity } from './threshold-sensitivity.js';

// Eight bars over two months with known outcomes.
const table = makeTable([
  { date: '2025-03-03', label: 1, maxGain: 40, minLoss: -2 },
  { date: '2025-03-03', label: 0, maxGain: 5, minLoss: -12 },
  { date: '2025-03-04', label: 1, maxGain: 30, minLoss: -4 },
  { date: '2025-03-04', label: 0, maxGain: 2, minLoss: -25 },
  { date: '2025-04-01', label: 0, maxGain: 1, minLoss: -3 },
  { date: '2025-04-01', label: 1, maxGain: 60, minLoss: -1 },
  { date: '2025-04-02', label: 0, maxGain: 0, minLoss: -18 },
  { date: '2025-04-02', label: 1, maxGain: 25, minLoss: Number.NaN },
]);
const p = [0.9, 0.8, 0.7, 0.3, 0.2, 0.95, 0.75, 0.4];

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

describe('speed benchmark', () => {
  it('reports percentiles of injected timings', () => {
    let t = 0;
    let call = 0;
    // each call "takes" 1 ms, every 10th 5 ms
    const r = benchmarkPredictionSpeed(() => (t += ++call % 10 === 0 ? 5 : 1), { iterations: 100, warmup: 0, now: () => t });
    expect(r.p50Ms).toBe(1);
    expect(r.maxMs).toBe(5);
    expect(r.meanMs).toBeCloseTo(1.4);
    expect(r.ratioToOriginalMean).toBeCloseTo(7);
    expect(r.meets100msRequirement).toBe(true);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });
});

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

describe('threshold sensitivity', () => {
  it('analyses aggregate, monthly and daily, with EV and recommendations', () => {
    const s = thresholdSensitivity(table, p, [0.7, 0.85]);
    expect(s).toMatchObject({ totalSamples: 8, nDates: 4, nMonths: 2, dateRange: { from: '2025-03-03', to: '2025-04-02' } });
    const at70 = s.aggregate[0]!;
    expect(at70).toMatchObject({ totalSignals: 5, tp: 3, fp: 2, fn: 1, tn: 2 });
    expect(at70.tpProfit.avg).toBeCloseTo((40 + 30 + 60) / 3);
    expect(at70.fpLoss.avg).toBeCloseTo(-15);
    expect(at70.fnMissed).toMatchObject({ count: 1, max: 25 });
    expect(at70.expectedValue).toBeCloseTo(0.6 * (130 / 3) + 0.4 * -15);
    const march = s.monthly.find((m) => m.month === '2025-03' && m.threshold === 0.7)!;
    expect(march).toMatchObject({ totalSignals: 3, tp: 2 });
    expect(s.daily.filter((d) => d.threshold === 0.7).map((d) => d.totalSignals)).toEqual([2, 1, 1, 1]);
    expect(monthlySummary(s.monthly, [0.7])[1]!.byThreshold['0.7']).toMatchObject({ signals: 2, precision: 0.5 });
    expect(findOptimalThreshold(s.aggregate, { metric: 'precision', minSignals: 2 })).toMatchObject({ status: 'SUCCESS', threshold: 0.85 });
    expect(findOptimalThreshold(s.aggregate, { minPrecision: 1, minSignals: 3 }).status).toBe('NO_VALID_THRESHOLD');
    const rec = thresholdRecommendations(s.aggregate, { minPrecision: 0.5, minSignals: 2 });
    expect(rec[0]!.text).toMatch(/best expected value: threshold 0\.85/);
    expect(analyzeThreshold(table, p, 0.99).expectedValue).toBeNull();
  });
});
