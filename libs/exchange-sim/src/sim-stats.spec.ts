import { countMoves, formatSimStats, simStats } from './sim-stats.js';
import { SyntheticMarket } from './synthetic-market.js';

describe('countMoves', () => {
  const m = 60_000;
  it.each([
    ['no move', [1, 1.1, 1.19], 0],
    ['one 20 % move', [1, 1.1, 1.2], 1],
    ['two chained moves', [1, 1.2, 1.44], 2],
    ['a move after a dip counts from the dip', [1, 0.8, 0.96], 1],
    ['a move outside the window does not count', [1, null, 1.3], 0],
  ])('%s', (_name, closes, expected) => {
    // null marks a 3-hour gap: the next bar is outside the 120-minute window of the previous one.
    const bars: { t: number; c: number }[] = [];
    let t = 0;
    for (const c of closes) {
      if (c === null) t += 180 * m;
      else bars.push({ t: (t += m), c });
    }
    expect(countMoves(bars, 0.2, 120 * m)).toBe(expected);
  });
});

describe('simStats', () => {
  const stats = simStats(new SyntheticMarket({ seed: 42 }), { from: '2025-01-01', to: '2025-12-31', maxDays: 4, contractStride: 2, calibration: { days: 12 } });

  it('realized volatility tracks the VIX level, below it by the variance risk premium', () => {
    expect(stats.days).toHaveLength(4);
    expect(stats.volatility.meanRealized).toBeGreaterThan(0.06);
    expect(stats.volatility.meanRealized).toBeLessThan(0.6);
    expect(stats.volatility.vixOverRealized).toBeGreaterThan(1.0);
    expect(stats.volatility.vixOverRealized).toBeLessThan(1.6);
    expect(stats.volatility.dailyCorrelation).toBeGreaterThan(0.3);
    expect(stats.volatility.minuteReturnCorrelation).toBeLessThan(-0.5);
    expect(stats.volatility.minuteReturnCorrelation).toBeGreaterThan(-0.95);
  });

  it('volume is U-shaped: the first and last half hours beat midday', () => {
    expect(stats.volume.halfHourMeans).toHaveLength(13);
    expect(stats.volume.openToMidday).toBeGreaterThan(1.5);
    expect(stats.volume.closeToMidday).toBeGreaterThan(1.5);
  });

  it('option trades sit on Black-Scholes at the surface IV, within the spread', () => {
    expect(stats.options.barsChecked).toBeGreaterThan(1000);
    expect(stats.options.withinSpread).toBe(1);
    expect(stats.options.medianIvErrorPoints).toBeLessThan(2);
  });

  it('20 % moves within 120 minutes happen a few times per 0–1DTE contract-day (original: median 4)', () => {
    expect(stats.moves.contractDays).toBeGreaterThan(200);
    expect(stats.moves.medianPerContractDay).toBeGreaterThanOrEqual(1);
    expect(stats.moves.medianPerContractDay).toBeLessThanOrEqual(10);
  });

  it('carries the calibration table as rows of metric, original, simulated, tolerance, ok (what --json prints)', () => {
    const metrics = stats.calibration.map((r) => r.metric);
    for (const m of ['label positive rate', 'events per contract-day, median', 'positive-minute rate']) expect(metrics.some((x) => x.startsWith(m))).toBe(true);
    for (const r of stats.calibration) expect(Object.keys(r).sort()).toEqual(['metric', 'ok', 'original', 'simulated', 'tolerance']);
    expect(JSON.parse(JSON.stringify(stats)).calibration).toHaveLength(stats.calibration.length);
  });

  it('prints every figure', () => {
    const text = formatSimStats(stats);
    for (const word of ['volatility', 'volume', 'options', 'moves', 'news', 'calibration', 'stylized facts', 'label positive rate']) expect(text).toContain(word);
    expect(text).not.toContain('n/a');
  });
});

describe('news drift', () => {
  it('positive SPY news is followed by higher 60-minute SPY returns than negative news', () => {
    const stats = simStats(new SyntheticMarket({ seed: 7 }), { from: '2024-01-01', to: '2024-12-31', maxDays: 60, includeOptions: false });
    expect(stats.news.spyArticlesInSession).toBeGreaterThan(60);
    expect(stats.news.forward60mBp.positive).toBeGreaterThan(stats.news.forward60mBp.negative);
  });
});
