import type { OptionContract } from '@spyglass/core';
import { safeParseOccTicker } from '@spyglass/core';
import type { DecodeResult } from './decode-result.js';
import type { FieldReader } from '@spyglass/core';
import { WireIssueCode, wireFieldReader } from './wire-issue-codes.js';

/**
 * One `/v3/reference/options/contracts` result as sent on the wire.
 *
 * @example
 * ```ts
 * const wire: WireOptionContract = { ticker: 'O:SPY250304C00601000', underlying_ticker: 'SPY', expiration_date: '2025-03-04', strike_price: 601, contract_type: 'call' };
 * decodeOptionContract(wire);
 * ```
 */
export interface WireOptionContract {
  readonly ticker: string;
  readonly underlying_ticker: string;
  readonly expiration_date: string;
  readonly strike_price: number;
  readonly contract_type: string;
  readonly exercise_style?: string;
  readonly shares_per_contract?: number;
  readonly primary_exchange?: string;
}

/**
 * Maps a wire option contract to an {@link OptionContract}. The OCC ticker must agree with the
 * separate fields; a mismatch is an issue (`CONTRACT_TICKER_MISMATCH`), not silently trusted.
 *
 * @example
 * ```ts
 * decodeOptionContract({ ticker: 'O:SPY250304C00601000', underlying_ticker: 'SPY', expiration_date: '2025-03-04',
 *   strike_price: 601, contract_type: 'call', exercise_style: 'american', shares_per_contract: 100 });
 * ```
 */
export function decodeOptionContract(raw: unknown): DecodeResult<OptionContract> {
  const r = wireFieldReader(raw);
  const ticker = r.string('ticker') ?? '';
  const underlying = r.string('underlying_ticker') ?? '';
  const expiration = r.string('expiration_date') ?? '';
  const strike = r.number('strike_price', { positive: true }) ?? NaN;
  const contractType = r.oneOf('contract_type', ['call', 'put'] as const) ?? 'call';
  const exerciseStyle = r.oneOf('exercise_style', ['american', 'european'] as const, { optional: true }) ?? 'american';
  const sharesPerContract = r.number('shares_per_contract', { optional: true, integer: true, min: 1 }) ?? 100;
  const primaryExchange = r.string('primary_exchange', { optional: true, allowEmpty: true }) ?? null;
  if (ticker) {
    const occ = safeParseOccTicker(ticker);
    if (!occ.ok) r.issues.push(...occ.issues);
    else if (r.issues.length === 0) {
      const o = occ.value;
      const mismatch = [
        o.underlying !== underlying && 'underlying_ticker',
        o.expiration !== expiration && 'expiration_date',
        Math.abs(o.strike - strike) >= 0.001 && 'strike_price',
        o.contractType !== contractType && 'contract_type',
      ].filter((x): x is string => typeof x === 'string');
      for (const field of mismatch) {
        r.issue(WireIssueCode.CONTRACT_TICKER_MISMATCH, [field], `${field} disagrees with the OCC ticker ${ticker}`);
      }
    }
  }
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  return { ok: true, value: { ticker, underlying, expiration, strike, contractType, exerciseStyle, sharesPerContract, primaryExchange } };
}
