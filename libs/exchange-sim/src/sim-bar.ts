/**
 * A minute (or longer) aggregate as the API sends it: `t` is the window start (UTC epoch ms), prices
 * in dollars rounded to the cent, `vw` to 4 decimals, `v` shares or contracts, `n` trades.
 *
 * @example
 * ```ts
 * const bar: SimBar = { t: 1741098600000, o: 580.12, h: 580.3, l: 580.01, c: 580.2, v: 412300, vw: 580.1523, n: 3120 };
 * ```
 */
export interface SimBar {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
  readonly vw: number;
  readonly n: number;
}

/**
 * An index aggregate: values only, no volume (as the real index feed).
 *
 * @example
 * ```ts
 * const [first]: readonly SimIndexBar[] = market.indexBars('I:VIX', '2025-03-04');
 * console.log(first.c);
 * ```
 */
export interface SimIndexBar {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
}

/** Rounds to the cent, as exchange prices are quoted. */
export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Rounds to 4 decimals, as the API's `vw`. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
