import { assertFinite, assertPeriod, type Series } from './series.js';

/**
 * Streaming Wilder RSI. The first average gain and loss are the simple averages of the first
 * `period` changes; after that Wilder's smoothing avg = (avg·(period−1) + change)/period. The first
 * value therefore appears at the `period + 1`-th input. A window with losses of 0 gives 100; a
 * perfectly flat window (no gains, no losses) gives 50.
 *
 * @example
 * ```ts
 * import { RsiStream } from '@spyglass/features';
 * const rsi = new RsiStream(14);
 * for (const close of closes) console.log(rsi.update(close)); // NaN ×14, then values
 * ```
 */
export class RsiStream {
  readonly period: number;
  private previous = Number.NaN;
  private changes = 0;
  private avgGain = 0;
  private avgLoss = 0;
  private value = Number.NaN;

  constructor(period = 14) {
    assertPeriod(period, 'RsiStream');
    this.period = period;
  }

  /** Feeds the next close; returns the RSI (0…100), or NaN during warm-up. */
  update(close: number): number {
    const prev = this.previous;
    this.previous = close;
    if (prev !== prev) return this.value; // first input: no change yet
    const change = close - prev;
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    const p = this.period;
    if (this.changes < p) {
      this.changes++;
      this.avgGain += gain;
      this.avgLoss += loss;
      if (this.changes < p) return this.value;
      this.avgGain /= p;
      this.avgLoss /= p;
    } else {
      this.avgGain = (this.avgGain * (p - 1) + gain) / p;
      this.avgLoss = (this.avgLoss * (p - 1) + loss) / p;
    }
    const g = this.avgGain;
    const l = this.avgLoss;
    this.value = l > 0 ? 100 - 100 / (1 + g / l) : g > 0 ? 100 : 50;
    return this.value;
  }

  /** Current value (NaN during warm-up). */
  get current(): number {
    return this.value;
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.previous = Number.NaN;
    this.changes = 0;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.value = Number.NaN;
  }
}

/**
 * Wilder RSI of a close series (see {@link RsiStream}); NaN for the first `period` positions.
 *
 * @example
 * ```ts
 * import { rsi } from '@spyglass/features';
 * const r = rsi(closes, 14); // r[14] is the first value
 * ```
 */
export function rsi(closes: Series, period = 14): Float64Array {
  assertPeriod(period, 'rsi');
  assertFinite(closes, 'rsi', 'closes');
  const out = new Float64Array(closes.length);
  const stream = new RsiStream(period);
  for (let k = 0; k < closes.length; k++) out[k] = stream.update(closes[k]);
  return out;
}
