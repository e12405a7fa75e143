/**
 * "The last non-missing value at or before t − N minutes" for a series that arrives in time order,
 * as SQL's `last_value(x IGNORE NULLS) OVER (ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND
 * N PRECEDING)` gives it. Only values that a later query can still return are kept: the newest
 * value at or before `now − horizon` plus everything after it, so memory and work per bar are
 * bounded by the horizon (minute bars: at most horizon + 1 entries), not by the length of the day.
 *
 * @example
 * ```ts
 * import { AsOfHistory } from '@spyglass/features';
 * const h = new AsOfHistory(60 * 60_000);
 * h.push(0, 100); h.push(60_000, 101); h.push(120_000, 102);
 * h.at(120_000 - 60_000); // 101
 * ```
 */
export class AsOfHistory {
  private ts: number[] = [];
  private values: number[] = [];
  private head = 0;

  /** @param horizonMs the longest look-back {@link at} will be asked for. */
  constructor(readonly horizonMs: number) {}

  /** Appends the value at `t` (not before the previous one); NaN (missing) is not stored. */
  push(t: number, value: number): void {
    if (value === value) {
      this.ts.push(t);
      this.values.push(value);
    }
    const cutoff = t - this.horizonMs;
    // Drop entries shadowed by a newer one that is itself at or before the longest cutoff.
    while (this.ts.length - this.head > 1 && this.ts[this.head + 1]! <= cutoff) this.head++;
    if (this.head > 64 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  /** The newest value at or before `cutoff`, NaN when there is none. */
  at(cutoff: number): number {
    // Binary search for the last entry at or before the cutoff.
    let lo = this.head;
    let hi = this.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! <= cutoff) lo = mid + 1;
      else hi = mid;
    }
    return lo > this.head ? this.values[lo - 1]! : Number.NaN;
  }

  /** Timestamp of the newest entry (−∞ when empty). */
  get lastTime(): number {
    return this.ts.length > this.head ? this.ts[this.ts.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.ts = [];
    this.values = [];
    this.head = 0;
  }
}
