import { SpyglassError } from '@spyglass/core';
import { EmaStream } from './moving-average.js';
import { assertFinite, assertPeriod, type Series } from './series.js';

/**
 * MACD line, its signal line and the histogram, aligned with the input (NaN during warm-up).
 *
 * @example
 * ```ts
 * const { histogram }: MacdSeries = macd(closes, 12, 26, 9);
 * const crossedUp = histogram[k - 1] < 0 && histogram[k] >= 0;
 * ```
 */
export interface MacdSeries {
  /** EMA(fast) − EMA(slow); first value at index slow − 1. */
  macd: Float64Array;
  /** EMA(signal) of the MACD line, seeded with the SMA of its first `signal` values. */
  signal: Float64Array;
  /** macd − signal. */
  histogram: Float64Array;
}

/**
 * MACD(fast, slow, signal) with SMA-seeded EMAs (Stock.Indicators' convention: the fast EMA starts
 * at index fast−1, the slow one and the MACD line at slow−1, the signal at slow+signal−2).
 *
 * @example
 * ```ts
 * import { macd } from '@spyglass/features';
 * const { macd: line, signal, histogram } = macd(closes, 12, 26, 9); // line[25], signal[33] first
 * ```
 */
export function macd(closes: Series, fast = 12, slow = 26, signal = 9): MacdSeries {
  assertPeriod(fast, 'macd', 'fast');
  assertPeriod(slow, 'macd', 'slow');
  assertPeriod(signal, 'macd', 'signal');
  if (fast >= slow) {
    throw new SpyglassError('INVALID_ARGUMENT', `macd: fast = ${fast} must be shorter than slow = ${slow}`, { details: { fast, slow } });
  }
  assertFinite(closes, 'macd', 'closes');
  const n = closes.length;
  const line = new Float64Array(n);
  const sig = new Float64Array(n);
  const hist = new Float64Array(n);
  const fastEma = new EmaStream(fast);
  const slowEma = new EmaStream(slow);
  const signalEma = new EmaStream(signal);
  for (let k = 0; k < n; k++) {
    const m = fastEma.update(closes[k]) - slowEma.update(closes[k]);
    line[k] = m;
    // The signal EMA only starts once the MACD line exists, so its SMA seed covers real values.
    const s = m === m ? signalEma.update(m) : Number.NaN;
    sig[k] = s;
    hist[k] = m - s;
  }
  return { macd: line, signal: sig, histogram: hist };
}

/**
 * One MACD reading; NaN fields during warm-up.
 *
 * @example
 * ```ts
 * const v: MacdValue = new MacdStream(12, 26, 9).update(601.2); // NaN fields until warmed up
 * ```
 */
export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/**
 * Streaming MACD with the same conventions as {@link macd} (value for value identical), for live
 * bars: one `update` per close.
 *
 * @example
 * ```ts
 * import { MacdStream } from '@spyglass/features';
 * const m = new MacdStream(12, 26, 9);
 * for (const close of closes) console.log(m.update(close).histogram); // NaN for the first 33
 * ```
 */
export class MacdStream {
  private readonly fast: EmaStream;
  private readonly slow: EmaStream;
  private readonly signal: EmaStream;

  constructor(fast = 12, slow = 26, signal = 9) {
    assertPeriod(fast, 'MacdStream', 'fast');
    assertPeriod(slow, 'MacdStream', 'slow');
    assertPeriod(signal, 'MacdStream', 'signal');
    if (fast >= slow) {
      throw new SpyglassError('INVALID_ARGUMENT', `MacdStream: fast = ${fast} must be shorter than slow = ${slow}`, { details: { fast, slow } });
    }
    this.fast = new EmaStream(fast);
    this.slow = new EmaStream(slow);
    this.signal = new EmaStream(signal);
  }

  /** Feeds the next close. */
  update(close: number): MacdValue {
    const m = this.fast.update(close) - this.slow.update(close);
    const s = m === m ? this.signal.update(m) : Number.NaN;
    return { macd: m, signal: s, histogram: m - s };
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.signal.reset();
  }
}
