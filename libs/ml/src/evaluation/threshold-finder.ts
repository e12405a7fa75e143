import { SpyglassError } from '@spyglass/core';
import { confusion } from './classification-metrics.js';

/**
 * One row of a threshold sweep.
 *
 * @example
 * ```ts
 * const rows: ThresholdSweepRow[] = thresholdSweep(labels, probabilities, { from: 0.5, to: 0.95 });
 * const best = rows.reduce((a, b) => (b.precision > a.precision ? b : a));
 * ```
 */
export interface ThresholdSweepRow {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly nSignals: number;
  readonly signalRate: number;
}

/**
 * The original's `find_optimal_threshold_for_precision` result.
 *
 * @example
 * ```ts
 * const r: PrecisionThreshold = findThresholdForPrecision(labels, probabilities, { minPrecision: 0.7, minSignals: 20 });
 * if (r.achievable) console.log(r.optimalThreshold, r.achievedRecall);
 * ```
 */
export interface PrecisionThreshold {
  /** True when some threshold reaches `minPrecision` with at least `minSignals` signals. */
  readonly achievable: boolean;
  /** Lowest threshold reaching the precision (most signals); when not achievable, the most precise one. */
  readonly optimalThreshold: number | null;
  readonly achievedPrecision: number;
  readonly achievedRecall: number;
  readonly nSignals: number;
  readonly signalRate: number;
  readonly sweep: ThresholdSweepRow[];
}

/**
 * Sweep options; the defaults are the original's 0.50–0.99 by 0.01.
 *
 * @example
 * ```ts
 * const grid = thresholdGrid({ from: 0.5, to: 0.9, step: 0.05 } satisfies ThresholdSweepOptions); // [0.5, 0.55, …, 0.9]
 * ```
 */
export interface ThresholdSweepOptions {
  readonly from?: number;
  readonly to?: number;
  readonly step?: number;
}

/**
 * Thresholds `from, from + step, …, to` with no floating drift (0.57 stays 0.57).
 *
 * @example
 * ```ts
 * thresholdGrid({ from: 0.7, to: 0.75, step: 0.01 }); // [0.7, 0.71, 0.72, 0.73, 0.74, 0.75]
 * ```
 */
export function thresholdGrid(options: ThresholdSweepOptions = {}): number[] {
  const { from = 0.5, to = 0.99, step = 0.01 } = options;
  if (!(step > 0) || !(from <= to) || from < 0 || to > 1) {
    throw new SpyglassError('INVALID_ARGUMENT', `bad threshold grid from=${from} to=${to} step=${step}: need 0 ≤ from ≤ to ≤ 1 and step > 0`);
  }
  const n = Math.floor((to - from) / step + 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((from + i * step).toFixed(10)));
}

/**
 * Precision, recall and signal count at every threshold of a grid.
 *
 * @example
 * ```ts
 * thresholdSweep(val.label, probabilities, { from: 0.5, to: 0.95, step: 0.05 });
 * ```
 */
export function thresholdSweep(labels: ArrayLike<number>, probabilities: ArrayLike<number>, options: ThresholdSweepOptions = {}): ThresholdSweepRow[] {
  return thresholdGrid(options).map((threshold) => {
    const c = confusion(labels, probabilities, threshold);
    const nSignals = c.tp + c.fp;
    return {
      threshold,
      precision: nSignals ? c.tp / nSignals : 0,
      recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0,
      nSignals,
      signalRate: labels.length ? nSignals / labels.length : 0,
    };
  });
}

/**
 * Sweeps thresholds on the **validation** set and returns the lowest one whose precision reaches
 * `minPrecision` (so it keeps the most signals); when none does, `achievable: false` and the
 * most precise threshold found.
 *
 * @example
 * ```ts
 * const r = findThresholdForPrecision(split.validation.label, pVal, { minPrecision: 0.9 });
 * if (r.achievable) console.log(`use ${r.optimalThreshold}`);
 * ```
 */
export function findThresholdForPrecision(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: ThresholdSweepOptions & { readonly minPrecision: number; readonly minSignals?: number },
): PrecisionThreshold {
  const minSignals = options.minSignals ?? 1;
  const sweep = thresholdSweep(labels, probabilities, options);
  const hit = sweep.find((r) => r.nSignals >= minSignals && r.precision >= options.minPrecision);
  const best = hit ?? sweep.filter((r) => r.nSignals >= minSignals).sort((a, b) => b.precision - a.precision || a.threshold - b.threshold)[0];
  return {
    achievable: hit !== undefined,
    optimalThreshold: best?.threshold ?? null,
    achievedPrecision: best?.precision ?? 0,
    achievedRecall: best?.recall ?? 0,
    nSignals: best?.nSignals ?? 0,
    signalRate: best?.signalRate ?? 0,
    sweep,
  };
}
