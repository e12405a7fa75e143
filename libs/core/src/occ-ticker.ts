import { SpyglassError } from './errors.js';
import type { ContractType } from './records.js';
import type { ValidationIssue } from './validation-issue.js';

/**
 * The identity an OCC option ticker encodes.
 *
 * @example
 * ```ts
 * const c: OccContract = parseOccTicker('O:SPY250304C00601000'); // { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 }
 * ```
 */
export interface OccContract {
  /** Underlying root, e.g. `SPY`. */
  readonly underlying: string;
  /** Expiration date `YYYY-MM-DD`. */
  readonly expiration: string;
  readonly contractType: ContractType;
  /** Strike in dollars (the ticker carries it in thousandths). */
  readonly strike: number;
}

/**
 * Result of {@link safeParseOccTicker}: the contract, or every issue found.
 *
 * @example
 * ```ts
 * const r: OccParseResult = safeParseOccTicker('O:SPY250304X00601000');
 * if (!r.ok) console.log(r.issues.map((i) => i.code));
 * ```
 */
export type OccParseResult =
  | { readonly ok: true; readonly value: OccContract }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

// Root 1–6 letters/digits (OCC allows digits in adjusted roots, e.g. SPY1), YYMMDD, C|P, strike × 1000 in 8 digits.
const OCC_PATTERN = /^O:([A-Z0-9]{1,6})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;
const MAX_STRIKE_THOUSANDTHS = 99_999_999;

/**
 * Builds the Massive/OCC option ticker, `O:` + root + YYMMDD + C/P + strike × 1000 zero-padded to 8.
 * Throws `INVALID_ARGUMENT` for a strike that cannot be encoded (≤ 0, > 99 999.999, finer than 1/1000).
 *
 * @example
 * ```ts
 * buildOccTicker({ underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 });
 * // 'O:SPY250304C00601000'
 * ```
 */
export function buildOccTicker(contract: OccContract): string {
  const { underlying, expiration, contractType, strike } = contract;
  if (!/^[A-Z0-9]{1,6}$/.test(underlying)) {
    throw new SpyglassError('INVALID_ARGUMENT', `buildOccTicker: underlying "${underlying}" must be 1–6 upper-case letters or digits`);
  }
  const date = /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(expiration);
  if (!date || !isCalendarDate(expiration)) {
    throw new SpyglassError('INVALID_ARGUMENT', `buildOccTicker: expiration "${expiration}" must be a YYYY-MM-DD date`);
  }
  // Math.round, not floor: 601.5 * 1000 is exact, but 0.1-increment strikes are not (593.3 * 1000 = 593299.99…).
  const thousandths = Math.round(strike * 1000);
  if (!Number.isFinite(strike) || thousandths <= 0 || thousandths > MAX_STRIKE_THOUSANDTHS || Math.abs(thousandths - strike * 1000) > 1e-6 * Math.max(1, strike)) {
    throw new SpyglassError('INVALID_ARGUMENT', `buildOccTicker: strike ${strike} must be positive, at most 99999.999 and a multiple of 0.001`);
  }
  const cp = contractType === 'call' ? 'C' : contractType === 'put' ? 'P' : undefined;
  if (cp === undefined) throw new SpyglassError('INVALID_ARGUMENT', `buildOccTicker: contractType "${String(contractType)}" must be "call" or "put"`);
  return `O:${underlying}${date[2]}${date[3]}${date[4]}${cp}${String(thousandths).padStart(8, '0')}`;
}

/**
 * Parses an OCC ticker without throwing: every problem is returned as a {@link ValidationIssue}
 * (code `OCC_TICKER_INVALID`), so a record with a bad ticker can be quarantined with its reason.
 *
 * @example
 * ```ts
 * const r = safeParseOccTicker('O:SPY250304P00593500');
 * if (r.ok) console.log(r.value.strike); // 593.5
 * ```
 */
export function safeParseOccTicker(ticker: string, path: ReadonlyArray<string | number> = ['ticker']): OccParseResult {
  const m = typeof ticker === 'string' ? OCC_PATTERN.exec(ticker) : null;
  if (!m) {
    return { ok: false, issues: [{ code: 'OCC_TICKER_INVALID', path, message: `"${String(ticker)}" is not an OCC option ticker like O:SPY250304C00601000` }] };
  }
  const expiration = `20${m[2]}-${m[3]}-${m[4]}`;
  if (!isCalendarDate(expiration)) {
    return { ok: false, issues: [{ code: 'OCC_TICKER_INVALID', path, message: `"${ticker}" encodes the impossible date ${expiration}` }] };
  }
  const strike = Number(m[6]) / 1000;
  if (strike <= 0) return { ok: false, issues: [{ code: 'OCC_TICKER_INVALID', path, message: `"${ticker}" encodes a zero strike` }] };
  return { ok: true, value: { underlying: m[1], expiration, contractType: m[5] === 'C' ? 'call' : 'put', strike } };
}

/**
 * Parses an OCC ticker, throwing `INVALID_ARGUMENT` with the reason when it is not one.
 *
 * @example
 * ```ts
 * parseOccTicker('O:SPY250304C00601000'); // { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strike: 601 }
 * ```
 */
export function parseOccTicker(ticker: string): OccContract {
  const r = safeParseOccTicker(ticker);
  if (!r.ok) throw new SpyglassError('INVALID_ARGUMENT', `parseOccTicker: ${r.issues[0].message}`, { details: { ticker } });
  return r.value;
}

function isCalendarDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}
