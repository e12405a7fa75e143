import { SpyglassError } from '@spyglass/core';

/**
 * One bin of a reliability curve: the mean predicted probability against the observed positive rate.
 *
 * @example
 * ```ts
 * const bin: ReliabilityBin = calibration(labels, probabilities).bins[9];
 * console.log(bin.meanPredicted, bin.observedRate, bin.count);
 * ```
 */
export interface ReliabilityBin {
  /** Bin bounds [from, to) (the last bin includes 1). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Null for an empty bin. */
  readonly meanPredicted: number | null;
  readonly observedRate: number | null;
}

/**
 * Calibration of probabilities on labelled rows: reliability curve, Brier score and expected
 * calibration error (the count-weighted mean gap between predicted and observed per bin).
 *
 * @example
 * ```ts
 * const c: Calibration = calibration(heldOut.label, probabilities);
 * console.log(c.brier, c.expectedCalibrationError);
 * ```
 */
export interface Calibration {
  readonly rows: number;
  readonly brier: number | null;
  /** Brier score of always predicting the observed base rate: the no-skill reference. */
  readonly brierBaseRate: number | null;
  readonly expectedCalibrationError: number | null;
  readonly bins: readonly ReliabilityBin[];
}

/**
 * Reliability curve over `bins` equal-width bins, Brier score, and the Brier score of the base-rate
 * classifier on the same rows.
 *
 * @example
 * ```ts
 * calibration([1, 0, 1], [0.9, 0.2, 0.6], 5).bins.filter((b) => b.count > 0).length; // 3
 * ```
 */
export function calibration(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): Calibration {
  const n = labels.length;
  if (probabilities.length !== n) throw new SpyglassError('INVALID_ARGUMENT', `calibration: ${probabilities.length} probabilities for ${n} labels`);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new SpyglassError('INVALID_ARGUMENT', `calibration: bins = ${bins}: must be an integer ≥ 1`);
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  let brier = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    const y = labels[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += y;
    brier += (p - y) ** 2;
    positives += y;
  }
  const rate = n ? positives / n : 0;
  let ece = 0;
  const out: ReliabilityBin[] = count.map((c, b) => {
    if (c) ece += (c / n) * Math.abs(sumP[b]! / c - sumY[b]! / c);
    return { from: b / bins, to: (b + 1) / bins, count: c, meanPredicted: c ? sumP[b]! / c : null, observedRate: c ? sumY[b]! / c : null };
  });
  return {
    rows: n,
    brier: n ? brier / n : null,
    brierBaseRate: n ? rate * (1 - rate) : null,
    expectedCalibrationError: n ? ece : null,
    bins: out,
  };
}
