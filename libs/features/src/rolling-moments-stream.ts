/**
 * The rolling mean and population σ of the last `period` values, one value at a time: the
 * incremental twin of `rollingMeanStd` (the batch kernel behind `bollinger` and `rollingZScore`).
 * It runs the same arithmetic in the same order — exact sums at the first full window and every
 * `period` values, a sliding Welford update in between, an exact re-sum when cancellation
 * threatens — so batch and stream agree bit for bit (tests prove it on random and real series).
 * O(1) per value apart from the periodic exact re-sum, which is O(period) once every `period` values.
 *
 * @example
 * ```ts
 * import { RollingMomentsStream } from '@spyglass/features';
 * const m = new RollingMomentsStream(3);
 * [1, 2, 3, 4].map((x) => (m.update(x), m.mean)); // [NaN, NaN, 2, 3]
 * ```
 */
export class RollingMomentsStream {
  readonly period: number;
  private readonly window: Float64Array;
  /** Index of the latest value in the whole series (−1 before the first). */
  private k = -1;
  private m = Number.NaN;
  private m2 = 0;
  private sd = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Array(period);
  }

  /** Feeds the next value; then `mean` and `std` describe the last `period` values (NaN while warming up). */
  update(x: number): void {
    const p = this.period;
    const k = ++this.k;
    const slot = k % p;
    const y = this.window[slot]!;
    this.window[slot] = x;
    if (k < p - 1) return;
    if (k === p - 1) {
      this.exact();
      this.sd = Math.sqrt(this.m2 / p);
      return;
    }
    const oldMean = this.m;
    this.m = oldMean + (x - y) / p;
    this.m2 += (x - y) * (x - this.m + y - oldMean);
    if ((k + 1) % p === 0 || this.m2 < 1e-9 * this.m * this.m * p) this.exact();
    this.sd = Math.sqrt(this.m2 > 0 ? this.m2 / p : 0);
  }

  /** Mean of the last `period` values (NaN while warming up). */
  get mean(): number {
    return this.m;
  }

  /** Population σ of the last `period` values (NaN while warming up). */
  get std(): number {
    return this.sd;
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.k = -1;
    this.m = Number.NaN;
    this.m2 = 0;
    this.sd = Number.NaN;
  }

  // Sums in series order (oldest first), as the batch kernel does.
  private exact(): void {
    const p = this.period;
    const first = (this.k + 1) % p;
    let s = 0;
    for (let j = 0; j < p; j++) s += this.window[(first + j) % p]!;
    const mean = s / p;
    let m2 = 0;
    for (let j = 0; j < p; j++) {
      const d = this.window[(first + j) % p]! - mean;
      m2 += d * d;
    }
    this.m = mean;
    this.m2 = m2;
  }
}
