import { SpyglassError, type MarketCalendar, type OptionContract } from '@spyglass/core';
import type { ContractQuery } from '../rest/options-client.js';
import type { FetchResult, RejectedRecord } from '../wire/decode-result.js';
import { ExpiryConvention, isExpiryConvention, resolveExpiry } from './expiry.js';
import { buildOccTicker } from '@spyglass/core';
import { computeStrikes, discoveryStrikeRange } from './strikes.js';

/**
 * The parameters a selection runs with (the original's TEST-mode prompt answers).
 *
 * @example
 * ```ts
 * const params: SelectionParams = { underlying: 'SPY', increment: 1, nCalls: 5, nPuts: 5, expiry: 'same_day' };
 * new ContractSelector({ mode: 'test', params });
 * ```
 */
export interface SelectionParams {
  readonly underlying: string;
  /** Strike grid step, e.g. 0.5. */
  readonly increment: number;
  readonly nCalls: number;
  readonly nPuts: number;
  readonly expiry: ExpiryConvention;
  /** Expiration for the `fixed` convention. */
  readonly fixedExpiry?: string;
}

/**
 * Asks one question and resolves with the answer; apps pass a readline prompt, tests a scripted one.
 *
 * @example
 * ```ts
 * const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
 * const input: InputFunction = (q) => rl.question(q);
 * ```
 */
export type InputFunction = (question: string) => Promise<string>;

/**
 * Lists contracts; {@link OptionsClient} is one.
 *
 * @example
 * ```ts
 * const lister: ContractLister = new OptionsClient(rest);
 * new ContractSelector({ mode: 'prod', params, lister });
 * ```
 */
export interface ContractLister {
  contracts(q: ContractQuery, signal?: AbortSignal): Promise<FetchResult<OptionContract>>;
}

/**
 * Options of {@link ContractSelector}.
 *
 * @example
 * ```ts
 * const opts: ContractSelectorOptions = { mode: 'prod', params: { underlying: 'SPY', increment: 1, nCalls: 3, nPuts: 3, expiry: 'next_trading_day' },
 *   lister: new OptionsClient(rest), discoveryRange: 0.02 };
 * ```
 */
export interface ContractSelectorOptions {
  /**
   * `test`: contracts are built from the parameters (any missing parameter is asked once through
   * `input`); with a `lister` they are checked against the day's listed chain and the ones it does
   * not list are left out and named in {@link ContractSelection.unlisted}; without one no API call is
   * made. `prod`: contracts are listed through `lister` and the nearest strikes taken.
   */
  readonly mode: 'test' | 'prod';
  readonly params?: Partial<SelectionParams>;
  readonly input?: InputFunction;
  /** Required in `prod` mode; in `test` mode it checks the built tickers against the listed chain. */
  readonly lister?: ContractLister;
  /** `prod`: when the tight strike range lacks strikes, widen to ±this fraction of the opening; default 0.01 (±1 %). */
  readonly discoveryRange?: number;
  readonly calendar?: Pick<MarketCalendar, 'nextTradingDay'>;
}

/**
 * What {@link ContractSelector.select} chose for one trade date.
 *
 * @example
 * ```ts
 * const s: ContractSelection = await selector.select('2025-03-04', 593.88);
 * if (s.shortfall.calls > 0) console.warn(`${s.shortfall.calls} calls not listed on ${s.date}`);
 * ```
 */
export interface ContractSelection {
  readonly date: string;
  readonly opening: number;
  readonly expiration: string;
  /** Nearest first: calls ascending above the opening, puts descending at or below it. */
  readonly calls: OptionContract[];
  readonly puts: OptionContract[];
  /** How many requested contracts do not exist in the listing — never silently fewer. */
  readonly shortfall: { readonly calls: number; readonly puts: number };
  /** Test mode with a lister: the built tickers the chain does not list (left out of calls/puts). */
  readonly unlisted: string[];
  /** Listing records that failed to decode (prod), for quarantine. */
  readonly rejected: RejectedRecord[];
}

/** The original's step-26 questions, in the order it asked them (shared with `promptSelectionParams`). */
export const SELECTION_QUESTIONS: ReadonlyArray<[keyof SelectionParams, string]> = [
  ['underlying', 'Underlying ticker (e.g. SPY): '],
  ['increment', 'Strike increment in dollars (SPY daily expirations: 1): '],
  ['nCalls', 'Number of calls above the opening price: '],
  ['nPuts', 'Number of puts at or below the opening price: '],
  ['expiry', `Expiry convention (${Object.values(ExpiryConvention).join(', ')}): `],
];

/**
 * Chooses the option contracts to download for each trade date (the original's steps 12, 25, 26):
 * `nCalls` strikes strictly above the day's opening and `nPuts` at or below, expiring by the
 * configured convention.
 *
 * @example
 * ```ts
 * const selector = new ContractSelector({ mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'same_day' } });
 * const { calls, puts } = await selector.select('2025-03-04', 593.88);
 * calls.map((c) => c.ticker); // ['O:SPY250304C00594000', 'O:SPY250304C00594500']
 * ```
 */
export class ContractSelector {
  private params: SelectionParams | undefined;

  constructor(private readonly options: ContractSelectorOptions) {
    if (options.mode !== 'test' && options.mode !== 'prod') throw new SpyglassError('INVALID_ARGUMENT', `ContractSelector: mode "${String(options.mode)}" must be "test" or "prod"`);
    if (options.mode === 'prod' && !options.lister) throw new SpyglassError('INVALID_ARGUMENT', 'ContractSelector: prod mode needs a lister (an OptionsClient)');
  }

  /**
   * Completes the parameters once: missing ones are asked through `input` (one question each, in a
   * fixed order), then kept for every later date. Throws CONFIG when one is missing and there is no
   * input function, INVALID_ARGUMENT for an unusable answer.
   */
  async prepare(): Promise<SelectionParams> {
    if (this.params) return this.params;
    const given: Partial<Record<keyof SelectionParams, unknown>> = { ...this.options.params };
    for (const [key, question] of SELECTION_QUESTIONS) {
      if (given[key] !== undefined) continue;
      if (!this.options.input) throw new SpyglassError('CONFIG', `ContractSelector: parameter "${key}" is not set and no input function was given to ask for it`);
      given[key] = (await this.options.input(question)).trim();
    }
    if (given.expiry === 'fixed' && given.fixedExpiry === undefined) {
      if (!this.options.input) throw new SpyglassError('CONFIG', 'ContractSelector: the fixed expiry convention needs params.fixedExpiry');
      given.fixedExpiry = (await this.options.input('Fixed expiration date (YYYY-MM-DD): ')).trim();
    }
    this.params = checkParams(given);
    return this.params;
  }

  /** The contracts for `date`, given the underlying's opening price that day. */
  async select(date: string, opening: number, signal?: AbortSignal): Promise<ContractSelection> {
    const p = await this.prepare();
    const expiration = resolveExpiry(p.expiry, date, { fixedDate: p.fixedExpiry, calendar: this.options.calendar });
    const targets = computeStrikes({ opening, nCalls: p.nCalls, nPuts: p.nPuts, increment: p.increment });
    if (this.options.mode === 'test') {
      const build = (strike: number, contractType: 'call' | 'put'): OptionContract => ({
        ticker: buildOccTicker({ underlying: p.underlying, expiration, contractType, strike }),
        underlying: p.underlying, expiration, strike, contractType,
        exerciseStyle: 'american', sharesPerContract: 100, primaryExchange: null,
      });
      const built = { calls: targets.calls.map((s) => build(s, 'call')), puts: targets.puts.map((s) => build(s, 'put')) };
      const checked = this.options.lister ? await this.keepListed(built, p.underlying, expiration, date, signal) : { ...built, unlisted: [], rejected: [] };
      return {
        date, opening, expiration, ...checked,
        shortfall: { calls: p.nCalls - checked.calls.length, puts: p.nPuts - checked.puts.length },
      };
    }
    const lister = this.options.lister!;
    const all = [...targets.calls, ...targets.puts];
    const tight = all.length === 0 ? discoveryStrikeRange(opening, 0) : { strikeGte: Math.min(...all) - 0.001, strikeLte: Math.max(...all) + 0.001 };
    let listing = await lister.contracts({ underlying: p.underlying, expiration, asOf: date, ...tight }, signal);
    let picked = nearest(listing.records, opening, p);
    if (picked.calls.length < p.nCalls || picked.puts.length < p.nPuts) {
      // The listing's grid is coarser than `increment` here (e.g. $1 away from the money): widen and take what is nearest.
      const wide = await lister.contracts({ underlying: p.underlying, expiration, asOf: date, ...discoveryStrikeRange(opening, this.options.discoveryRange ?? 0.01) }, signal);
      listing = { records: wide.records, rejected: [...listing.rejected, ...wide.rejected], pages: listing.pages + wide.pages };
      picked = nearest(listing.records, opening, p);
    }
    return {
      date, opening, expiration, ...picked,
      shortfall: { calls: p.nCalls - picked.calls.length, puts: p.nPuts - picked.puts.length },
      unlisted: [],
      rejected: listing.rejected,
    };
  }

  /** Splits built contracts into the ones the chain lists on `date` (with the chain's metadata) and the rest. */
  private async keepListed(
    built: { calls: OptionContract[]; puts: OptionContract[] },
    underlying: string,
    expiration: string,
    date: string,
    signal?: AbortSignal,
  ): Promise<{ calls: OptionContract[]; puts: OptionContract[]; unlisted: string[]; rejected: RejectedRecord[] }> {
    const strikes = [...built.calls, ...built.puts].map((c) => c.strike);
    if (strikes.length === 0) return { ...built, unlisted: [], rejected: [] };
    const listing = await this.options.lister!.contracts(
      { underlying, expiration, asOf: date, strikeGte: Math.min(...strikes) - 0.001, strikeLte: Math.max(...strikes) + 0.001 },
      signal,
    );
    const listed = new Map(listing.records.map((c) => [c.ticker, c]));
    const unlisted: string[] = [];
    const keep = (cs: OptionContract[]) =>
      cs.flatMap((c) => {
        const l = listed.get(c.ticker);
        if (!l) unlisted.push(c.ticker);
        return l ? [l] : [];
      });
    return { calls: keep(built.calls), puts: keep(built.puts), unlisted, rejected: listing.rejected };
  }

  /** Discovery mode (step 12): every contract expiring per the convention within ±`range` (a fraction, 0.01 = ±1 %) of the opening. */
  async discover(date: string, opening: number, range: number, signal?: AbortSignal): Promise<FetchResult<OptionContract>> {
    const p = await this.prepare();
    if (!this.options.lister) throw new SpyglassError('INVALID_ARGUMENT', 'ContractSelector.discover needs a lister (an OptionsClient)');
    const expiration = resolveExpiry(p.expiry, date, { fixedDate: p.fixedExpiry, calendar: this.options.calendar });
    return this.options.lister.contracts({ underlying: p.underlying, expiration, asOf: date, ...discoveryStrikeRange(opening, range) }, signal);
  }
}

function nearest(contracts: readonly OptionContract[], opening: number, p: SelectionParams): { calls: OptionContract[]; puts: OptionContract[] } {
  const mine = contracts.filter((c) => c.underlying === p.underlying);
  const calls = mine.filter((c) => c.contractType === 'call' && c.strike > opening).sort((a, b) => a.strike - b.strike).slice(0, p.nCalls);
  const puts = mine.filter((c) => c.contractType === 'put' && c.strike <= opening).sort((a, b) => b.strike - a.strike).slice(0, p.nPuts);
  return { calls, puts };
}

/** Validates and normalises parameters from config or answers; INVALID_ARGUMENT names the bad one. */
export function checkParams(g: Partial<Record<keyof SelectionParams, unknown>>): SelectionParams {
  const fail = (key: string, why: string) => new SpyglassError('INVALID_ARGUMENT', `ContractSelector: ${key} ${JSON.stringify(g[key as keyof SelectionParams])} ${why}`);
  const underlying = String(g.underlying).toUpperCase();
  if (!/^[A-Z0-9]{1,6}$/.test(underlying)) throw fail('underlying', 'must be 1–6 letters or digits');
  const increment = Number(g.increment);
  if (!(increment > 0)) throw fail('increment', 'must be a positive number');
  const nCalls = Number(g.nCalls);
  const nPuts = Number(g.nPuts);
  if (!Number.isInteger(nCalls) || nCalls < 0) throw fail('nCalls', 'must be a non-negative integer');
  if (!Number.isInteger(nPuts) || nPuts < 0) throw fail('nPuts', 'must be a non-negative integer');
  const expiry = String(g.expiry);
  if (!isExpiryConvention(expiry)) throw fail('expiry', `must be one of ${Object.values(ExpiryConvention).join(', ')}`);
  const fixedExpiry = g.fixedExpiry === undefined ? undefined : String(g.fixedExpiry);
  if (expiry === 'fixed') resolveExpiry('fixed', '2000-01-03', { fixedDate: fixedExpiry });
  return { underlying, increment, nCalls, nPuts, expiry, ...(fixedExpiry === undefined ? {} : { fixedExpiry }) };
}
