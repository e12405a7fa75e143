import { addDays, parseIsoDate } from './iso-date.js';
import type { MarketCalendar } from './market-calendar.js';

/**
 * Every calendar date from `from` to `to` (both inclusive, `YYYY-MM-DD`), weekends and holidays
 * included: news is published on any day, so its backfill walks these rather than trading days.
 *
 * @example
 * ```ts
 * calendarDays('2025-03-07', '2025-03-10'); // ['2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10']
 * ```
 */
export function calendarDays(from: string, to: string): string[] {
  parseIsoDate(from);
  parseIsoDate(to);
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * A calendar whose "trading days" are all calendar days, for runners of data that does not stop at
 * the close (news).
 *
 * @example
 * ```ts
 * new HistoricalRunner({ ...opts, calendar: everyDayCalendar });
 * ```
 */
export const everyDayCalendar: Pick<MarketCalendar, 'tradingDays'> = { tradingDays: calendarDays };
