import { SpyglassError, nyseCalendar, type MarketCalendar } from '@spyglass/core';

/**
 * How the expiration of the contracts traded on a date is chosen (the original's step 26):
 * - `same_day`: the trade date itself (0DTE),
 * - `next_calendar_day`: the day after, weekends included,
 * - `next_trading_day`: the first NYSE trading day strictly after (holidays skipped),
 * - `next_friday`: the first Friday strictly after the trade date,
 * - `fixed`: one configured date for every trade date.
 *
 * @example
 * ```ts
 * resolveExpiry(ExpiryConvention.NEXT_FRIDAY, '2025-03-04'); // '2025-03-07'
 * ```
 */
export const ExpiryConvention = {
  SAME_DAY: 'same_day',
  NEXT_CALENDAR_DAY: 'next_calendar_day',
  NEXT_TRADING_DAY: 'next_trading_day',
  NEXT_FRIDAY: 'next_friday',
  FIXED: 'fixed',
} as const;

/** One of {@link ExpiryConvention}. */
export type ExpiryConvention = (typeof ExpiryConvention)[keyof typeof ExpiryConvention];

/**
 * Options of {@link resolveExpiry}.
 *
 * @example
 * ```ts
 * resolveExpiry('fixed', '2025-03-04', { fixedDate: '2025-03-21' } satisfies ExpiryOptions); // '2025-03-21'
 * ```
 */
export interface ExpiryOptions {
  /** Required for `fixed`: the expiration `YYYY-MM-DD`. */
  readonly fixedDate?: string;
  /** Calendar for `next_trading_day`; defaults to core's NYSE calendar. */
  readonly calendar?: Pick<MarketCalendar, 'nextTradingDay'>;
}

const DAY_MS = 86_400_000;

/**
 * The expiration date a convention gives for a trade date.
 *
 * @example
 * ```ts
 * resolveExpiry('next_trading_day', '2025-04-17'); // '2025-04-21' (Good Friday skipped)
 * resolveExpiry('next_friday', '2025-03-07');      // '2025-03-14' (strictly after)
 * resolveExpiry('fixed', '2025-03-04', { fixedDate: '2025-03-21' }); // '2025-03-21'
 * ```
 */
export function resolveExpiry(convention: ExpiryConvention, tradeDate: string, options: ExpiryOptions = {}): string {
  const day = parseDate(tradeDate, 'tradeDate');
  switch (convention) {
    case 'same_day':
      return tradeDate;
    case 'next_calendar_day':
      return formatDate(day + DAY_MS);
    case 'next_trading_day':
      return (options.calendar ?? nyseCalendar).nextTradingDay(tradeDate);
    case 'next_friday': {
      const dow = new Date(day).getUTCDay();
      // Friday is 5; a Friday trade date rolls a full week, as "strictly after".
      const ahead = ((5 - dow + 7) % 7) || 7;
      return formatDate(day + ahead * DAY_MS);
    }
    case 'fixed': {
      if (options.fixedDate === undefined) {
        throw new SpyglassError('INVALID_ARGUMENT', 'resolveExpiry: the "fixed" convention needs options.fixedDate (YYYY-MM-DD)');
      }
      parseDate(options.fixedDate, 'fixedDate');
      return options.fixedDate;
    }
    default:
      throw new SpyglassError('INVALID_ARGUMENT', `resolveExpiry: unknown convention "${String(convention)}"; expected one of ${Object.values(ExpiryConvention).join(', ')}`);
  }
}

/**
 * True when `value` names an {@link ExpiryConvention} (for config and prompt answers).
 *
 * @example
 * ```ts
 * isExpiryConvention('next_trading_day'); // true
 * ```
 */
export function isExpiryConvention(value: string): value is ExpiryConvention {
  return (Object.values(ExpiryConvention) as string[]).includes(value);
}

function parseDate(iso: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? Date.parse(`${iso}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms) || formatDate(ms) !== iso) {
    throw new SpyglassError('INVALID_ARGUMENT', `resolveExpiry: ${name} "${iso}" must be a YYYY-MM-DD calendar date`);
  }
  return ms;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
