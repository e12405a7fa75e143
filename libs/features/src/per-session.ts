import { SpyglassError, nyDate } from '@spyglass/core';
import type { Series } from './series.js';

/**
 * Session key per row: equal keys in a contiguous run form one session.
 *
 * @example
 * ```ts
 * const ids: SessionIds = nyDayNumbers(timestamps); // one key per New York calendar day
 * const ema9 = perSession(ids, closes, (seg) => ema(seg, 9));
 * ```
 */
export type SessionIds = ArrayLike<number | string>;

/**
 * Runs an indicator separately on each session (contiguous run of equal `sessionIds`), so its
 * warm-up restarts at every session open, and stitches the results back in row order.
 *
 * @example
 * ```ts
 * import { perSession, rsi, macd, nyDayNumbers } from '@spyglass/features';
 * const days = nyDayNumbers(timestamps);
 * const r = perSession(days, closes, (s) => rsi(s, 14));          // Float64Array
 * const m = perSession(days, closes, (s) => macd(s, 12, 26, 9));  // { macd, signal, histogram }
 * ```
 */
export function perSession(sessionIds: SessionIds, values: Series, compute: (segment: Float64Array) => Float64Array): Float64Array;
export function perSession<T extends { [K in keyof T]: Float64Array }>(sessionIds: SessionIds, values: Series, compute: (segment: Float64Array) => T): T;
export function perSession(
  sessionIds: SessionIds,
  values: Series,
  compute: (segment: Float64Array) => Float64Array | Record<string, Float64Array>,
): Float64Array | Record<string, Float64Array> {
  const n = values.length;
  if (sessionIds.length !== n) {
    throw new SpyglassError('INVALID_ARGUMENT', `perSession: ${sessionIds.length} session ids for ${n} values`, {
      details: { sessionIds: sessionIds.length, values: n },
    });
  }
  const all = values instanceof Float64Array ? values : Float64Array.from(values);
  let single: Float64Array | undefined;
  let record: Record<string, Float64Array> | undefined;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && sessionIds[end] === sessionIds[start]) end++;
    const part = compute(all.subarray(start, end));
    if (part instanceof Float64Array) {
      single ??= new Float64Array(n);
      single.set(part, start);
    } else {
      record ??= Object.fromEntries(Object.keys(part).map((key) => [key, new Float64Array(n)]));
      for (const key of Object.keys(record)) record[key].set(part[key], start);
    }
    start = end;
  }
  return single ?? record ?? compute(new Float64Array(0));
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * New York calendar day of each UTC epoch-ms timestamp, as days since 1970-01-01 (a session key for
 * {@link perSession} and the labeller). New York's UTC offset is a whole number of hours, so the date
 * is computed once per UTC hour and reused: a million minute bars cost ~17k calendar look-ups.
 *
 * @example
 * ```ts
 * import { nyDayNumbers } from '@spyglass/features';
 * nyDayNumbers([Date.UTC(2025, 2, 4, 14, 30), Date.UTC(2025, 2, 5, 2, 0)]); // Int32Array [20151, 20151] (2025-03-04)
 * ```
 */
export function nyDayNumbers(timestamps: ArrayLike<number>): Int32Array {
  const out = new Int32Array(timestamps.length);
  let hour = Number.NaN;
  let day = 0;
  for (let k = 0; k < timestamps.length; k++) {
    const t = timestamps[k];
    const h = Math.floor(t / HOUR_MS);
    if (h !== hour) {
      hour = h;
      day = Date.parse(`${nyDate(t)}T00:00:00Z`) / DAY_MS;
    }
    out[k] = day;
  }
  return out;
}
