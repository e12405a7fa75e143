import type { ValidationIssue } from '@spyglass/core';
import { checkIngestedAt, checkOhlc, checkTimestamp, checkVolumeFields, isCleanBar, type BarValidationOptions } from './bar-checks.js';
import { checkContractMatchesTicker, cleanOccContract, readContractFields, readOccTicker } from './contract-checks.js';
import { easternDate } from './et-date.js';
import { validationFieldReader } from './field-reader.js';
import { ValidationCode } from './issue-codes.js';
import type { SessionPolicy } from './session-policy.js';

const STOCK_TICKER = /^[A-Z][A-Z0-9.]{0,9}$/;
const INDEX_TICKER = /^I:[A-Z0-9.]{1,12}$/;
// The shortcut's ticker test only: the OCC parse (cached per ticker) decides the rest.
const OPTION_TICKER = /^O:/;
const REGULAR: SessionPolicy = {};
const REGULAR_PLUS_15: SessionPolicy = { closeGraceMinutes: 15 };

/**
 * Validates a stock minute bar ({@link StockBar} shape, camelCase) given as `unknown`: every field's
 * type, finite numbers, OHLC consistency, volume ≥ 0, vwap inside [low, high], the bar boundary,
 * the session (when a policy is given) and the ticker format. Never throws; `[]` means valid.
 *
 * @example
 * ```ts
 * const issues = validateStockBar({ ticker: 'SPY', timestamp: Date.UTC(2025, 2, 4, 14, 30), open: 5, high: 4,
 *   low: 3, close: 4, volume: 10, vwap: null, transactions: null, ingestedAt: Date.now() });
 * issues[0].code; // 'OHLC_INCONSISTENT'
 * ```
 */
export function validateStockBar(input: unknown, options: BarValidationOptions = {}): ValidationIssue[] {
  if (isCleanBar(input, STOCK_TICKER, options, REGULAR, true)) return [];
  const r = validationFieldReader(input);
  if (!r.isObject) return r.issues;
  const ticker = r.string('ticker');
  if (ticker !== undefined && !STOCK_TICKER.test(ticker)) {
    r.issue(ValidationCode.BAD_TICKER, ['ticker'], `stock ticker ${JSON.stringify(ticker)} must be 1–10 upper-case letters, digits or dots`);
  }
  checkTimestamp(r, 'timestamp', options, true, REGULAR);
  checkVolumeFields(r, checkOhlc(r));
  checkIngestedAt(r);
  return r.issues;
}

/**
 * Validates an option minute bar: the stock-bar rules, an OCC ticker (`O:SPY250304C00601000`)
 * whose parts agree with `underlying`, `expiration`, `strike` and `contractType`, and a bar dated
 * no later than the expiration day.
 *
 * @example
 * ```ts
 * validateOptionBar({ ...bar, ticker: 'O:SPY250304X00601000' }).map((i) => i.code); // ['BAD_TICKER', …]
 * ```
 */
export function validateOptionBar(input: unknown, options: BarValidationOptions = {}): ValidationIssue[] {
  // A live chain repeats a few hundred tickers every minute: clean bars of known contracts are
  // accepted by plain comparisons; anything else gets the detailed checks, which explain it.
  if (isCleanBar(input, OPTION_TICKER, options, REGULAR_PLUS_15, true)) {
    const occ = cleanOccContract(input as Record<string, unknown>);
    if (occ !== undefined && easternDate((input as { timestamp: number }).timestamp) <= occ.expiration) return [];
  }
  const r = validationFieldReader(input);
  if (!r.isObject) return r.issues;
  const id = readOccTicker(r);
  const t = checkTimestamp(r, 'timestamp', options, true, REGULAR_PLUS_15);
  checkVolumeFields(r, checkOhlc(r));
  checkIngestedAt(r);
  const fields = readContractFields(r, id.occ);
  checkContractMatchesTicker(r, id, fields);
  if (id.occ && t !== undefined && easternDate(t) > id.occ.expiration) {
    r.issue(ValidationCode.EXPIRED_CONTRACT, ['timestamp'], `bar on ${easternDate(t)} is after the contract's expiration ${id.occ.expiration}`);
  }
  return r.issues;
}

/**
 * Validates an index minute bar (`I:VIX`): OHLC rules without volume, an `I:` ticker, the session.
 *
 * @example
 * ```ts
 * validateIndexBar({ ticker: 'VIX', timestamp: t, open: 20, high: 21, low: 19, close: 20, ingestedAt: t })[0].code; // 'BAD_TICKER'
 * ```
 */
export function validateIndexBar(input: unknown, options: BarValidationOptions = {}): ValidationIssue[] {
  if (isCleanBar(input, INDEX_TICKER, options, REGULAR_PLUS_15, false)) return [];
  const r = validationFieldReader(input);
  if (!r.isObject) return r.issues;
  const ticker = r.string('ticker');
  if (ticker !== undefined && !INDEX_TICKER.test(ticker)) {
    r.issue(ValidationCode.BAD_TICKER, ['ticker'], `index ticker ${JSON.stringify(ticker)} must look like I:VIX`);
  }
  checkTimestamp(r, 'timestamp', options, true, REGULAR_PLUS_15);
  checkOhlc(r);
  checkIngestedAt(r);
  return r.issues;
}
