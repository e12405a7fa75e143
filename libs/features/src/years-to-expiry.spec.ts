import { expiryInstant, yearsToExpiry } from './index.js';
import { SpyglassError, nyseCalendar, type MarketCalendar } from '@spyglass/core';

const YEAR_MS = 365 * 86_400_000;
const HOUR_MS = 3_600_000;

describe('expiryInstant', () => {
  it.each([
    ['2025-01-15', '2025-01-15T21:00:00.000Z'], // EST
    ['2025-03-07', '2025-03-07T21:00:00.000Z'], // Friday before the DST switch
    ['2025-03-10', '2025-03-10T20:00:00.000Z'], // Monday after the switch (9 March 2025)
    ['2025-07-03', '2025-07-03T17:00:00.000Z'], // early close 13:00 EDT before Independence Day
    ['2025-11-28', '2025-11-28T18:00:00.000Z'], // early close 13:00 EST after Thanksgiving
    ['2025-12-24', '2025-12-24T18:00:00.000Z'], // early close Christmas Eve
    ['2025-11-03', '2025-11-03T21:00:00.000Z'], // after the switch back (2 November 2025)
    ['2025-03-08', '2025-03-08T21:00:00.000Z'], // a Saturday: no session, 16:00 ET
  ])('%s expires at %s', (date, iso) => {
    expect(new Date(expiryInstant(date)).toISOString()).toBe(iso);
  });

  it.each(['2025-02-30', '2025/03/04', '1990-01-02'])('rejects %p with INVALID_ARGUMENT', (bad) => {
    expect(() => expiryInstant(bad)).toThrow(SpyglassError);
  });
});

describe('yearsToExpiry', () => {
  it('counts ACT/365 in milliseconds to 16:00 ET of the expiration day', () => {
    const now = Date.parse('2025-03-04T14:30:00Z'); // 09:30 ET
    expect(yearsToExpiry(now, '2025-03-04') * YEAR_MS).toBeCloseTo(6.5 * HOUR_MS, 3);
    expect(yearsToExpiry(now, '2025-03-05') * YEAR_MS).toBeCloseTo(30.5 * HOUR_MS, 3);
  });

  it('is 0 at and after the close, never negative', () => {
    const close = Date.parse('2025-03-04T21:00:00Z');
    expect(yearsToExpiry(close, '2025-03-04')).toBe(0);
    expect(yearsToExpiry(close + 60_000, '2025-03-04')).toBe(0);
    expect(yearsToExpiry(close - 60_000, '2025-03-04') * YEAR_MS).toBeCloseTo(60_000, 6);
  });

  it('runs to 13:00 ET on an early close (day after Thanksgiving)', () => {
    const noon = Date.parse('2025-11-28T17:00:00Z'); // 12:00 ET
    expect(yearsToExpiry(noon, '2025-11-28') * YEAR_MS).toBeCloseTo(HOUR_MS, 3);
    expect(yearsToExpiry(Date.parse('2025-11-28T19:00:00Z'), '2025-11-28')).toBe(0);
  });

  it('accepts another calendar', () => {
    const halfDays: Pick<MarketCalendar, 'session'> = {
      session: (date) => ({ ...nyseCalendar.session(date)!, close: Date.parse(`${date}T17:00:00Z`), earlyClose: true }),
    };
    expect(yearsToExpiry(Date.parse('2025-03-04T16:00:00Z'), '2025-03-04', halfDays) * YEAR_MS).toBeCloseTo(HOUR_MS, 3);
  });

  it('rejects a non-finite now', () => {
    expect(() => yearsToExpiry(Number.NaN, '2025-03-04')).toThrow(/now/);
  });
});
