import { SpyglassError } from '@spyglass/core';

/**
 * A date bound of a request: `YYYY-MM-DD` or UTC epoch ms (both accepted by the aggregates path).
 *
 * @example
 * ```ts
 * const from: DateBound = '2025-03-04';
 * const to: DateBound = Date.UTC(2025, 2, 4, 21, 0);
 * ```
 */
export type DateBound = string | number;

/** Renders a date bound for a URL path, rejecting anything the API would misread. */
export function pathDate(d: DateBound, name: string): string {
  if (typeof d === 'number') {
    if (!Number.isInteger(d) || d < 0) throw new SpyglassError('INVALID_ARGUMENT', `${name} ${d} must be a non-negative integer epoch ms`);
    return String(d);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) {
    throw new SpyglassError('INVALID_ARGUMENT', `${name} "${d}" must be YYYY-MM-DD or epoch ms`);
  }
  return d;
}
