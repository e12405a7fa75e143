import { SpyglassError, nyseCalendar, nyseHolidays } from '@spyglass/core';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * Checks that `--date` names an NYSE session, for the commands that act on one session (they need
 * its opening price). A weekend or holiday otherwise surfaced as "no opening price for SPY", which
 * hid the reason; this names the day, the holiday and the sessions either side.
 * Throws `INVALID_ARGUMENT` (exit code 2); returns the date when it is a session.
 *
 * @example
 * ```ts
 * requireSessionDate('2025-03-04'); // '2025-03-04'
 * requireSessionDate('2024-07-04'); // throws: --date 2024-07-04 is not a trading day (Thursday, Independence Day); …
 * ```
 */
export function requireSessionDate(date: string, flag = 'date'): string {
  if (nyseCalendar.isTradingDay(date)) return date;
  const dow = WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!;
  const holiday = nyseHolidays(Number(date.slice(0, 4))).find((h) => h.date === date);
  const why = holiday ? `${dow}, ${holiday.name}` : dow;
  throw new SpyglassError(
    'INVALID_ARGUMENT',
    `--${flag} ${date} is not a trading day (${why}); the sessions before and after it are ${nyseCalendar.previousTradingDay(date)} and ${nyseCalendar.nextTradingDay(date)}`,
    { details: { flag, date } },
  );
}
