import { labelColumns, labelForwardWindow } from '@spyglass/features';
import type { DuckSession } from '../duck/duck-session.js';
import { LABEL_DEFAULTS } from '@spyglass/core';

/**
 * Label settings: the gain threshold (fraction) and the look-ahead window in minutes.
 *
 * @example
 * ```ts
 * const labels: LabelSettings = { threshold: 0.3, windowMinutes: 60 };
 * ```
 */
export interface LabelSettings {
  readonly threshold: number;
  readonly windowMinutes: number;
}

/**
 * +20 % within 120 minutes, the original's target: core's `LABEL_DEFAULTS` (the config schema's defaults).
 *
 * @example
 * ```ts
 * await generateFeatures({ root: 'data', dates, labels: DEFAULT_LABELS });
 * ```
 */
export const DEFAULT_LABELS: LabelSettings = LABEL_DEFAULTS;

/**
 * Builds `labels(row_id, target, max_gain, min_loss, time_to_max_min)` from `source` (the
 * writers name the gain and loss columns after the window: {@link labelColumns})
 * (columns `row_id, date, ticker, ts, opt_close`, row ids in (date, ticker, ts) order) with
 * features' `labelForwardWindow`, one call per contract-day, so a window never crosses a session
 * or mixes contracts. Returns the positive count.
 */
export async function buildLabels(duck: DuckSession, source: string, cfg: LabelSettings): Promise<number> {
  const { cols } = await duck.columns(`SELECT row_id, ts, opt_close,
      (row_number() OVER (ORDER BY row_id) = 1 OR date <> lag(date) OVER (ORDER BY row_id) OR ticker <> lag(ticker) OVER (ORDER BY row_id))::DOUBLE AS starts
    FROM ${source} ORDER BY row_id`);
  const l = contractDayLabels(cols.ts as Float64Array, cols.opt_close as Float64Array, cols.starts as Float64Array, cfg);
  await duck.createTable('labels', { row_id: cols.row_id as Float64Array, target: l.target, max_gain: l.maxGain, min_loss: l.minLoss, time_to_max_min: l.timeToMaxMin }, ['row_id']);
  return l.positives;
}

/** Label columns of {@link contractDayLabels}, one value per input row (NaN where a row has no label). */
export interface ContractDayLabels {
  readonly target: Float64Array;
  readonly maxGain: Float64Array;
  readonly minLoss: Float64Array;
  readonly timeToMaxMin: Float64Array;
  readonly positives: number;
}

/**
 * The labels of rows ordered by contract-day and bar start: `starts[k]` is 1 where a new
 * contract-day begins. Calls features' `labelForwardWindow` once per contract-day, so a window
 * never crosses a session or mixes contracts (used by both feature paths).
 */
export function contractDayLabels(ts: Float64Array, close: Float64Array, starts: ArrayLike<number>, cfg: LabelSettings): ContractDayLabels {
  const rows = ts.length;
  const target = new Float64Array(rows);
  const maxGain = new Float64Array(rows);
  const minLoss = new Float64Array(rows);
  const timeTo = new Float64Array(rows);
  let positives = 0;
  let a = 0;
  while (a < rows) {
    let b = a + 1;
    while (b < rows && starts[b] === 0) b++;
    // A non-positive or missing close is not a price: such bars get no label and are left out of
    // every window, instead of aborting the run (labelForwardWindow rejects them, rightly).
    const keep: number[] = [];
    for (let k = a; k < b; k++) if (close[k]! > 0 && Number.isFinite(close[k]!)) keep.push(k);
    for (let k = a; k < b; k++) maxGain[k] = minLoss[k] = timeTo[k] = Number.NaN;
    if (keep.length > 0) {
      const all = keep.length === b - a;
      const l = labelForwardWindow({
        timestamps: all ? ts.subarray(a, b) : Float64Array.from(keep, (k) => ts[k]!),
        closes: all ? close.subarray(a, b) : Float64Array.from(keep, (k) => close[k]!),
        threshold: cfg.threshold,
        windowMinutes: cfg.windowMinutes,
      });
      keep.forEach((row, j) => {
        target[row] = l.target[j]!;
        positives += l.target[j]!;
        maxGain[row] = l.maxGain[j]!;
        minLoss[row] = l.minLoss[j]!;
        timeTo[row] = l.timeToMaxMin[j]!;
      });
    }
    a = b;
  }
  return { target, maxGain, minLoss, timeToMaxMin: timeTo, positives };
}

/**
 * The written label columns, selected from the `labels` table as `l`: `target`, the gain and loss
 * named after the window (`max_gain_60m` for 60 minutes), `time_to_max_min`.
 */
export function labelSelect(cfg: LabelSettings): string {
  const n = labelColumns(cfg.windowMinutes);
  return `CASE WHEN l.max_gain IS NULL THEN NULL ELSE l.target::INTEGER END AS target, l.max_gain AS ${n.maxGain}, l.min_loss AS ${n.minLoss}, l.time_to_max_min`;
}
