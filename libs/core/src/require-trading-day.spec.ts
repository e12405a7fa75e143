import { isSpyglassError } from './errors.js';
import { requireTradingDay } from './require-trading-day.js';

describe('requireTradingDay', () => {
  it.each([
    ['a Saturday', '2025-03-08', /^--date 2025-03-08 is not a trading day \(Saturday\); the sessions before and after it are 2025-03-07 and 2025-03-10$/],
    ['a Sunday', '2025-03-09', /\(Sunday\); .* 2025-03-07 and 2025-03-10$/],
    ['a holiday on a weekday', '2024-07-04', /\(Thursday, Independence Day\); .* 2024-07-03 and 2024-07-05$/],
    ['Good Friday', '2025-04-18', /\(Friday, Good Friday\); .* 2025-04-17 and 2025-04-21$/],
    ['a special closure', '2025-01-09', /\(Thursday, National Day of Mourning \(Jimmy Carter\)\)/],
  ])('refuses %s with INVALID_ARGUMENT naming the day and the sessions around it', (_what, date, message) => {
    let err: unknown;
    try {
      requireTradingDay(date, '--date');
    } catch (e) {
      err = e;
    }
    expect(isSpyglassError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    ['a session', '2025-03-04'],
    ['an early close', '2024-07-03'],
  ])('returns %s unchanged', (_what, date) => {
    expect(requireTradingDay(date, '--date')).toBe(date);
  });

  it.each(['2025-02-30', '2025-3-4', 'tomorrow'])('%s is not a calendar date', (date) => {
    expect(() => requireTradingDay(date, '--date')).toThrow(`--date ${date} is not a calendar date (YYYY-MM-DD)`);
  });

  it('a date outside the calendar is an INVALID_ARGUMENT too', () => {
    expect(() => requireTradingDay('2031-01-02', '--date')).toThrow(/outside the NYSE calendar range/);
  });
});
