import { nyDate, nyseCalendar, type MarketCalendar } from '@spyglass/core';

/**
 * The session a live stream started at `now` belongs to: today's while it is open or still to
 * open, the next trading day's once today's has closed (or on a weekend or holiday). Contracts
 * are selected for this session, so a stream started after the close never takes contracts that
 * have already expired.
 *
 * @example
 * ```ts
 * liveSessionDate(Date.parse('2025-03-07T21:30:00Z')); // '2025-03-10' (Friday after the close → Monday)
 * liveSessionDate(Date.parse('2025-03-04T15:00:00Z')); // '2025-03-04' (Tuesday, session open)
 * ```
 */
export function liveSessionDate(now: number, calendar: Pick<MarketCalendar, 'session' | 'nextTradingDay'> = nyseCalendar): string {
  const today = nyDate(now);
  const session = calendar.session(today);
  return session !== null && now < session.close ? today : calendar.nextTradingDay(today);
}
