import { SpyglassError } from './errors.js';

// Internal helpers for calendar dates written as `YYYY-MM-DD`. Dates are handled as UTC midnights so
// that day arithmetic never meets a DST transition.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into its UTC-midnight epoch ms; throws INVALID_ARGUMENT on anything else. */
export function parseIsoDate(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new SpyglassError('INVALID_ARGUMENT', `"${date}" is not a date: expected YYYY-MM-DD`, { details: { date } });
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (formatIsoDate(ms) !== date) {
    throw new SpyglassError('INVALID_ARGUMENT', `"${date}" is not a calendar date`, { details: { date } });
  }
  return ms;
}

/** Formats a UTC-midnight epoch ms as `YYYY-MM-DD`. */
function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date) + days * 86_400_000);
}

/** Builds `YYYY-MM-DD` from a year, a 1-based month and a day. */
export function isoDate(year: number, month: number, day: number): string {
  return formatIsoDate(Date.UTC(year, month - 1, day));
}

/** Day of week of a date: 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(parseIsoDate(date)).getUTCDay();
}
