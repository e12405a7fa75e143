import { calibrationTable, ORIGINAL_FIGURES, type OriginalScanFigures, RETURN_ACF1_TOLERANCE, stylizedFactRows } from './calibration.js';
import { scanContractDay } from './original-scan.js';
import { originalScan } from './sim-stats.js';
import { parseSpyMinuteCsv, referenceSpyMinutes, returnAcf1, stylizedFacts, varianceRatio } from './stylized-facts.js';
import { SyntheticMarket } from './synthetic-market.js';

describe('scanContractDay (the original scan and label on one contract-day)', () => {
  const t0 = Date.UTC(2025, 2, 4, 14, 30); // 09:30 New York
  const bars = (closes: number[]) => closes.map((c, i) => ({ t: t0 + i * 60_000, o: i === 0 ? 1 : c, c }));

  it.each([
    ['no bar above', [1, 1.1, 1.19, 1.0], 0, 0, 0],
    ['one run of two bars', [1, 1.25, 1.3, 1.0], 2, 1, 2],
    ['two runs', [1, 1.2, 1.0, 1.2], 2, 2, 1],
  ])('%s', (_name, closes, minutesAbove, runs, duration) => {
    const s = scanContractDay(bars(closes), 0.2, t0 + 390 * 60_000);
    expect(s.minutesAbove).toBe(minutesAbove);
    expect(s.runs).toHaveLength(runs);
    if (runs) expect(s.runs[0]!.durationMinutes).toBe(duration);
    if (runs) expect(s.runs[0]!.triggerHourEt).toBe(9);
  });

  it('a run lasts as many minutes as it has bars above (the original: mean = minutes above ÷ events), not its clock span', () => {
    // Bars at minutes 0, 1, 5, 6: the run above has 3 bars spanning 6 clock minutes.
    const sparse = [0, 1, 5, 6].map((m, i) => ({ t: t0 + m * 60_000, o: 1, c: i === 0 ? 1 : 1.3 }));
    const s = scanContractDay(sparse, 0.2, t0 + 390 * 60_000);
    expect(s.runs.map((r) => r.durationMinutes)).toEqual([3]);
    expect(s.minutesAbove / s.runs.length).toBe(3);
  });

  it('labels like labelForwardWindow: a later close ≥ +20 % within the window', () => {
    expect(scanContractDay(bars([1, 1.1, 1.25, 1.0]), 0.2, t0 + 390 * 60_000).positiveLabels).toBe(1);
  });
});

describe('calibrationTable', () => {
  const exact: OriginalScanFigures = {
    contractDays: 125, bars: 44_971, labelPositiveRate: 0.58, eventsPerContractDay: { min: 0, median: 4, max: 12 }, positiveMinuteRate: 0.5543,
    durationAboveMinutes: { median: 8.5, mean: 45.8 }, eventsByHourEt: { 9: 100, 10: 90, 11: 50, 12: 40, 13: 40, 14: 45, 15: 80 },
  };

  it('the original measured against itself is ok on every row', () => {
    expect(calibrationTable(exact).every((r) => r.ok)).toBe(true);
  });

  it.each([
    ['label positive rate 73.6 % (the simulator before calibration)', { labelPositiveRate: 0.736 }, 'label positive rate'],
    ['median 2 events', { eventsPerContractDay: { min: 0, median: 2, max: 12 } }, 'events per contract-day, median'],
    ['positive minutes 36.7 %', { positiveMinuteRate: 0.367 }, 'positive-minute rate'],
    ['a midday peak', { eventsByHourEt: { 9: 10, 10: 10, 12: 90, 14: 5, 15: 4 } }, 'event peak hours'],
  ])('%s misses', (_name, change, metric) => {
    const row = calibrationTable({ ...exact, ...change }).find((r) => r.metric.startsWith(metric))!;
    expect(row.ok).toBe(false);
  });
});

describe('the simulator, calibrated to the original (seed 42, the sample `spyglass sim stats` scans: 84 sessions of Mar 2025 – Feb 2026)', () => {
  const market = new SyntheticMarket({ seed: 42 });
  const all = market.tradingDays('2025-03-01', '2026-02-28');
  const days: string[] = [];
  for (let k = 0; k < all.length && days.length < 84; k += all.length / 84) days.push(all[Math.floor(k)]!);
  const scan = originalScan(market, days);
  const table = calibrationTable(scan);
  const row = (metric: string) => table.find((r) => r.metric.startsWith(metric))!;

  it('scans two near-the-money 0DTE contracts a session, trading nearly every minute', () => {
    expect(scan.contractDays).toBe(2 * days.length);
    expect(scan.bars / scan.contractDays).toBeGreaterThan(200);
  });

  it.each([
    'label positive rate',
    'events per contract-day, median',
    'events per contract-day, min',
    'events per contract-day, max',
    'positive-minute rate',
    'time above +20 %, median minutes',
    'time above +20 %, mean minutes',
    'event peak hours',
  ])('%s lands within the tolerance of the original', (metric) => {
    expect(row(metric)).toMatchObject({ ok: true });
  });

  it('trades near-the-money contracts about as densely as the original scan (360 bars per contract-day)', () => {
    expect(scan.bars / scan.contractDays).toBeGreaterThan(0.8 * 360);
  });

  it('the label positive rate is the original 58 % ± 20 %, not the 73.6 % of before', () => {
    expect(scan.labelPositiveRate).toBeGreaterThan(ORIGINAL_FIGURES.labelPositiveRate * 0.8);
    expect(scan.labelPositiveRate).toBeLessThan(ORIGINAL_FIGURES.labelPositiveRate * 1.2);
  });
});

describe('returnAcf1 and varianceRatio (known series)', () => {
  it.each([
    ['alternating returns', [[1, -1, 1, -1]], -0.75],
    ['pairs never straddle two sessions', [[1, -1], [-1, 1]], -0.5],
    ['one trending session: 0.5 → 1.5, demeaned', [[0, 0, 1, 1]], 0.25],
  ])('returnAcf1: %s', (_name, sessions, expected) => {
    expect(returnAcf1(sessions)).toBeCloseTo(expected, 12);
  });

  it('returnAcf1 of a steady trend is NaN: no variance to correlate', () => {
    expect(returnAcf1([[1, 1, 1, 1]])).toBeNaN();
  });

  it('returnAcf1 of an AR(1) series with coefficient 0.5 is near 0.5, of white noise near 0', () => {
    let seed = 7;
    const uniform = (): number => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647) - 0.5;
    const white = Array.from({ length: 20_000 }, uniform);
    const ar: number[] = [];
    let x = 0;
    for (const e of white) ar.push((x = 0.5 * x + e));
    expect(returnAcf1([white])).toBeCloseTo(0, 1);
    expect(returnAcf1([ar])).toBeCloseTo(0.5, 1);
  });

  it.each([
    ['a steady trend', [[1, 1, 1, 1]], 2, 2],
    ['alternating returns cancel', [[1, -1, 1, -1]], 2, 0],
    ['a partial last block is left out', [[1, 1, 3]], 2, 4 / (2 * (11 / 3))],
    ['k = 1 is always 1', [[3, -1, 2]], 1, 1],
  ])('varianceRatio: %s', (_name, sessions, k, expected) => {
    expect(varianceRatio(sessions, k)).toBeCloseTo(expected, 12);
  });
});

describe('stylizedFactRows: the return autocorrelation row is absolute', () => {
  const real = { excessKurtosis: 10, absReturnAcf1: 0.2, absReturnAcf1to10: 0.18, returnAcf1: 0.01, openVolumeSurge: 5, closeVolumeSurge: 6 };
  const row = (returnAcf: number) => stylizedFactRows(real, { ...real, returnAcf1: returnAcf }).find((r) => r.metric.startsWith('SPY 1-min return autocorrelation'))!;

  it.each([
    [0.01, true],
    [0.06, true],
    [-0.04, true],
    [0.0601, false],
    [0.18, false],
    [-0.05, false],
  ])('simulated %p against real 0.01 → ok %p', (simulated, ok) => {
    expect(row(simulated)).toMatchObject({ original: 0.01, simulated, tolerance: `±${RETURN_ACF1_TOLERANCE}`, ok });
  });
});

describe('stylized facts of SPY minutes', () => {
  const real = stylizedFacts(referenceSpyMinutes());
  const market = new SyntheticMarket({ seed: 42 });
  const simulated = stylizedFacts(market.tradingDays('2025-01-01', '2025-12-31').filter((_, i) => i % 12 === 0).map((d) => {
    const bars = market.stockBars('SPY', d);
    return { closes: bars.map((b) => b.c), volumes: bars.map((b) => b.v) };
  }));

  it('reads the nine real sessions shipped in reference/', () => {
    expect(real.sessions).toBe(9);
    expect(real.excessKurtosis).toBeGreaterThan(5);
    expect(real.absReturnAcf1).toBeGreaterThan(0.1);
    expect(real.openVolumeSurge).toBeGreaterThan(3);
    expect(real.closeVolumeSurge).toBeGreaterThan(3);
  });

  it.each([
    ['fat tails: excess kurtosis of 1-minute returns', 'excessKurtosis', 3],
    ['volatility clustering: |r| autocorrelation, lag 1', 'absReturnAcf1', 0.1],
    ['volatility clustering: |r| autocorrelation, lags 1–10', 'absReturnAcf1to10', 0.08],
    ['opening volume surge', 'openVolumeSurge', 3],
    ['closing volume surge', 'closeVolumeSurge', 3],
  ] as const)('the simulator shows %s like the real files', (_name, key, floor) => {
    expect(real[key]).toBeGreaterThan(floor);
    expect(simulated[key]).toBeGreaterThan(floor);
  });

  const RETURN_ACF_ROW = 'SPY 1-min return autocorrelation, lag 1';

  it('every other stylized fact lands within the tolerance of the real files (the rows `sim stats` prints)', () => {
    const rows = stylizedFactRows(real, simulated);
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => !r.ok && !r.metric.startsWith(RETURN_ACF_ROW))).toEqual([]);
  });

  it('real SPY minute returns are close to uncorrelated (the first stylized fact of returns)', () => {
    expect(Math.abs(real.returnAcf1)).toBeLessThan(0.05);
    expect(real.varianceRatio30).toBeLessThan(1.2);
  });

  // A known miss: the simulator's long option runs above +20 % come partly from SPY trending minute to
  // minute (lag-1 autocorrelation ≈ 0.18, 30-min variance ratio ≈ 4, against ≈ 0.01 and 0.7 real). This
  // fails loudly once the simulator's returns are uncorrelated; then make it a plain `it`.
  it.failing(`the lag-1 autocorrelation of 1-minute returns lands within ±${RETURN_ACF1_TOLERANCE} of the real files`, () => {
    const row = stylizedFactRows(real, simulated).find((r) => r.metric.startsWith(RETURN_ACF_ROW))!;
    expect(Math.abs(simulated.returnAcf1 - real.returnAcf1)).toBeLessThanOrEqual(RETURN_ACF1_TOLERANCE);
    expect(row.ok).toBe(true);
  });

  it('parses bar-end timestamps and drops the 16:00 closing print', () => {
    const csv = ['datetime,open,high,low,close,volume', '2019-02-15 16:00:00,1,1,1,2,10', '2019-02-15 09:31:00,1,1,1,1,5'].join('\n');
    expect(parseSpyMinuteCsv(csv, true)).toEqual([{ closes: [1, 2], volumes: [5, 10] }]);
    expect(parseSpyMinuteCsv('date,open,high,low,close,volume\n2020-12-15 16:00,1,1,1,1,9\n', false)).toEqual([]);
  });
});
