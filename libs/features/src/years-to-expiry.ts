import { SpyglassError } from '@spyglass/core';
import { nyWallTimeToUtcMs } from './ny-wall-time.js';

/** ACT/365: the day count Black-Scholes inputs use here (and py_vollib's theta/365 convention). */
const MS_PER_YEAR = 365 * 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Session close (UTC epoch ms) of an expiration date. Pass one backed by the NYSE calendar to honour
 * early closes (13:00 ET); the default is 16:00 America/New_York.
 */
export type ExpiryCloseLookup = (expiration: string) => number;

/**
 * 16:00 America/New_York on `expiration` (YYYY-MM-DD) as UTC epoch ms: the default expiry instant.
 *
 * @example
 * ```ts
 * import { regularCloseMs } from '@spyglass/features';
 * new Date(regularCloseMs('2025-03-04')).toISOString(); // '2025-03-04T21:00:00.000Z'
 * ```
 */
export function regularCloseMs(expiration: string): number {
  const m = DATE_RE.exec(expiration);
  const year = m === null ? Number.NaN : Number(m[1]);
  const month = m === null ? Number.NaN : Number(m[2]);
  const day = m === null ? Number.NaN : Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (m === null || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new SpyglassError('INVALID_ARGUMENT', `expiration = ${JSON.stringify(expiration)}: must be a calendar date YYYY-MM-DD`, {
      details: { expiration },
    });
  }
  return nyWallTimeToUtcMs(year, month, day, 16, 0);
}

/**
 * Years from `now` (UTC epoch ms) to the close of the expiration day, ACT/365 counted in
 * milliseconds; 0 at and after expiry. The close is 16:00 ET unless `closeAt` says otherwise
 * (e.g. 13:00 ET on an early close, from the NYSE calendar in `@spyglass/core`).
 *
 * @example
 * ```ts
 * import { yearsToExpiry } from '@spyglass/features';
 * const now = Date.parse('2025-03-04T20:00:00Z');           // 15:00 ET
 * yearsToExpiry(now, '2025-03-04');                         // 1 h = 1/8760 ≈ 1.14e-4
 * yearsToExpiry(now, '2025-11-28', (d) => Date.parse(`${d}T18:00:00Z`)); // early close 13:00 ET
 * ```
 */
export function yearsToExpiry(now: number, expiration: string, closeAt: ExpiryCloseLookup = regularCloseMs): number {
  if (!Number.isFinite(now)) {
    throw new SpyglassError('INVALID_ARGUMENT', `yearsToExpiry: now = ${now}: must be a finite epoch ms`, { details: { now } });
  }
  const close = closeAt(expiration);
  if (!Number.isFinite(close)) {
    throw new SpyglassError('INVALID_ARGUMENT', `yearsToExpiry: close of ${expiration} = ${close}: the close lookup must return epoch ms`, {
      details: { expiration, close },
    });
  }
  return close > now ? (close - now) / MS_PER_YEAR : 0;
}
