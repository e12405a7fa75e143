import { assertFinite, assertPeriod, nanArray, type Series } from './series.js';

/**
 * Rate of change in percent over `period` steps: 100·(x[t]/x[t−period] − 1); NaN for the first
 * `period` positions and where x[t−period] is 0.
 *
 * @example
 * ```ts
 * import { roc } from '@spyglass/features';
 * roc([100, 101, 103], 2); // Float64Array [NaN, NaN, 3]
 * ```
 */
export function roc(values: Series, period: number): Float64Array {
  assertPeriod(period, 'roc');
  assertFinite(values, 'roc');
  const out = nanArray(values.length);
  for (let k = period; k < values.length; k++) {
    const base = values[k - period];
    if (base !== 0) out[k] = 100 * (values[k] / base - 1);
  }
  return out;
}

/**
 * Absolute change over `period` steps: x[t] − x[t−period] (price units); NaN for the first `period`
 * positions.
 *
 * @example
 * ```ts
 * import { priceChange } from '@spyglass/features';
 * priceChange([100, 101, 103], 2); // Float64Array [NaN, NaN, 3]
 * ```
 */
export function priceChange(values: Series, period: number): Float64Array {
  assertPeriod(period, 'priceChange');
  assertFinite(values, 'priceChange');
  const out = nanArray(values.length);
  for (let k = period; k < values.length; k++) out[k] = values[k] - values[k - period];
  return out;
}
