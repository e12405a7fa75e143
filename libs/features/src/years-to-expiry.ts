import { SpyglassError, nyWallTime, nyseCalendar, type MarketCalendar } from '@spyglass/core';

/** ACT/365: the day count of the model's `years` (and of py_vollib's theta/365 convention). */
const MS_PER_YEAR = 365 * 86_400_000;

/**
 * The instant an option expiring on `expiration` (YYYY-MM-DD) stops trading: the session close of
 * that day in `calendar` (16:00 ET, 13:00 ET on early closes), or 16:00 ET when the calendar has no
 * session that day (e.g. a legacy Saturday expiration). Throws INVALID_ARGUMENT for a malformed date
 * or one outside the calendar's range.
 *
 * @example
 * ```ts
 * import { expiryInstant } from '@spyglass/features';
 * new Date(expiryInstant('2025-03-04')).toISOString(); // '2025-03-04T21:00:00.000Z' (16:00 EST)
 * new Date(expiryInstant('2025-11-28')).toISOString(); // '2025-11-28T18:00:00.000Z' (early close)
 * ```
 */
export function expiryInstant(expiration: string, calendar: Pick<MarketCalendar, 'session'> = nyseCalendar): number {
  const session = calendar.session(expiration);
  return session === null ? nyWallTime(expiration, 16, 0) : session.close;
}

/**
 * Years from `now` (UTC epoch ms) to the close of the expiration day, ACT/365 counted in
 * milliseconds; 0 at and after expiry.
 *
 * @example
 * ```ts
 * import { yearsToExpiry } from '@spyglass/features';
 * yearsToExpiry(Date.parse('2025-03-04T20:00:00Z'), '2025-03-04'); // 1 h to 16:00 ET = 1/8760
 * yearsToExpiry(Date.parse('2025-11-28T17:00:00Z'), '2025-11-28'); // 1 h to the 13:00 early close
 * ```
 */
export function yearsToExpiry(now: number, expiration: string, calendar: Pick<MarketCalendar, 'session'> = nyseCalendar): number {
  if (!Number.isFinite(now)) {
    throw new SpyglassError('INVALID_ARGUMENT', `yearsToExpiry: now = ${now}: must be a finite epoch ms`, { details: { now } });
  }
  const close = expiryInstant(expiration, calendar);
  return close > now ? (close - now) / MS_PER_YEAR : 0;
}
