/**
 * What the original measured on real SPY 0DTE options (its plan, steps 28 and 29) and the table
 * that sets the simulator's figures beside it.
 */

/**
 * One row of the calibration table `sim stats` prints (and carries in `--json`).
 *
 * @example
 * ```ts
 * const row: CalibrationRow = { metric: 'label positive rate', original: 0.58, simulated: 0.61, tolerance: '±20 %', ok: true };
 * ```
 */
export interface CalibrationRow {
  readonly metric: string;
  readonly original: number | string;
  readonly simulated: number | string;
  /** How far the simulated value may be from the original's: `±20 %` (relative) or `±1` (absolute). */
  readonly tolerance: string;
  readonly ok: boolean;
}

/**
 * The original's figures on real data: the full-year scan of 125 near-the-money 0DTE SPY
 * contract-days, Mar 2025 → Feb 2026 (step 28), and the label smoke test of 2025-03-03 (step 29).
 */
export const ORIGINAL_FIGURES = {
  labelPositiveRate: 0.58,
  eventsPerContractDay: { min: 0, median: 4, max: 12 },
  positiveMinuteRate: 0.5543,
  durationAboveMinutes: { median: 8.5, mean: 45.8 },
  eventPeakHoursEt: [9, 10, 15],
} as const;

/** The simulator's side of the table, measured like the original (see `original-scan.ts`). */
export interface OriginalScanFigures {
  readonly contractDays: number;
  readonly bars: number;
  readonly labelPositiveRate: number;
  readonly eventsPerContractDay: { readonly min: number; readonly median: number; readonly max: number };
  readonly positiveMinuteRate: number;
  readonly durationAboveMinutes: { readonly median: number; readonly mean: number };
  /** Events by New York hour of the trigger bar (9–15). */
  readonly eventsByHourEt: Readonly<Record<string, number>>;
}

const RELATIVE = 0.2;

function relative(metric: string, original: number, simulated: number, within = RELATIVE): CalibrationRow {
  const ok = original === 0 ? simulated === 0 : Math.abs(simulated - original) <= within * Math.abs(original) + 1e-12;
  return { metric, original, simulated, tolerance: original === 0 ? 'exact' : `±${Math.round(within * 100)} %`, ok };
}

function absolute(metric: string, original: number, simulated: number, within: number): CalibrationRow {
  return { metric, original, simulated, tolerance: `±${within}`, ok: Math.abs(simulated - original) <= within + 1e-12 };
}

/**
 * The busiest hours of an hour histogram agree with the original's peaks when the busiest hour is
 * 9 or 10 h ET (the morning peak) and 15 h beats 14 h (the rise into the close).
 */
function peaks(byHour: Readonly<Record<string, number>>): CalibrationRow {
  const n = (h: number): number => byHour[String(h)] ?? 0;
  const hours = Object.keys(byHour).map(Number).sort((a, b) => n(b) - n(a) || a - b);
  const busiest = hours[0];
  const ok = (busiest === 9 || busiest === 10) && n(15) > n(14);
  const fmt = (h: number): string => `${String(h).padStart(2, '0')} h`;
  return {
    metric: 'event peak hours (ET)',
    original: '09–10 h and 15 h',
    simulated: `busiest ${hours.slice(0, 2).map(fmt).join(', ')}; 15 h ${n(15)} vs 14 h ${n(14)}`,
    tolerance: 'busiest in 09–10 h, 15 h > 14 h',
    ok,
  };
}

/**
 * Builds the calibration table from the simulator's scan figures.
 *
 * @example
 * ```ts
 * const rows = calibrationTable(stats.originalScan);
 * rows.every((r) => r.ok);
 * ```
 */
export function calibrationTable(sim: OriginalScanFigures): CalibrationRow[] {
  const o = ORIGINAL_FIGURES;
  const median = sim.eventsPerContractDay.median;
  return [
    relative('label positive rate (+20 % within 120 min)', o.labelPositiveRate, sim.labelPositiveRate),
    { metric: 'events per contract-day, median', original: o.eventsPerContractDay.median, simulated: median, tolerance: '±1', ok: Math.abs(median - o.eventsPerContractDay.median) <= 1 },
    relative('events per contract-day, min', o.eventsPerContractDay.min, sim.eventsPerContractDay.min),
    relative('events per contract-day, max', o.eventsPerContractDay.max, sim.eventsPerContractDay.max),
    relative('positive-minute rate', o.positiveMinuteRate, sim.positiveMinuteRate),
    relative('time above +20 %, median minutes', o.durationAboveMinutes.median, sim.durationAboveMinutes.median),
    relative('time above +20 %, mean minutes', o.durationAboveMinutes.mean, sim.durationAboveMinutes.mean),
    peaks(sim.eventsByHourEt),
  ];
}

/** The stylized facts the calibration compares (a subset of `StylizedFacts` in stylized-facts.ts). */
export interface StylizedFactFigures {
  readonly excessKurtosis: number;
  readonly absReturnAcf1: number;
  readonly absReturnAcf1to10: number;
  readonly returnAcf1: number;
  readonly openVolumeSurge: number;
  readonly closeVolumeSurge: number;
}

/** How far the simulator's lag-1 autocorrelation of 1-minute returns may be from the real files'. */
export const RETURN_ACF1_TOLERANCE = 0.05;

/**
 * Rows comparing the simulator's SPY minutes with the real reference files: ±20 % for volatility
 * clustering and the volume surges, ±50 % for the excess kurtosis (a fourth moment over nine real
 * sessions is set by a handful of minutes, so only its order of magnitude is a fact), and
 * ±{@link RETURN_ACF1_TOLERANCE} absolute for the lag-1 autocorrelation of the returns themselves
 * (≈ 0 on real SPY, so a relative tolerance would mean nothing).
 *
 * @example
 * ```ts
 * const real = { excessKurtosis: 10.5, absReturnAcf1: 0.226, absReturnAcf1to10: 0.18, returnAcf1: 0.01, openVolumeSurge: 4.96, closeVolumeSurge: 5.99 };
 * stylizedFactRows(real, { ...real, excessKurtosis: 14.5 }).every((r) => r.ok); // true: within ±50 %
 * ```
 */
export function stylizedFactRows(real: StylizedFactFigures, simulated: StylizedFactFigures): CalibrationRow[] {
  return [
    relative('SPY 1-min returns: excess kurtosis (real files)', real.excessKurtosis, simulated.excessKurtosis, 0.5),
    relative('SPY |1-min return| autocorrelation, lag 1 (real files)', real.absReturnAcf1, simulated.absReturnAcf1),
    relative('SPY |1-min return| autocorrelation, lags 1–10 (real files)', real.absReturnAcf1to10, simulated.absReturnAcf1to10),
    absolute('SPY 1-min return autocorrelation, lag 1 (real files)', real.returnAcf1, simulated.returnAcf1, RETURN_ACF1_TOLERANCE),
    relative('SPY first half hour volume ÷ midday (real files)', real.openVolumeSurge, simulated.openVolumeSurge),
    relative('SPY last half hour volume ÷ midday (real files)', real.closeVolumeSurge, simulated.closeVolumeSurge),
  ];
}
