/**
 * The last `size` rows of one or two columns, for SQL `ROWS BETWEEN size − 1 PRECEDING AND
 * CURRENT ROW` aggregates: `count`, `avg`, `stddev_pop` of a column and `corr` of two, with SQL's
 * NULL rules (NaN = NULL: aggregates skip it; `corr` uses rows where both are present). Each
 * statistic is computed from the window afresh (two passes over at most `size` values), so there
 * is no drift over a long session and no cancellation on near-constant data; the cost per bar is
 * bounded by `size`, not by the length of the day.
 *
 * @example
 * ```ts
 * import { RowWindow } from '@spyglass/features';
 * const w = new RowWindow(3);
 * [1, 2, NaN, 4].forEach((x) => w.push(x));
 * [w.rows, w.count(), w.mean()]; // [3, 2, 3]
 * ```
 */
export class RowWindow {
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private n = 0;

  constructor(readonly size: number) {
    this.a = new Float64Array(size);
    this.b = new Float64Array(size);
  }

  /** Appends a row (NaN = NULL); `y` is the second column, for {@link corr}. */
  push(x: number, y = Number.NaN): void {
    const slot = this.n % this.size;
    this.a[slot] = x;
    this.b[slot] = y;
    this.n++;
  }

  /** Rows in the window (SQL `count(*)`). */
  get rows(): number {
    return Math.min(this.n, this.size);
  }

  /** Non-NULL values of the first column (SQL `count(x)`). */
  count(): number {
    let c = 0;
    for (let k = 0, r = this.rows; k < r; k++) if (this.a[k] === this.a[k]) c++;
    return c;
  }

  /** Rows where both columns are present (SQL `count(x * y)`). */
  pairCount(): number {
    let c = 0;
    for (let k = 0, r = this.rows; k < r; k++) if (this.a[k] === this.a[k] && this.b[k] === this.b[k]) c++;
    return c;
  }

  /** SQL `avg(x)`: NaN when no value is present. */
  mean(): number {
    const r = this.rows;
    const first = this.n <= this.size ? 0 : this.n % this.size;
    let s = 0;
    let c = 0;
    for (let j = 0; j < r; j++) {
      const k = first + j;
      const x = this.a[k < this.size ? k : k - this.size]!;
      if (x === x) {
        s += x;
        c++;
      }
    }
    return c === 0 ? Number.NaN : s / c;
  }

  /** SQL `stddev_pop(x)`: NaN when no value is present. */
  stdPop(): number {
    const m = this.mean();
    if (m !== m) return Number.NaN;
    const r = this.rows;
    const first = this.n <= this.size ? 0 : this.n % this.size;
    let m2 = 0;
    let c = 0;
    for (let j = 0; j < r; j++) {
      const k = first + j;
      const x = this.a[k < this.size ? k : k - this.size]!;
      if (x === x) {
        const d = x - m;
        m2 += d * d;
        c++;
      }
    }
    return Math.sqrt(m2 / c);
  }

  /** SQL `corr(x, y)` over rows where both are present: covar_pop / (σx σy); NaN when undefined. */
  corr(): number {
    let sx = 0;
    let sy = 0;
    let c = 0;
    const r = this.rows;
    for (let k = 0; k < r; k++) {
      const x = this.a[k]!;
      const y = this.b[k]!;
      if (x === x && y === y) {
        sx += x;
        sy += y;
        c++;
      }
    }
    if (c === 0) return Number.NaN;
    const mx = sx / c;
    const my = sy / c;
    let cxy = 0;
    let cxx = 0;
    let cyy = 0;
    for (let k = 0; k < r; k++) {
      const x = this.a[k]!;
      const y = this.b[k]!;
      if (x === x && y === y) {
        cxy += (x - mx) * (y - my);
        cxx += (x - mx) * (x - mx);
        cyy += (y - my) * (y - my);
      }
    }
    const den = Math.sqrt(cxx / c) * Math.sqrt(cyy / c);
    return den > 0 ? cxy / c / den : Number.NaN;
  }

  /** Forgets everything, e.g. at a session boundary. */
  reset(): void {
    this.n = 0;
  }
}
