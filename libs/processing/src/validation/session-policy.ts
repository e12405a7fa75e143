import { nyseCalendar } from '@spyglass/core';
import { easternDate } from './et-date.js';

/**
 * The slice of a market calendar the validators need: the regular session of an ET date as UTC
 * epoch-ms `[open, close)`, or null when the market is closed that day. Core's NYSE calendar
 * satisfies it; tests may pass a fixed one.
 *
 * @example
 * ```ts
 * const weekdays: SessionCalendar = { session: (d) => new Date(`${d}T12:00:00Z`).getUTCDay() % 6 === 0 ? null
 *   : { open: Date.parse(`${d}T14:30:00Z`), close: Date.parse(`${d}T21:00:00Z`) } };
 * ```
 */
export interface SessionCalendar {
  session(date: string): { readonly open: number; readonly close: number } | null;
}

/**
 * Which bar starts count as "in session".
 * - `extendedHours`: also accept 04:00–09:30 and 16:00–20:00 ET on trading days (stocks' pre/post market).
 * - `closeGraceMinutes`: minutes after the regular close still accepted (SPY options and the VIX
 *   index print until 16:15 ET).
 *
 * @example
 * ```ts
 * const optionsPolicy: SessionPolicy = { extendedHours: false, closeGraceMinutes: 15 }; // NYSE calendar
 * ```
 */
export interface SessionPolicy {
  /** Defaults to core's `nyseCalendar`. */
  readonly calendar?: SessionCalendar;
  readonly extendedHours?: boolean;
  readonly closeGraceMinutes?: number;
}

const PRE_MARKET_MS = 5.5 * 3_600_000; // 04:00 ET is 5½ h before the 09:30 open
const POST_MARKET_END_MS = 10.5 * 3_600_000; // 20:00 ET is 10½ h after the 09:30 open

/**
 * Null when a bar starting at `timestampMs` is inside the policy's session, else the reason.
 *
 * @example
 * ```ts
 * sessionViolation(Date.UTC(2025, 2, 8, 15, 0), policy); // 'market closed on 2025-03-08'
 * ```
 */
export function sessionViolation(timestampMs: number, policy: SessionPolicy): string | null {
  const date = easternDate(timestampMs);
  let session: { readonly open: number; readonly close: number } | null;
  try {
    session = (policy.calendar ?? nyseCalendar).session(date);
  } catch (e) {
    // Outside the calendar's known years: reported, not thrown, so one odd bar cannot stop a batch.
    return `no session known for ${date}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (session === null) return `market closed on ${date}`;
  const start = policy.extendedHours ? session.open - PRE_MARKET_MS : session.open;
  const end = policy.extendedHours
    ? Math.max(session.open + POST_MARKET_END_MS, session.close)
    : session.close + (policy.closeGraceMinutes ?? 0) * 60_000;
  if (timestampMs < start || timestampMs >= end) {
    return `bar start ${new Date(timestampMs).toISOString()} is outside the ${policy.extendedHours ? 'extended' : 'regular'} session of ${date} [${new Date(start).toISOString()}, ${new Date(end).toISOString()})`;
  }
  return null;
}
