/**
 * Parameters of the synthetic market. Every field has a default chosen to look like SPY 2019–2027;
 * tests and the CLI override a few (seed, expirations, strike range).
 *
 * @example
 * ```ts
 * const config: MarketConfig = { seed: 7, expirations: 3 };
 * ```
 */
export interface MarketConfig {
  /** Seed of every random stream; the same seed gives the same market, bar for bar. */
  readonly seed: number | string;
  /** Daily expirations listed at once: 2 = 0DTE and 1DTE (the default). */
  readonly expirations?: number;
  /** Strikes every $1 within this fraction of the listing day's open (default 0.07 = ±7 %: about ±$39 at SPY 560, so a ±$35 band holds the 250+ contracts a live 0DTE+1DTE chain has). */
  readonly strikeRange?: number;
  /**
   * Half-dollar strikes within this many dollars of the money (default 0: SPY lists strikes at
   * $1 intervals, near the money too).
   */
  readonly halfStrikeRange?: number;
  /** Days kept in each generated-day cache (default 64). */
  readonly cacheDays?: number;
}

/** {@link MarketConfig} with every default filled in. */
export interface ResolvedMarketConfig {
  readonly seed: number | string;
  readonly expirations: number;
  readonly strikeRange: number;
  readonly halfStrikeRange: number;
  readonly cacheDays: number;
}

/** Fills the defaults of a {@link MarketConfig}. */
export function resolveMarketConfig(config: MarketConfig): ResolvedMarketConfig {
  return {
    seed: config.seed,
    expirations: Math.max(1, Math.floor(config.expirations ?? 2)),
    strikeRange: config.strikeRange ?? 0.07,
    halfStrikeRange: config.halfStrikeRange ?? 0,
    cacheDays: config.cacheDays ?? 64,
  };
}

/** First and last calendar dates the market covers (the core NYSE calendar's range). */
export const MARKET_RANGE = { from: '2019-01-01', to: '2027-12-31' } as const;

/** The underlying of the option chain and the only stock the market trades. */
export const UNDERLYING = 'SPY';
/** The volatility index, as the API names it. */
export const VIX_TICKER = 'I:VIX';
