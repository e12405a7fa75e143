import { nyDate } from '@spyglass/core';

// New York's UTC offset is a whole number of hours, so the ET calendar date is constant within a
// UTC hour: caching core's `nyDate` by hour turns an Intl call per bar into a map hit.
const cache = new Map<number, string>();
const CACHE_LIMIT = 100_000;

/**
 * The America/New_York calendar date (`YYYY-MM-DD`) of a UTC epoch-millisecond instant: the
 * trading date a bar belongs to, and the `date=` partition it is stored under.
 *
 * @example
 * ```ts
 * easternDate(Date.UTC(2025, 2, 4, 14, 30)); // '2025-03-04'
 * easternDate(Date.UTC(2025, 2, 5, 2, 0));   // '2025-03-04' (21:00 ET the evening before)
 * ```
 */
export function easternDate(timestampMs: number): string {
  const hour = Math.floor(timestampMs / 3_600_000);
  let date = cache.get(hour);
  if (date === undefined) {
    date = nyDate(hour * 3_600_000);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(hour, date);
  }
  return date;
}

/** True when `s` is a real `YYYY-MM-DD` calendar date (rejects 2025-02-30). */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
