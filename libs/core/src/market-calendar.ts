import { SpyglassError } from './errors.js';
import { addDays, parseIsoDate, weekday } from './iso-date.js';
import { nyDate, nyWallTime } from './ny-time.js';
import { nyseEarlyCloses, nyseHolidays } from './nyse-holidays.js';

/**
 * One regular trading session. `open`/`close` are UTC epoch ms; `close` is exclusive.
 *
 * @example
 * ```ts
 * const s: MarketSession | null = nyseCalendar.session('2025-03-04');
 * const minutes = s ? (s.close - s.open) / 60_000 : 0; // 390
 * ```
 */
export interface MarketSession {
  /** New York calendar date, `YYYY-MM-DD`. */
  readonly date: string;
  /** 09:30 New York time as UTC epoch ms. */
  readonly open: number;
  /** 16:00 (13:00 on early-close days) New York time as UTC epoch ms. */
  readonly close: number;
  readonly earlyClose: boolean;
}

/**
 * A trading calendar of regular sessions. Dates are New York calendar dates (`YYYY-MM-DD`), instants
 * UTC epoch ms. Every method throws `SpyglassError('INVALID_ARGUMENT')` for a date or instant outside
 * {@link MarketCalendar.range}, so a job never silently treats an unknown year as all-holidays.
 *
 * @example
 * ```ts
 * import { nyseCalendar } from '@spyglass/core';
 * nyseCalendar.isOpen(Date.UTC(2025, 2, 4, 15, 0));      // true (10:00 New York)
 * nyseCalendar.tradingDays('2025-01-06', '2025-01-10');  // 4 days: 2025-01-09 was a closure
 * ```
 */
export interface MarketCalendar {
  /** First and last calendar dates the calendar knows (inclusive). */
  readonly range: { readonly from: string; readonly to: string };
  /** True when a regular session is in progress at `t` (open ≤ t < close). */
  isOpen(t: number): boolean;
  /** The session of `date`, or null on weekends, holidays and closures. */
  session(date: string): MarketSession | null;
  isTradingDay(date: string): boolean;
  /** Trading days from `from` to `to`, both inclusive, ascending. */
  tradingDays(from: string, to: string): string[];
  /** The first session open at or after `t` (a session in progress at `t` is skipped: its open is past). */
  nextOpen(t: number): number;
  /** The first trading day strictly after `date`. */
  nextTradingDay(date: string): string;
  /** The last trading day strictly before `date`. */
  previousTradingDay(date: string): string;
}

const FIRST_YEAR = 2019;
const LAST_YEAR = 2027;

class NyseCalendar implements MarketCalendar {
  readonly range = { from: `${FIRST_YEAR}-01-01`, to: `${LAST_YEAR}-12-31` } as const;
  private readonly closed = new Set<string>();
  private readonly early = new Set<string>();
  private readonly sessions = new Map<string, MarketSession | null>();

  constructor() {
    for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
      for (const h of nyseHolidays(y)) this.closed.add(h.date);
      for (const h of nyseEarlyCloses(y)) this.early.add(h.date);
    }
  }

  private checkDate(date: string, what = 'date'): void {
    parseIsoDate(date);
    if (date < this.range.from || date > this.range.to) {
      throw new SpyglassError(
        'INVALID_ARGUMENT',
        `${what} ${date} is outside the NYSE calendar range ${this.range.from}..${this.range.to}`,
        { details: { date, range: this.range } },
      );
    }
  }

  session(date: string): MarketSession | null {
    let s = this.sessions.get(date);
    if (s === undefined) {
      // Only validated, in-range dates are ever cached, so a cache hit needs no check.
      this.checkDate(date);
      const dow = weekday(date);
      if (dow === 0 || dow === 6 || this.closed.has(date)) s = null;
      else {
        const earlyClose = this.early.has(date);
        s = { date, open: nyWallTime(date, 9, 30), close: nyWallTime(date, earlyClose ? 13 : 16, 0), earlyClose };
      }
      this.sessions.set(date, s);
    }
    return s;
  }

  isTradingDay(date: string): boolean {
    return this.session(date) !== null;
  }

  isOpen(t: number): boolean {
    const s = this.session(nyDate(t));
    return s !== null && t >= s.open && t < s.close;
  }

  tradingDays(from: string, to: string): string[] {
    this.checkDate(from, 'from');
    this.checkDate(to, 'to');
    const out: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (this.session(d)) out.push(d);
    return out;
  }

  nextOpen(t: number): number {
    const today = nyDate(t);
    const s = this.session(today);
    if (s && t <= s.open) return s.open;
    return this.session(this.nextTradingDay(today))!.open;
  }

  nextTradingDay(date: string): string {
    this.checkDate(date);
    let d = addDays(date, 1);
    while (!this.session(d)) d = addDays(d, 1);
    return d;
  }

  previousTradingDay(date: string): string {
    this.checkDate(date);
    let d = addDays(date, -1);
    while (!this.session(d)) d = addDays(d, -1);
    return d;
  }
}

/**
 * NYSE regular sessions 2019–2027: 09:30–16:00 America/New_York, 13:00 early closes, holidays by
 * rule plus special closures, DST-correct through `Intl.DateTimeFormat` (no tz database package).
 *
 * @example
 * ```ts
 * const s = nyseCalendar.session('2025-11-28');
 * // { date: '2025-11-28', open: Date.UTC(2025,10,28,14,30), close: Date.UTC(2025,10,28,18,0), earlyClose: true }
 * ```
 */
export const nyseCalendar: MarketCalendar = new NyseCalendar();

/**
 * True when `date` is a trading day whose session had opened at `now`. Before the open there is no
 * opening price to select option contracts from, so nothing of that session can be fetched yet;
 * weekends and holidays never open.
 *
 * @example
 * ```ts
 * import { sessionHasOpened } from '@spyglass/core';
 * sessionHasOpened('2025-03-07', Date.UTC(2025, 2, 7, 14, 0)); // false: 09:00 in New York
 * sessionHasOpened('2025-03-07', Date.UTC(2025, 2, 7, 14, 30)); // true: the open
 * sessionHasOpened('2025-03-08', Date.UTC(2025, 2, 9)); // false: a Saturday
 * ```
 */
export function sessionHasOpened(date: string, now: number, calendar: Pick<MarketCalendar, 'session'> = nyseCalendar): boolean {
  const s = calendar.session(date);
  return s !== null && s.open <= now;
}
