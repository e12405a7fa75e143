import { addDays, isoDate, weekday } from './iso-date.js';

/**
 * A date on which the NYSE is closed or closes early, with the reason.
 *
 * @example
 * ```ts
 * const h: MarketHoliday = { date: '2025-04-18', name: 'Good Friday' };
 * ```
 */
export interface MarketHoliday {
  /** `YYYY-MM-DD`, New York calendar date. */
  readonly date: string;
  readonly name: string;
}

/**
 * Full-day closures that no rule predicts (national days of mourning). Only dates inside the
 * calendar's range are listed; 2018-12-05 (G. H. W. Bush) falls before it.
 */
const SPECIAL_CLOSURES: readonly MarketHoliday[] = [{ date: '2025-01-09', name: 'National Day of Mourning (Jimmy Carter)' }];

function nthWeekday(year: number, month: number, dow: number, n: number): string {
  const first = isoDate(year, month, 1);
  const offset = (dow - weekday(first) + 7) % 7;
  return addDays(first, offset + (n - 1) * 7);
}

function lastWeekday(year: number, month: number, dow: number): string {
  const last = addDays(isoDate(year, month + 1, 1), -1);
  return addDays(last, -((weekday(last) - dow + 7) % 7));
}

/** Easter Sunday (Gregorian), by the anonymous Meeus/Jones/Butcher computus. */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/** NYSE Rule 7.2: a Saturday holiday closes the Friday before, a Sunday holiday the Monday after. */
function observed(date: string): string {
  const dow = weekday(date);
  return dow === 6 ? addDays(date, -1) : dow === 0 ? addDays(date, 1) : date;
}

/**
 * The NYSE full-day closures of `year`, computed by rule, plus the special closures of that year.
 *
 * New Year's Day on a Saturday is not observed: Rule 7.2 keeps the market open on the Friday that
 * ends the accounting year (e.g. 2021-12-31 was a full session).
 *
 * @example
 * ```ts
 * nyseHolidays(2025).map((h) => h.date); // ['2025-01-01', '2025-01-09', '2025-01-20', …]
 * ```
 */
export function nyseHolidays(year: number): MarketHoliday[] {
  const out: MarketHoliday[] = [];
  const newYear = isoDate(year, 1, 1);
  if (weekday(newYear) !== 6) out.push({ date: observed(newYear), name: "New Year's Day" });
  out.push({ date: nthWeekday(year, 1, 1, 3), name: 'Martin Luther King Jr. Day' });
  out.push({ date: nthWeekday(year, 2, 1, 3), name: "Washington's Birthday" });
  out.push({ date: addDays(easterSunday(year), -2), name: 'Good Friday' });
  out.push({ date: lastWeekday(year, 5, 1), name: 'Memorial Day' });
  if (year >= 2022) out.push({ date: observed(isoDate(year, 6, 19)), name: 'Juneteenth National Independence Day' });
  out.push({ date: observed(isoDate(year, 7, 4)), name: 'Independence Day' });
  out.push({ date: nthWeekday(year, 9, 1, 1), name: 'Labor Day' });
  out.push({ date: nthWeekday(year, 11, 4, 4), name: 'Thanksgiving Day' });
  out.push({ date: observed(isoDate(year, 12, 25)), name: 'Christmas Day' });
  out.push(...SPECIAL_CLOSURES.filter((s) => s.date.startsWith(`${year}-`)));
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The NYSE 13:00 early closes of `year`: July 3 when Independence Day falls Tuesday–Friday, the day
 * after Thanksgiving, and December 24 when Christmas falls Tuesday–Friday. When the holiday itself
 * is observed on an adjacent day (July 4 or December 25 on a weekend) there is no early close.
 *
 * @example
 * ```ts
 * nyseEarlyCloses(2025).map((h) => h.date); // ['2025-07-03', '2025-11-28', '2025-12-24']
 * ```
 */
export function nyseEarlyCloses(year: number): MarketHoliday[] {
  const out: MarketHoliday[] = [];
  const july3 = isoDate(year, 7, 3);
  if (weekday(july3) >= 1 && weekday(july3) <= 4) out.push({ date: july3, name: 'Day before Independence Day' });
  out.push({ date: addDays(nthWeekday(year, 11, 4, 4), 1), name: 'Day after Thanksgiving' });
  const christmasEve = isoDate(year, 12, 24);
  if (weekday(christmasEve) >= 1 && weekday(christmasEve) <= 4) out.push({ date: christmasEve, name: 'Christmas Eve' });
  return out;
}
