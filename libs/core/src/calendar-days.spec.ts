import { calendarDays, everyDayCalendar } from './calendar-days.js';

describe('calendarDays', () => {
  it.each([
    ['2025-03-07', '2025-03-10', ['2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10']],
    ['2025-12-31', '2026-01-01', ['2025-12-31', '2026-01-01']],
    ['2025-03-10', '2025-03-07', []],
  ])('%s..%s', (from, to, expected) => {
    expect(calendarDays(from, to)).toEqual(expected);
    expect(everyDayCalendar.tradingDays(from, to)).toEqual(expected);
  });

  it('rejects a non-date with INVALID_ARGUMENT', () => {
    expect(() => calendarDays('2025-02-30', '2025-03-01')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
