import { rollingMeanStd } from './rolling-moments.js';
import { RollingMomentsStream } from './rolling-moments-stream.js';
import { assertFinite, assertPeriod, type Series } from './series.js';

/**
 * Rolling z-score (x − mean)/σ over the last `period` values including the current one, population
 * σ; NaN during warm-up and where σ = 0 (a flat window has no scale, and 0 would claim "average").
 * Used for volume z-scores.
 *
 * @example
 * ```ts
 * import { rollingZScore } from '@spyglass/features';
 * rollingZScore([1, 2, 3, 4], 3); // Float64Array [NaN, NaN, 1.2247…, 1.2247…]
 * ```
 */
export function rollingZScore(values: Series, period: number): Float64Array {
  assertPeriod(period, 'rollingZScore', 'period', 2);
  assertFinite(values, 'rollingZScore');
  const n = values.length;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  rollingMeanStd(values, period, mean, std);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = std[k] > 0 ? (values[k] - mean[k]) / std[k] : Number.NaN;
  return out;
}

/**
 * {@link rollingZScore} one value at a time (same arithmetic, equal bit for bit): NaN during
 * warm-up and where σ = 0.
 *
 * @example
 * ```ts
 * import { RollingZScoreStream } from '@spyglass/features';
 * const z = new RollingZScoreStream(3);
 * [1, 2, 3, 4].map((v) => z.update(v)); // [NaN, NaN, 1.2247…, 1.2247…]
 * ```
 */
export class RollingZScoreStream {
  private readonly moments: RollingMomentsStream;

  constructor(period: number) {
    assertPeriod(period, 'RollingZScoreStream', 'period', 2);
    this.moments = new RollingMomentsStream(period);
  }

  /** Feeds the next value; returns its z-score against the window that ends with it. */
  update(x: number): number {
    const m = this.moments;
    m.update(x);
    return m.std > 0 ? (x - m.mean) / m.std : Number.NaN;
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.moments.reset();
  }
}
