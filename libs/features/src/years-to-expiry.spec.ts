import { regularCloseMs, yearsToExpiry } from '@spyglass/features';
import { SpyglassError } from '@spyglass/core';

const YEAR_MS = 365 * 86_400_000;

describe('regularCloseMs', () => {
  it.each([
    ['2025-01-15', '2025-01-15T21:00:00.000Z'], // EST
    ['2025-03-07', '2025-03-07T21:00:00.000Z'], // Friday before the DST switch
    ['2025-03-10', '2025-03-10T20:00:00.000Z'], // Monday after the switch (9 March 2025)
    ['2025-07-03', '2025-07-03T20:00:00.000Z'], // EDT
    ['2025-10-31', '2025-10-31T20:00:00.000Z'], // still EDT
    ['2025-11-03', '2025-11-03T21:00:00.000Z'], // after the switch back (2 November 2025)
    ['2006-04-03', '2006-04-03T20:00:00.000Z'], // pre-2007 rule: DST from the first Sunday of April
    ['2006-03-20', '2006-03-20T21:00:00.000Z'],
  ])('16:00 New York on %s is %s', (date, iso) => {
    expect(new Date(regularCloseMs(date)).toISOString()).toBe(iso);
  });

  it.each(['2025-02-30', '2025/03/04', '20250304', ''])('rejects %p with INVALID_ARGUMENT', (bad) => {
    expect(() => regularCloseMs(bad)).toThrow(SpyglassError);
  });
});

describe('yearsToExpiry', () => {
  it('counts ACT/365 in milliseconds to 16:00 ET of the expiration day', () => {
    const now = Date.parse('2025-03-04T14:30:00Z'); // 09:30 ET
    expect(yearsToExpiry(now, '2025-03-04') * YEAR_MS).toBeCloseTo(6.5 * 3_600_000, 3);
    expect(yearsToExpiry(now, '2025-03-05') * YEAR_MS).toBeCloseTo(30.5 * 3_600_000, 3);
  });

  it('is 0 at and after the close, never negative', () => {
    const close = Date.parse('2025-03-04T21:00:00Z');
    expect(yearsToExpiry(close, '2025-03-04')).toBe(0);
    expect(yearsToExpiry(close + 60_000, '2025-03-04')).toBe(0);
    expect(yearsToExpiry(close - 60_000, '2025-03-04') * YEAR_MS).toBeCloseTo(60_000, 6);
  });

  it('uses the supplied close on early-close days (13:00 ET the day after Thanksgiving)', () => {
    const earlyClose = (d: string): number => (d === '2025-11-28' ? Date.parse('2025-11-28T18:00:00Z') : regularCloseMs(d));
    const now = Date.parse('2025-11-28T17:00:00Z'); // 12:00 ET
    expect(yearsToExpiry(now, '2025-11-28', earlyClose) * YEAR_MS).toBeCloseTo(3_600_000, 3);
    expect(yearsToExpiry(Date.parse('2025-11-28T19:00:00Z'), '2025-11-28', earlyClose)).toBe(0);
  });

  it('rejects a non-finite now or a close lookup that returns garbage', () => {
    expect(() => yearsToExpiry(Number.NaN, '2025-03-04')).toThrow(/now/);
    expect(() => yearsToExpiry(0, '2025-03-04', () => Number.NaN)).toThrow(/close/);
  });
});
