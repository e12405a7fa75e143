import { assertFinite, assertPeriod, nanArray, type Series } from './series.js';

/**
 * Simple moving average over `period` values; NaN for the first `period - 1` positions.
 * O(n): a running sum, re-summed exactly once per window length so rounding cannot drift.
 *
 * @example
 * ```ts
 * import { sma } from '@spyglass/features';
 * sma([1, 2, 3, 4], 2); // Float64Array [NaN, 1.5, 2.5, 3.5]
 * ```
 */
export function sma(values: Series, period: number): Float64Array {
  assertPeriod(period, 'sma');
  assertFinite(values, 'sma');
  const n = values.length;
  const out = nanArray(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += values[k];
    if (k >= period) sum -= values[k - period];
    if (k >= period - 1) {
      if ((k + 1) % period === 0) {
        sum = 0;
        for (let j = k - period + 1; j <= k; j++) sum += values[j];
      }
      out[k] = sum / period;
    }
  }
  return out;
}

/**
 * Streaming exponential moving average, smoothing 2/(period+1), seeded with the simple average of
 * the first `period` values (the Stock.Indicators / TA-Lib convention, not "seed with the first
 * value"). `update` returns NaN during warm-up.
 *
 * @example
 * ```ts
 * import { EmaStream } from '@spyglass/features';
 * const ema = new EmaStream(3);
 * [1, 2, 3, 4].map((x) => ema.update(x)); // [NaN, NaN, 2, 3]
 * ```
 */
export class EmaStream {
  readonly period: number;
  private readonly k: number;
  private count = 0;
  private seedSum = 0;
  private value = Number.NaN;

  constructor(period: number) {
    assertPeriod(period, 'EmaStream');
    this.period = period;
    this.k = 2 / (period + 1);
  }

  /** Feeds the next value; returns the EMA, or NaN until `period` values have been seen. */
  update(x: number): number {
    if (this.count >= this.period) {
      this.value += this.k * (x - this.value);
      return this.value;
    }
    this.count++;
    this.seedSum += x;
    if (this.count === this.period) this.value = this.seedSum / this.period;
    return this.value;
  }

  /** Current value (NaN during warm-up). */
  get current(): number {
    return this.value;
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.count = 0;
    this.seedSum = 0;
    this.value = Number.NaN;
  }
}

/**
 * Exponential moving average of a series (see {@link EmaStream} for the seeding convention).
 *
 * @example
 * ```ts
 * import { ema } from '@spyglass/features';
 * ema([1, 2, 3, 4, 5], 3); // Float64Array [NaN, NaN, 2, 3, 4]
 * ```
 */
export function ema(values: Series, period: number): Float64Array {
  assertPeriod(period, 'ema');
  assertFinite(values, 'ema');
  const out = new Float64Array(values.length);
  const stream = new EmaStream(period);
  for (let k = 0; k < values.length; k++) out[k] = stream.update(values[k]);
  return out;
}
