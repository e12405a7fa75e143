import { eightBarProbabilities as p, eightBars as table } from '../__test-support__/eight-bars.js';
import { analyzeThreshold, findOptimalThreshold, monthlySummary, thresholdRecommendations, thresholdSensitivity } from './threshold-sensitivity.js';

describe('threshold sensitivity', () => {
  it('analyses aggregate, monthly and daily, with EV and recommendations', () => {
    const s = thresholdSensitivity(table, p, [0.7, 0.85]);
    expect(s).toMatchObject({ totalSamples: 8, nDates: 4, nMonths: 2, dateRange: { from: '2025-03-03', to: '2025-04-02' } });
    const at70 = s.aggregate[0]!;
    expect(at70).toMatchObject({ totalSignals: 5, tp: 3, fp: 2, fn: 1, tn: 2 });
    expect(at70.tpProfit.avg).toBeCloseTo((0.4 + 0.3 + 0.6) / 3, 12);
    expect(at70.fpLoss.avg).toBeCloseTo(-0.15, 12);
    expect(at70.fnMissed).toMatchObject({ count: 1, max: 0.25 });
    expect(at70.expectedValue).toBeCloseTo(0.6 * (1.3 / 3) + 0.4 * -0.15, 12);
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
