/**
 * The original's step-27 options scan and step-29 label, on one contract-day of minute bars: the
 * measurement the simulator is calibrated against (the same definitions as `scanOptions` in
 * `@spyglass/processing` and `labelForwardWindow` in `@spyglass/features`).
 */
import { nyMinuteOfDay } from '@spyglass/core';
import { labelForwardWindow } from '@spyglass/features';

/**
 * One contract-day scanned: bars, bars above the threshold, and the runs above it.
 *
 * @example
 * ```ts
 * const s: ContractDayScan = scanContractDay(bars, 0.2, sessionClose);
 * s.runs.length; // events of the day
 * ```
 */
export interface ContractDayScan {
  readonly bars: number;
  /** Bars whose close ≥ (1 + threshold) × the day's first open (the original's "positive minutes"). */
  readonly minutesAbove: number;
  /**
   * Maximal runs of consecutive bars above: the original's events. `durationMinutes` counts the
   * run's bars (minutes that traded above), so the mean duration is minutes above ÷ events, as in
   * the original's figures (45.8 = 24,929 ÷ 544).
   */
  readonly runs: ReadonlyArray<{ readonly start: number; readonly triggerHourEt: number; readonly durationMinutes: number }>;
  /** Bars whose forward-window label is 1 (highest close within the window ≥ (1 + threshold) × close). */
  readonly positiveLabels: number;
}

/**
 * Scans one contract-day as the original's OptionsScanner did (runs of closes ≥ (1 + threshold) ×
 * the first open) and labels it as the features do (forward window of `windowMinutes`, cut at the
 * session close).
 *
 * @example
 * ```ts
 * const t = Date.UTC(2025, 2, 4, 14, 30);
 * scanContractDay([{ t, o: 1, c: 1 }, { t: t + 60_000, o: 1, c: 1.3 }], 0.2, t + 3_600_000).runs.length; // 1
 * ```
 */
export function scanContractDay(
  bars: ReadonlyArray<{ readonly t: number; readonly o: number; readonly c: number }>,
  threshold: number,
  sessionClose: number,
  windowMinutes = 120,
): ContractDayScan {
  const runs: { start: number; triggerHourEt: number; durationMinutes: number }[] = [];
  if (bars.length === 0) return { bars: 0, minutesAbove: 0, runs, positiveLabels: 0 };
  const level = bars[0]!.o * (1 + threshold);
  let above = 0;
  let runStart = -1;
  for (let i = 0; i <= bars.length; i++) {
    const up = i < bars.length && bars[i]!.c >= level;
    if (up) {
      above++;
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      const start = bars[runStart]!.t;
      // A run lasts as many minutes as it has bars above the level, not its clock span: the
      // original's mean (45.8 min) is exactly its minutes above ÷ its events (24,929 ÷ 544).
      runs.push({ start, triggerHourEt: Math.floor(nyMinuteOfDay(start) / 60), durationMinutes: i - runStart });
      runStart = -1;
    }
  }
  const labels = labelForwardWindow({
    timestamps: bars.map((b) => b.t),
    closes: bars.map((b) => b.c),
    sessionCloses: new Float64Array(bars.length).fill(sessionClose),
    threshold,
    windowMinutes,
  });
  let positiveLabels = 0;
  for (const x of labels.target) positiveLabels += x;
  return { bars: bars.length, minutesAbove: above, runs, positiveLabels };
}
