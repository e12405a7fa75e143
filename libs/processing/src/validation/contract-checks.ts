import { safeParseOccTicker, type OccContract } from '@spyglass/core';
import { isIsoDate } from './et-date.js';
import type { FieldReader } from './field-reader.js';
import { ValidationCode } from './issue-codes.js';

/** The option ticker of a record and, when it is an OCC symbol, its parts. */
export interface OccField {
  readonly ticker: string | undefined;
  readonly occ: OccContract | null;
}

/** The contract fields a record states besides its ticker (each undefined when missing or mistyped). */
export interface ContractFields {
  readonly underlying: string | undefined;
  readonly expiration: string | undefined;
  readonly strike: number | undefined;
  readonly contractType: 'call' | 'put' | undefined;
}

/**
 * Parsed OCC symbols by ticker: a streamed chain repeats the same few hundred tickers every minute,
 * and parsing (calendar-date checks included) was most of an option bar's validation. Bounded:
 * cleared when full, so an unbounded stream of distinct bad tickers cannot grow it.
 */
const parsedTickers = new Map<string, ReturnType<typeof safeParseOccTicker>>();
const PARSED_TICKERS_MAX = 8192;

function parseOccCached(ticker: string): ReturnType<typeof safeParseOccTicker> {
  let parsed = parsedTickers.get(ticker);
  if (parsed === undefined) {
    if (parsedTickers.size >= PARSED_TICKERS_MAX) parsedTickers.clear();
    parsed = safeParseOccTicker(ticker);
    parsedTickers.set(ticker, parsed);
  }
  return parsed;
}

/**
 * The common case of an option record's contract fields in plain comparisons: true only when
 * `ticker` is an OCC symbol (parsed once per ticker) and `underlying`, `expiration`, `strike` and
 * `contractType` are present and agree with it, i.e. when {@link readOccTicker},
 * {@link readContractFields} and {@link checkContractMatchesTicker} would find nothing. Returns the
 * parsed contract, or undefined ("look closer").
 */
export function cleanOccContract(r: Record<string, unknown>): OccContract | undefined {
  const ticker = r.ticker;
  if (typeof ticker !== 'string') return undefined;
  const parsed = parseOccCached(ticker);
  if (!parsed.ok) return undefined;
  const occ = parsed.value;
  const strike = r.strike;
  if (r.underlying !== occ.underlying || r.expiration !== occ.expiration || r.contractType !== occ.contractType) return undefined;
  return typeof strike === 'number' && strike > 0 && Math.abs(strike - occ.strike) <= 1e-9 ? occ : undefined;
}

/** Reads `ticker`, which must be an OCC option symbol. */
export function readOccTicker(r: FieldReader): OccField {
  const ticker = r.string('ticker');
  const parsed = ticker === undefined ? null : parseOccCached(ticker);
  const occ = parsed?.ok ? parsed.value : null;
  if (parsed !== null && !parsed.ok) {
    r.issue(ValidationCode.BAD_TICKER, ['ticker'], `option ticker ${JSON.stringify(ticker)} is not an OCC symbol like O:SPY250304C00601000`);
  }
  return { ticker, occ };
}

/**
 * Reads `underlying`, `expiration` (a calendar date), `strike` (> 0) and `contractType`. An
 * expiration equal to the parsed ticker's (`occ`) is a calendar date already.
 */
export function readContractFields(r: FieldReader, occ?: OccContract | null): ContractFields {
  const underlying = r.string('underlying');
  const expiration = r.string('expiration');
  if (expiration !== undefined && expiration !== occ?.expiration && !isIsoDate(expiration)) {
    r.issue(ValidationCode.BAD_DATE, ['expiration'], `expiration ${JSON.stringify(expiration)} is not a YYYY-MM-DD date`);
  }
  const strike = r.number('strike');
  if (strike !== undefined && strike <= 0) r.issue(ValidationCode.NON_POSITIVE_PRICE, ['strike'], `strike must be > 0, got ${strike}`);
  const contractType = r.oneOf('contractType', ['call', 'put'] as const);
  return { underlying, expiration, strike, contractType };
}

/** Flags every stated contract field that disagrees with what the OCC ticker encodes (nothing to compare without one). */
export function checkContractMatchesTicker(r: FieldReader, { ticker, occ }: OccField, f: ContractFields): void {
  if (occ === null) return;
  const mismatch = (field: string, got: unknown, want: unknown) =>
    r.issue(ValidationCode.CONTRACT_MISMATCH, [field], `${field} ${JSON.stringify(got)} disagrees with ticker ${ticker} (${JSON.stringify(want)})`);
  if (f.underlying !== undefined && f.underlying !== occ.underlying) mismatch('underlying', f.underlying, occ.underlying);
  if (f.expiration !== undefined && f.expiration !== occ.expiration) mismatch('expiration', f.expiration, occ.expiration);
  if (f.strike !== undefined && Math.abs(f.strike - occ.strike) > 1e-9) mismatch('strike', f.strike, occ.strike);
  if (f.contractType !== undefined && f.contractType !== occ.contractType) mismatch('contractType', f.contractType, occ.contractType);
}
