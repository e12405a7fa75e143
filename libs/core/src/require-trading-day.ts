import { SpyglassError } from './errors.js';
import { parseIsoDate, weekday } from './iso-date.js';
import { nyseCalendar } from './market-calendar.js';
import { nyseHolidays } from './nyse-holidays.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * Returns `date` when it is an NYSE session; otherwise throws `INVALID_ARGUMENT` naming the day,
 * the holiday and the sessions either side. For the commands that act on one session and need its
 * opening price: a weekend or holiday otherwise surfaced as "no opening price for SPY", after a
 * request, which hid the reason.
 *
 * @param label how the caller's user typed the date (`--date`, `--options-date`), for the message.
 *
 * @example
 * ```ts
 * requireTradingDay('2025-03-04', '--date'); // '2025-03-04'
 * requireTradingDay('2024-07-04', '--date');
 * // throws: --date 2024-07-04 is not a trading day (Thursday, Independence Day); the sessions before and after it are 2024-07-03 and 2024-07-05
 * ```
 */
export function requireTradingDay(date: string, label: string): string {
  try {
    parseIsoDate(date);
  } catch (cause) {
    throw new SpyglassError('INVALID_ARGUMENT', `${label} ${date} is not a calendar date (YYYY-MM-DD)`, { details: { date }, cause });
  }
  if (nyseCalendar.isTradingDay(date)) return date;
  const holiday = nyseHolidays(Number(date.slice(0, 4))).find((h) => h.date === date);
  const day = WEEKDAYS[weekday(date)]!;
  throw new SpyglassError(
    'INVALID_ARGUMENT',
    `${label} ${date} is not a trading day (${holiday ? `${day}, ${holiday.name}` : day}); the sessions before and after it are ${nyseCalendar.previousTradingDay(date)} and ${nyseCalendar.nextTradingDay(date)}`,
    { details: { date, ...(holiday ? { holiday: holiday.name } : {}) } },
  );
}
