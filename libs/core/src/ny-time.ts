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

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(t: number): WallClock {
  if (!Number.isFinite(t)) throw new SpyglassError('INVALID_ARGUMENT', `${t} is not an epoch-ms instant`, { details: { t } });
  const out: Record<string, number> = {};
  for (const p of nyParts.formatToParts(t)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as WallClock;
}

/** Offset of New York from UTC at instant `t`, in ms (−5 h in winter, −4 h in summer). */
function nyOffsetMs(t: number): number {
  const w = wallClock(t);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
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
  const w = wallClock(t);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
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
 * Minutes since New York midnight at instant `t` (570 = 09:30, 960 = 16:00).
 *
 * @example
 * ```ts
 * nyMinuteOfDay(Date.UTC(2025, 2, 4, 14, 30)); // 570
 * ```
 */
export function nyMinuteOfDay(t: number): number {
  const w = wallClock(t);
  return w.hour * 60 + w.minute;
}
