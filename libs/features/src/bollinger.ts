import { rollingMeanStd } from './rolling-moments.js';
import { RollingMomentsStream } from './rolling-moments-stream.js';
import { assertFinite, assertPeriod, type Series } from './series.js';
import { SpyglassError } from '@spyglass/core';

/**
 * Bollinger bands aligned with the input; NaN during the first `period − 1` positions.
 *
 * @example
 * ```ts
 * const { percentB }: BollingerSeries = bollinger(closes, 20, 2);
 * const aboveUpper = percentB[percentB.length - 1] > 1;
 * ```
 */
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

/**
 * One Bollinger reading; NaN fields during warm-up.
 *
 * @example
 * ```ts
 * const v: BollingerValue = new BollingerStream(20, 2).update(601.2); // NaN fields for the first 19 closes
 * ```
 */
export interface BollingerValue {
  middle: number;
  upper: number;
  lower: number;
  percentB: number;
  width: number;
}

/**
 * Streaming Bollinger bands: {@link bollinger} one close at a time, on the same rolling-moments
 * arithmetic ({@link RollingMomentsStream}), so the live and batch bands are equal bit for bit.
 *
 * @example
 * ```ts
 * import { BollingerStream } from '@spyglass/features';
 * const bb = new BollingerStream(20, 2);
 * for (const close of closes) console.log(bb.update(close).percentB); // NaN for the first 19
 * ```
 */
export class BollingerStream {
  readonly period: number;
  readonly multiplier: number;
  private readonly moments: RollingMomentsStream;

  constructor(period = 20, multiplier = 2) {
    assertPeriod(period, 'BollingerStream');
    if (!(multiplier > 0 && multiplier < Infinity)) {
      throw new SpyglassError('INVALID_ARGUMENT', `BollingerStream: multiplier = ${multiplier}: must be a finite number > 0`, { details: { multiplier } });
    }
    this.period = period;
    this.multiplier = multiplier;
    this.moments = new RollingMomentsStream(period);
  }

  /** Feeds the next close (same arithmetic as {@link bollinger}, so equal bit for bit). */
  update(close: number): BollingerValue {
    this.moments.update(close);
    const middle = this.moments.mean;
    const band = this.multiplier * this.moments.std;
    const upper = middle + band;
    const lower = middle - band;
    return { middle, upper, lower, percentB: band > 0 ? (close - lower) / (upper - lower) : Number.NaN, width: (upper - lower) / middle };
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.moments.reset();
  }
}
