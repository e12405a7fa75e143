import { nyDate, nyDayBounds, nyDayIsOver } from './ny-time.js';

describe('nyDayBounds', () => {
  it.each([
    ['2025-03-07', Date.UTC(2025, 2, 7, 5), 24],
    ['2025-03-09', Date.UTC(2025, 2, 9, 5), 23],
    ['2025-11-02', Date.UTC(2025, 10, 2, 4), 25],
    ['2025-07-04', Date.UTC(2025, 6, 4, 4), 24],
  ])('%s starts at New York midnight and lasts the right number of hours', (date, from, hours) => {
    const b = nyDayBounds(date);
    expect(b.from).toBe(from);
    expect(b.to - b.from + 1).toBe(hours * 3_600_000);
    // Exactly the instants nyDate files under `date`.
    expect([nyDate(b.from - 1), nyDate(b.from), nyDate(b.to), nyDate(b.to + 1)]).toEqual([expect.not.stringMatching(date), date, date, expect.not.stringMatching(date)]);
  });
});

describe('nyDayIsOver', () => {
  it.each([
    ['during the session', '2025-03-07', Date.UTC(2025, 2, 7, 15), false],
    ['after the close, before New York midnight', '2025-03-07', Date.UTC(2025, 2, 8, 4, 59), false],
    ['at the last millisecond of the day', '2025-03-07', Date.UTC(2025, 2, 8, 5) - 1, false],
    ['at New York midnight', '2025-03-07', Date.UTC(2025, 2, 8, 5), true],
    ['a day in the future', '2027-01-04', Date.UTC(2026, 11, 2), false],
    ['summer time (UTC−4)', '2025-07-03', Date.UTC(2025, 6, 4, 4), true],
  ])('%s', (_case, date, now, over) => {
    expect(nyDayIsOver(date, now)).toBe(over);
  });
});
