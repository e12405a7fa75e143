import { resolveExpiry, type ExpiryConvention } from './expiry.js';

describe('resolveExpiry', () => {
  it.each<[ExpiryConvention, string, string]>([
    ['same_day', '2025-03-04', '2025-03-04'],
    ['next_calendar_day', '2025-03-04', '2025-03-05'],
    ['next_calendar_day', '2025-03-07', '2025-03-08'], // weekends included, as the convention says
    ['next_calendar_day', '2024-12-31', '2025-01-01'],
    ['next_trading_day', '2025-03-04', '2025-03-05'],
    ['next_trading_day', '2025-03-07', '2025-03-10'], // Friday → Monday
    ['next_trading_day', '2025-04-17', '2025-04-21'], // Good Friday skipped
    ['next_trading_day', '2025-01-08', '2025-01-10'], // 2025-01-09 national day of mourning
    ['next_trading_day', '2024-12-24', '2024-12-26'], // Christmas
    ['next_friday', '2025-03-04', '2025-03-07'],
    ['next_friday', '2025-03-07', '2025-03-14'], // strictly after
    ['next_friday', '2025-03-08', '2025-03-14'],
  ])('%s after %s is %s', (convention, date, expected) => {
    expect(resolveExpiry(convention, date)).toBe(expected);
  });

  it('uses the fixed date for every trade date', () => {
    for (const d of ['2025-03-03', '2025-03-04', '2025-03-10']) expect(resolveExpiry('fixed', d, { fixedDate: '2025-03-21' })).toBe('2025-03-21');
  });

  it.each([
    ['fixed', '2025-03-04', {}, 'fixedDate'],
    ['fixed', '2025-03-04', { fixedDate: '2025-02-30' }, 'calendar date'],
    ['next_friday', '03/04/2025', {}, 'tradeDate'],
    ['weekly', '2025-03-04', {}, 'unknown convention'],
  ])('rejects %s for %s %o', (convention, date, opts, message) => {
    expect(() => resolveExpiry(convention as ExpiryConvention, date, opts)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) }));
  });

  it('accepts an injected calendar', () => {
    const everyDayOpen = { nextTradingDay: (d: string) => resolveExpiry('next_calendar_day', d) };
    expect(resolveExpiry('next_trading_day', '2025-03-07', { calendar: everyDayOpen })).toBe('2025-03-08');
  });
});
