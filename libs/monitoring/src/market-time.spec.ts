import { nyseCalendar } from '@spyglass/core';
import { marketTimeBetween } from './market-time.js';

const MIN = 60_000;

describe('marketTimeBetween (NYSE calendar)', () => {
  it.each([
    ['inside one session', Date.UTC(2025, 2, 4, 15, 0), Date.UTC(2025, 2, 4, 15, 30), 30 * MIN],
    // Friday 15:59 EST to Monday 09:35 EDT (DST began 2025-03-09): one minute Friday, five Monday.
    ['across a weekend and DST', Date.UTC(2025, 2, 7, 20, 59), Date.UTC(2025, 2, 10, 13, 35), 6 * MIN],
    ['overnight', Date.UTC(2025, 2, 4, 21, 0), Date.UTC(2025, 2, 5, 13, 0), 0],
    // 15:00-16:00 EST on 11-26, Thanksgiving 11-27 closed, 11-28 closes early at 13:00 (3.5 h).
    ['early close and holiday', Date.UTC(2025, 10, 26, 20, 0), Date.UTC(2025, 10, 28, 23, 0), 4.5 * 60 * MIN],
    ['a full week', Date.UTC(2025, 2, 3, 0, 0), Date.UTC(2025, 2, 8, 0, 0), 5 * 390 * MIN],
    ['reversed range', Date.UTC(2025, 2, 4, 16, 0), Date.UTC(2025, 2, 4, 15, 0), 0],
  ])('%s', (_name, from, to, expected) => {
    expect(marketTimeBetween(nyseCalendar, from, to)).toBe(expected);
  });
});
