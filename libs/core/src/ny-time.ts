import { parseIsoDate } from './iso-date.js';
import { SpyglassError } from './errors.js';

/**
 * The exchange time zone of every NYSE session.
 *
 * @example
 * ```ts
 * new Intl.DateTimeFormat('en-US', { timeZone: NY_TIME_ZONE }).format(Date.now());
 * ```
 */
export const NY_TIME_ZONE = 'America/New_York';

// One formatter, reused: constructing Intl.DateTimeFormat is far slower than formatting with it.
const nyParts = new Intl.DateTimeFormat('en-US', {
  timeZone: NY_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const HOUR_MS = 3_600_000;
// US DST transitions happen at 02:00 local, which is always a whole UTC hour, so the offset is
// constant within each UTC hour: caching it per hour turns a ~10 µs Intl call into a map lookup
// (hot paths such as partitioning a million bars by New York date depend on this).
const offsetByUtcHour = new Map<number, number>();
const MAX_CACHED_HOURS = 200_000; // ~23 years of hours; cleared wholesale beyond that
// Formatting a date string costs more than the offset lookup; days repeat as often as hours.
const dateByDay = new Map<number, string>();

/** Offset of New York from UTC at instant `t`, in ms (−5 h in winter, −4 h in summer). */
function nyOffsetMs(t: number): number {
  if (!Number.isFinite(t)) throw new SpyglassError('INVALID_ARGUMENT', `${t} is not an epoch-ms instant`, { details: { t } });
  const hour = Math.floor(t / HOUR_MS);
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    const at = hour * HOUR_MS;
    const w: Record<string, number> = {};
    for (const p of nyParts.formatToParts(at)) if (p.type !== 'literal') w[p.type] = Number(p.value);
    offset = Date.UTC(w.year!, w.month! - 1, w.day!, w.hour!, w.minute!, w.second!) - at;
    if (offsetByUtcHour.size >= MAX_CACHED_HOURS) offsetByUtcHour.clear();
    offsetByUtcHour.set(hour, offset);
  }
  return offset;
}

/**
 * The New York calendar date (`YYYY-MM-DD`) of an instant.
 *
 * @example
 * ```ts
 * nyDate(Date.UTC(2025, 2, 5, 3, 0)); // '2025-03-04' (22:00 the evening before in New York)
 * ```
 */
export function nyDate(t: number): string {
  const day = Math.floor((t + nyOffsetMs(t)) / 86_400_000);
  let date = dateByDay.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dateByDay.size >= MAX_CACHED_HOURS) dateByDay.clear();
    dateByDay.set(day, date);
  }
  return date;
}

/**
 * The instant (UTC epoch ms) at which New York wall clocks show `hour:minute` on `date`, DST-correct.
 * For the one non-existent hour of the spring-forward night the result is the later reading.
 *
 * @example
 * ```ts
 * nyWallTime('2025-03-10', 9, 30) === Date.UTC(2025, 2, 10, 13, 30); // EDT, UTC−4
 * nyWallTime('2025-03-07', 9, 30) === Date.UTC(2025, 2, 7, 14, 30);  // EST, UTC−5
 * ```
 */
export function nyWallTime(date: string, hour: number, minute: number): number {
  const wallAsUtc = parseIsoDate(date) + (hour * 60 + minute) * 60_000;
  // The offset at the guessed instant may be on the wrong side of a transition; a second pass fixes it.
  const first = wallAsUtc - nyOffsetMs(wallAsUtc);
  const second = wallAsUtc - nyOffsetMs(first);
  return second;
}

/**
 * The instants of New York calendar day `date`, midnight to the last millisecond before the next
 * midnight (23, 24 or 25 hours): the window whose records {@link nyDate} files under `date`.
 *
 * @example
 * ```ts
 * nyDayBounds('2025-03-07'); // { from: Date.UTC(2025, 2, 7, 5), to: Date.UTC(2025, 2, 8, 5) - 1 }
 * nyDayBounds('2025-03-09').to - nyDayBounds('2025-03-09').from + 1; // 23 h: clocks spring forward
 * ```
 */
export function nyDayBounds(date: string): { from: number; to: number } {
  const next = new Date(parseIsoDate(date) + 86_400_000).toISOString().slice(0, 10);
  return { from: nyWallTime(date, 0, 0), to: nyWallTime(next, 0, 0) - 1 };
}

/**
 * Whether New York calendar day `date` has ended at instant `now`. Backfills checkpoint a day only
 * once it has: a day fetched while it is still going on (today's session, or a date in the future)
 * is incomplete, and a checkpoint would make `--resume` skip it forever.
 *
 * @example
 * ```ts
 * nyDayIsOver('2025-03-07', Date.UTC(2025, 2, 7, 21)); // false: 16:00 in New York
 * nyDayIsOver('2025-03-07', Date.UTC(2025, 2, 8, 5)); // true: midnight in New York
 * ```
 */
export const nyDayIsOver = (date: string, now: number): boolean => now > nyDayBounds(date).to;

/**
 * Minutes since New York midnight at instant `t` (570 = 09:30, 960 = 16:00).
 *
 * @example
 * ```ts
 * nyMinuteOfDay(Date.UTC(2025, 2, 4, 14, 30)); // 570
 * ```
 */
export function nyMinuteOfDay(t: number): number {
  const local = t + nyOffsetMs(t);
  return Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
}
