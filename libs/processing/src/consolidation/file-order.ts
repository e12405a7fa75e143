/**
 * Whether option rows read in storage order are already in the consolidated order (date, ticker,
 * bar start) with no two rows on one key, so the DuckDB sort can be skipped. `contract` is the
 * row's ticker as its position in the ascending ticker list (NaN: no ticker, which sorts last and
 * is never taken as ordered); the date is the session of `ts` (sessions ascending, disjoint, every
 * row inside one). Any doubt answers false and the caller sorts.
 *
 * @example
 * ```ts
 * inConsolidatedOrder(Float64Array.of(60_000, 120_000), Float64Array.of(1, 1), Float64Array.of(0), Float64Array.of(86_400_000)); // true
 * ```
 */
export function inConsolidatedOrder(ts: Float64Array, contract: Float64Array, sessionOpen: Float64Array, sessionClose: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const c = contract[i]!;
    if (!(c === c)) return false;
    if (i === 0 || !(t < sessionClose[s]!)) {
      // first row, or past the current session: the next session holding it (never an earlier one)
      while (s < sessionOpen.length && !(t < sessionClose[s]!)) s++;
      if (s === sessionOpen.length || !(t >= sessionOpen[s]!)) return false;
      continue;
    }
    if (!(t >= sessionOpen[s]!)) return false;
    const pc = contract[i - 1]!;
    if (c < pc || (c === pc && !(t > ts[i - 1]!))) return false;
  }
  return true;
}
