import type { MarketSession, OptionContract, ContractType } from '@spyglass/core';
import { SpyglassError, buildOccTicker, nyDate, safeParseOccTicker } from '@spyglass/core';
import { shiftDate } from './calendar-day.js';
import { type DailyState, buildDailyPath } from './daily-path.js';
import { type IntradayDay, generateIntraday } from './intraday-path.js';
import { LruCache } from './lru-cache.js';
import { MARKET_RANGE, type MarketConfig, type ResolvedMarketConfig, UNDERLYING, VIX_TICKER, resolveMarketConfig } from './market-config.js';
import { type SimNewsArticle, newsForDate } from './news-generator.js';
import { type OptionDayInput, type OptionQuote, generateOptionBars, optionQuoteAt } from './option-bars.js';
import type { SimBar, SimIndexBar } from './sim-bar.js';

/**
 * Which feed a ticker belongs to (the API's markets).
 *
 * @example
 * ```ts
 * const kind: SimMarketKind | null = market.kindOf('I:VIX'); // 'indices'
 * ```
 */
export type SimMarketKind = 'stocks' | 'options' | 'indices';

/**
 * Filters of {@link SyntheticMarket.optionContracts}.
 *
 * @example
 * ```ts
 * const calls = market.optionContracts('2025-03-04', { contractType: 'call', strikeGte: 590, strikeLte: 610 });
 * ```
 */
export interface OptionContractFilter {
  readonly contractType?: ContractType;
  readonly expirationDate?: string;
  readonly strikeGte?: number;
  readonly strikeLte?: number;
}

/**
 * The seeded synthetic market: SPY minute bars, `I:VIX` minute values, a daily-expiring SPY option
 * chain and news with sentiment. Deterministic per seed; every day is generated on demand from a
 * precomputed daily path and cached (LRU), so any date 2019–2027 costs the same to reach.
 *
 * @example
 * ```ts
 * const market = new SyntheticMarket({ seed: 42 });
 * const bars = market.stockBars('SPY', '2025-03-04');          // 390 minute bars
 * const [c] = market.optionContracts('2025-03-04', { contractType: 'call' });
 * const optionBars = market.optionBars(c.ticker, '2025-03-04'); // sparse minute bars
 * ```
 */
export class SyntheticMarket {
  readonly config: ResolvedMarketConfig;
  private daily: Map<string, DailyState> | undefined;
  private dates: string[] = [];
  private readonly days: LruCache<string, IntradayDay>;
  private readonly newsDays: LruCache<string, SimNewsArticle[]>;
  private readonly optionDays: LruCache<string, SimBar[]>;

  constructor(config: MarketConfig) {
    this.config = resolveMarketConfig(config);
    this.days = new LruCache(this.config.cacheDays);
    this.newsDays = new LruCache(Math.max(64, this.config.cacheDays * 4));
    this.optionDays = new LruCache(this.config.cacheDays * 256);
  }

  /** First and last calendar dates covered. */
  get range(): { readonly from: string; readonly to: string } {
    return MARKET_RANGE;
  }

  /** The feed a ticker belongs to, or null when the market does not trade it. */
  kindOf(ticker: string): SimMarketKind | null {
    if (ticker === UNDERLYING) return 'stocks';
    if (ticker === VIX_TICKER) return 'indices';
    const occ = safeParseOccTicker(ticker);
    return occ.ok && occ.value.underlying === UNDERLYING ? 'options' : null;
  }

  /** Trading days in [from, to] (clipped to the market's range), ascending. */
  tradingDays(from: string, to: string): string[] {
    this.ensureDaily();
    return this.dates.filter((d) => d >= from && d <= to);
  }

  /** The regular session of `date`, or null when the market is closed (or out of range). */
  session(date: string): MarketSession | null {
    return this.state(date)?.session ?? null;
  }

  /**
   * Minute bars of a stock on a date (only SPY trades; other tickers have none).
   *
   * @example
   * ```ts
   * market.stockBars('SPY', '2025-03-04')[0]; // { t: 1741098600000, o: …, v: …, vw: …, n: … }
   * ```
   */
  stockBars(ticker: string, date: string): readonly SimBar[] {
    if (ticker !== UNDERLYING) return [];
    return this.intraday(date)?.spy ?? [];
  }

  /** Minute values of an index on a date (only `I:VIX`), without volume. */
  indexBars(ticker: string, date: string): readonly SimIndexBar[] {
    if (ticker !== VIX_TICKER) return [];
    return this.intraday(date)?.vix ?? [];
  }

  /** Per-minute annualized volatility the SPY path was generated with (for statistics). */
  minuteVolatility(date: string): readonly number[] {
    return this.intraday(date)?.minuteVol ?? [];
  }

  /** The expirations listed on a trading day: that day (0DTE) and the next ones, `expirations` in all. */
  listedExpirations(date: string): string[] {
    const s = this.state(date);
    if (!s) return [];
    return this.dates.slice(s.index, s.index + this.config.expirations);
  }

  /** Strikes of an expiration: $1 apart around its listing day's open (and $0.5 near the money with `halfStrikeRange`). */
  strikes(expiration: string): number[] {
    const s = this.state(expiration);
    if (!s) return [];
    const listing = this.state(this.dates[Math.max(0, s.index - (this.config.expirations - 1))]!)!;
    const ref = listing.open;
    const lo = Math.floor(ref * (1 - this.config.strikeRange));
    const hi = Math.ceil(ref * (1 + this.config.strikeRange));
    const out: number[] = [];
    const center = Math.round(ref);
    for (let k = lo; k <= hi; k++) {
      out.push(k);
      if (Math.abs(k + 0.5 - center) <= this.config.halfStrikeRange) out.push(k + 0.5);
    }
    return out;
  }

  /**
   * The contracts listed on `date` (as the reference endpoint's `as_of`), sorted by ticker.
   *
   * @example
   * ```ts
   * market.optionContracts('2025-03-04', { contractType: 'put', strikeGte: 570, strikeLte: 590 });
   * ```
   */
  optionContracts(date: string, filter: OptionContractFilter = {}): OptionContract[] {
    const out: OptionContract[] = [];
    for (const expiration of this.listedExpirations(date)) {
      if (filter.expirationDate !== undefined && filter.expirationDate !== expiration) continue;
      for (const strike of this.strikes(expiration)) {
        if (filter.strikeGte !== undefined && strike < filter.strikeGte) continue;
        if (filter.strikeLte !== undefined && strike > filter.strikeLte) continue;
        for (const contractType of ['call', 'put'] as const) {
          if (filter.contractType !== undefined && filter.contractType !== contractType) continue;
          const ticker = buildOccTicker({ underlying: UNDERLYING, expiration, contractType, strike });
          out.push({ ticker, underlying: UNDERLYING, expiration, strike, contractType, exerciseStyle: 'american', sharesPerContract: 100, primaryExchange: 'BATO' });
        }
      }
    }
    return out.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  }

  /**
   * Minute bars of an option contract on a date; empty when the contract is not listed that day.
   *
   * @example
   * ```ts
   * market.optionBars('O:SPY250304C00580000', '2025-03-04');
   * ```
   */
  optionBars(optionTicker: string, date: string): readonly SimBar[] {
    const input = this.optionInput(optionTicker, date);
    if (!input) return [];
    return this.optionDays.getOrCreate(`${optionTicker}|${date}`, () => generateOptionBars(input));
  }

  /**
   * The model quote (spot, VIX, years, surface IV, Black-Scholes price, half-spread) of a contract at
   * the close of the minute starting at `t`, or null outside its trading.
   *
   * @example
   * ```ts
   * const q = market.optionQuote('O:SPY250304C00580000', bar.t); // bar.c ≈ q.theo ± q.halfSpread
   * ```
   */
  optionQuote(optionTicker: string, t: number): OptionQuote | null {
    const date = nyDate(t);
    const input = this.optionInput(optionTicker, date);
    if (!input) return null;
    const m = Math.floor((t - input.day.spy[0]!.t) / 60_000);
    if (m < 0 || m >= input.day.spy.length || input.day.spy[m]!.t + 60_000 > input.expiresAt) return null;
    return optionQuoteAt(input, m);
  }

  /**
   * Articles published in [from, to] (UTC epoch ms, both inclusive), oldest first.
   *
   * @example
   * ```ts
   * market.news(Date.UTC(2025, 2, 4), Date.UTC(2025, 2, 5));
   * ```
   */
  news(from: number, to: number): SimNewsArticle[] {
    const out: SimNewsArticle[] = [];
    const first = nyDate(Math.max(from, Date.parse(`${MARKET_RANGE.from}T12:00:00Z`)));
    const last = nyDate(Math.min(to, Date.parse(`${MARKET_RANGE.to}T12:00:00Z`)));
    for (let d = first; d <= last; d = shiftDate(d, 1)) {
      for (const a of this.newsOn(d)) if (a.publishedUtc >= from && a.publishedUtc <= to) out.push(a);
    }
    return out;
  }

  /** Articles published on a New York calendar date. */
  newsOn(date: string): readonly SimNewsArticle[] {
    return this.newsDays.getOrCreate(date, () => newsForDate(this.config.seed, date));
  }

  private optionInput(optionTicker: string, date: string): OptionDayInput | null {
    const parsed = safeParseOccTicker(optionTicker);
    if (!parsed.ok || parsed.value.underlying !== UNDERLYING) return null;
    const contract = parsed.value;
    if (!this.listedExpirations(date).includes(contract.expiration)) return null;
    if (!this.strikes(contract.expiration).includes(contract.strike)) return null;
    const day = this.intraday(date)!;
    const expiresAt = this.state(contract.expiration)!.session.close;
    return { seed: this.config.seed, ticker: optionTicker, contract, date, day, expiresAt };
  }

  private intraday(date: string): IntradayDay | null {
    const s = this.state(date);
    if (!s) return null;
    return this.days.getOrCreate(date, () => generateIntraday(this.config.seed, s, this.newsOn(date)));
  }

  private state(date: string): DailyState | null {
    return this.ensureDaily().get(date) ?? null;
  }

  private ensureDaily(): Map<string, DailyState> {
    if (!this.daily) {
      try {
        this.daily = buildDailyPath(this.config.seed);
      } catch (cause) {
        throw new SpyglassError('INVALID_ARGUMENT', `exchange-sim: cannot build the daily path for seed ${String(this.config.seed)}`, { cause });
      }
      this.dates = [...this.daily.keys()];
    }
    return this.daily;
  }
}
