import { SpyglassError } from '@spyglass/core';

function assertAscending(times: ArrayLike<number>, where: string, name: string): void {
  for (let k = 1; k < times.length; k++) {
    if (!(times[k] >= times[k - 1])) {
      throw new SpyglassError('INVALID_ARGUMENT', `${where}: ${name} must be ascending; ${name}[${k}] = ${times[k]} < ${name}[${k - 1}] = ${times[k - 1]}`, {
        details: { index: k },
      });
    }
  }
}

/**
 * As-of join: for each left timestamp, the index of the last right timestamp ≤ it (−1 when there is
 * none, or when it is older than `maxLagMs`). Gathering right values by these indices forward-fills
 * gaps, e.g. VIX minutes missing under the SPY minute grid. Both inputs must be ascending (bar
 * starts, UTC epoch ms); O(n + m) with two pointers.
 *
 * @example
 * ```ts
 * import { alignAsOf, takeAsOf } from '@spyglass/features';
 * const idx = alignAsOf([0, 60_000, 120_000], [0, 120_000]); // Int32Array [0, 0, 1]
 * takeAsOf([17.1, 17.3], idx);                               // Float64Array [17.1, 17.1, 17.3]
 * ```
 */
export function alignAsOf(leftTimes: ArrayLike<number>, rightTimes: ArrayLike<number>, options: { maxLagMs?: number } = {}): Int32Array {
  assertAscending(leftTimes, 'alignAsOf', 'leftTimes');
  assertAscending(rightTimes, 'alignAsOf', 'rightTimes');
  const maxLag = options.maxLagMs ?? Number.POSITIVE_INFINITY;
  const out = new Int32Array(leftTimes.length);
  let j = -1;
  for (let k = 0; k < leftTimes.length; k++) {
    const t = leftTimes[k];
    while (j + 1 < rightTimes.length && rightTimes[j + 1] <= t) j++;
    out[k] = j >= 0 && t - rightTimes[j] <= maxLag ? j : -1;
  }
  return out;
}

/**
 * Gathers `values` at as-of indices from {@link alignAsOf}; NaN where the index is −1.
 *
 * @example
 * ```ts
 * import { takeAsOf } from '@spyglass/features';
 * takeAsOf([1, 2], Int32Array.from([-1, 0, 1, 1])); // Float64Array [NaN, 1, 2, 2]
 * ```
 */
export function takeAsOf(values: ArrayLike<number>, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) out[k] = index[k] >= 0 ? values[index[k]] : Number.NaN;
  return out;
}
