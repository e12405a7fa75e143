import { nyDate, type MarketCalendar } from '@spyglass/core';

/**
 * Milliseconds of regular trading session between two instants: how stale a dataset really is.
 * A bar from Friday 15:59 New York time read on Monday 09:35 is 6 market minutes old, not 66 hours.
 * Instants outside the calendar's range count as closed (the calendar refuses unknown years).
 *
 * @example
 * ```ts
 * import { nyseCalendar } from '@spyglass/core';
 * marketTimeBetween(nyseCalendar, Date.UTC(2025, 2, 7, 20, 59), Date.UTC(2025, 2, 10, 13, 35)); // 360_000
 * ```
 */
export function marketTimeBetween(calendar: MarketCalendar, from: number, to: number): number {
  if (!(to > from)) return 0;
  const first = clampDate(calendar, nyDate(from));
  const last = clampDate(calendar, nyDate(to));
  if (first > last) return 0;
  let total = 0;
  for (const date of calendar.tradingDays(first, last)) {
    const s = calendar.session(date)!;
    total += Math.max(0, Math.min(s.close, to) - Math.max(s.open, from));
  }
  return total;
}

function clampDate(calendar: MarketCalendar, date: string): string {
  if (date < calendar.range.from) return calendar.range.from;
  if (date > calendar.range.to) return calendar.range.to;
  return date;
}

