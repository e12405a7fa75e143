import type { OptionContract } from '@spyglass/core';
import { safeParseOccTicker } from '@spyglass/core';
import type { DecodeResult } from './decode-result.js';
import { FieldReader } from './field-reader.js';

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
  const r = new FieldReader(raw);
  const ticker = r.string('ticker');
  const underlying = r.string('underlying_ticker');
  const expiration = r.string('expiration_date');
  const strike = r.number('strike_price', { positive: true });
  const type = r.string('contract_type');
  const contractType = type === 'call' || type === 'put' ? type : r.bad('contract_type', `expected "call" or "put", got "${type}"`, 'call' as const);
  const style = r.optionalString('exercise_style') ?? 'american';
  const exerciseStyle = style === 'american' || style === 'european' ? style : r.bad('exercise_style', `expected "american" or "european", got "${style}"`, 'american' as const);
  const sharesPerContract = r.optionalNumber('shares_per_contract', { integer: true, min: 1 }) ?? 100;
  const primaryExchange = r.optionalString('primary_exchange');
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
        r.issues.push({ code: 'CONTRACT_TICKER_MISMATCH', path: [field], message: `${field} disagrees with the OCC ticker ${ticker}` });
      }
    }
  }
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  return { ok: true, value: { ticker, underlying, expiration, strike, contractType, exerciseStyle, sharesPerContract, primaryExchange } };
}
