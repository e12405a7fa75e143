import { SpyglassError } from '@spyglass/core';

/**
 * A numeric series: a plain array or a typed array, oldest value first.
 *
 * @example
 * ```ts
 * const closes: Series = new Float64Array([600.1, 600.4, 599.8]);
 * const r = rsi(closes, 2);
 * ```
 */
export type Series = ArrayLike<number>;

/**
 * Throws INVALID_ARGUMENT unless every value is finite. Recursive indicators (EMA, RSI, MACD) would
 * otherwise turn one NaN into NaN for the rest of the series, silently.
 */
export function assertFinite(values: Series, where: string, name = 'values'): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v - v === 0)) {
      throw new SpyglassError('INVALID_ARGUMENT', `${where}: ${name}[${k}] = ${v}: values must be finite (fill or drop gaps first)`, {
        details: { index: k, value: v },
      });
    }
  }
}

/** Throws INVALID_ARGUMENT unless `period` is an integer ≥ `min`. */
export function assertPeriod(period: number, where: string, name = 'period', min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new SpyglassError('INVALID_ARGUMENT', `${where}: ${name} = ${period}: must be an integer >= ${min}`, { details: { [name]: period } });
  }
}

/** A Float64Array of `n` NaNs: the warm-up value of every indicator. */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
