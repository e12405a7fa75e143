import { rollingMeanStd } from './rolling-moments.js';
import { assertFinite, assertPeriod, type Series } from './series.js';
import { SpyglassError } from '@spyglass/core';

/** Bollinger bands aligned with the input; NaN during the first `period − 1` positions. */
export interface BollingerSeries {
  /** SMA(period). */
  middle: Float64Array;
  /** middle + multiplier·σ (population σ). */
  upper: Float64Array;
  /** middle − multiplier·σ. */
  lower: Float64Array;
  /** (close − lower)/(upper − lower): 0 at the lower band, 1 at the upper; NaN when the bands touch. */
  percentB: Float64Array;
  /** (upper − lower)/middle. */
  width: Float64Array;
}

/**
 * Bollinger bands with the population standard deviation (divide by `period`, as John Bollinger
 * and Stock.Indicators do; pandas' default `std()` divides by period − 1 and gives wider bands).
 *
 * @example
 * ```ts
 * import { bollinger } from '@spyglass/features';
 * const { middle, upper, lower, percentB, width } = bollinger(closes, 20, 2);
 * ```
 */
export function bollinger(closes: Series, period = 20, multiplier = 2): BollingerSeries {
  assertPeriod(period, 'bollinger');
  if (!(multiplier > 0 && multiplier < Infinity)) {
    throw new SpyglassError('INVALID_ARGUMENT', `bollinger: multiplier = ${multiplier}: must be a finite number > 0`, { details: { multiplier } });
  }
  assertFinite(closes, 'bollinger', 'closes');
  const n = closes.length;
  const middle = new Float64Array(n);
  const std = new Float64Array(n);
  rollingMeanStd(closes, period, middle, std);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const percentB = new Float64Array(n);
  const width = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const m = middle[k];
    const band = multiplier * std[k];
    const u = m + band;
    const l = m - band;
    upper[k] = u;
    lower[k] = l;
    percentB[k] = band > 0 ? (closes[k] - l) / (u - l) : Number.NaN;
    width[k] = (u - l) / m;
  }
  return { middle, upper, lower, percentB, width };
}
