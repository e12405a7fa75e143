// Until `nyDate` is exported by @spyglass/core this module computes the New York calendar date
// itself; the result is the same function (Intl, America/New_York).
const nyFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });

const HOUR = 3_600_000;
// New York's UTC offset only ever changes on a whole UTC hour, so every instant in one UTC hour has
// the same New York date: caching by hour turns ~1 µs of Intl per row into a Map lookup.
const byHour = new Map<number, string>();

/**
 * The America/New_York calendar date (`YYYY-MM-DD`) of an epoch-ms instant: the partition date.
 *
 * @example
 * ```ts
 * nyDateOf(Date.UTC(2025, 2, 5, 3, 0)); // '2025-03-04' (22:00 the evening before in New York)
 * ```
 */
export function nyDateOf(t: number): string {
  const hour = Math.floor(t / HOUR);
  let d = byHour.get(hour);
  if (d === undefined) {
    d = nyFormat.format(hour * HOUR);
    if (byHour.size > 100_000) byHour.clear();
    byHour.set(hour, d);
  }
  return d;
}
