/**
 * Record types shared by every library. All timestamps are UTC epoch milliseconds; a bar's
 * `timestamp` is the START of its minute (as the Massive API's `t` / WebSocket `s`), and
 * `ingestedAt` is when spyglass received it. Prices are in dollars as sent by the API (no rounding).
 *
 * @example
 * ```ts
 * const bar: StockBar = { ticker: 'SPY', timestamp: Date.UTC(2025, 2, 4, 14, 30), open: 585.1, high: 585.3,
 *   low: 584.9, close: 585.2, volume: 120_000, vwap: 585.15, transactions: 950, ingestedAt: Date.now() };
 * ```
 */
export interface StockBar {
  readonly ticker: string;
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Volume-weighted average price; absent when the feed does not send `vw`. */
  readonly vwap: number | null;
  /** Number of trades in the bar (`n`); absent on the WebSocket feed. */
  readonly transactions: number | null;
  readonly ingestedAt: number;
}

/**
 * Put or call.
 *
 * @example
 * ```ts
 * const type: ContractType = 'call';
 * ```
 */
export type ContractType = 'call' | 'put';

/**
 * An option minute bar: a stock bar plus the contract's identity, parsed from its OCC ticker
 * (`O:SPY250304C00601000` → SPY, 2025-03-04, call, 601).
 *
 * @example
 * ```ts
 * const bar: OptionBar = { ticker: 'O:SPY250304C00601000', timestamp: Date.UTC(2025, 2, 4, 14, 30), open: 2.1, high: 2.3, low: 2, close: 2.2,
 *   volume: 120, vwap: 2.15, transactions: 14, ingestedAt: Date.now(), underlying: 'SPY', expiration: '2025-03-04', strike: 601, contractType: 'call' };
 * ```
 */
export interface OptionBar extends StockBar {
  readonly underlying: string;
  /** Expiration date, `YYYY-MM-DD` (America/New_York calendar date). */
  readonly expiration: string;
  readonly strike: number;
  readonly contractType: ContractType;
}

/**
 * An index minute bar (e.g. `I:VIX`): no volume, as the real index feed.
 *
 * @example
 * ```ts
 * const vix: IndexBar = { ticker: 'I:VIX', timestamp: Date.UTC(2025, 2, 4, 14, 30), open: 20.1, high: 20.4, low: 19.9, close: 20.2, ingestedAt: Date.now() };
 * ```
 */
export interface IndexBar {
  readonly ticker: string;
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly ingestedAt: number;
}

/**
 * Sentiment label as sent by the API's `insights`.
 *
 * @example
 * ```ts
 * const score = (s: Sentiment) => (s === 'positive' ? 1 : s === 'negative' ? -1 : 0);
 * ```
 */
export type Sentiment = 'positive' | 'neutral' | 'negative';

/**
 * One per-ticker insight of a news article.
 *
 * @example
 * ```ts
 * const insight: NewsInsight = { ticker: 'SPY', sentiment: 'positive', sentimentReasoning: 'strong retail sales' };
 * ```
 */
export interface NewsInsight {
  readonly ticker: string;
  readonly sentiment: Sentiment;
  readonly sentimentReasoning: string;
}

/**
 * A news article. `timestamp` is `published_utc` as epoch ms. `ticker` is the ticker this record was
 * fetched for, `sentiment` the insight for that ticker (null when the article has none for it).
 *
 * @example
 * ```ts
 * const bullish = (a: NewsArticle) => a.sentiment === 'positive' && a.tickers.includes('SPY');
 * ```
 */
export interface NewsArticle {
  readonly id: string;
  readonly ticker: string;
  readonly timestamp: number;
  readonly title: string;
  readonly author: string | null;
  readonly publisher: string;
  readonly articleUrl: string;
  readonly tickers: readonly string[];
  readonly description: string | null;
  readonly keywords: readonly string[];
  readonly sentiment: Sentiment | null;
  readonly sentimentReasoning: string | null;
  readonly insights: readonly NewsInsight[];
  readonly ingestedAt: number;
}

/**
 * An option contract from the reference endpoint (or built from an OCC ticker).
 *
 * @example
 * ```ts
 * const c: OptionContract = { ticker: 'O:SPY250304C00601000', underlying: 'SPY', expiration: '2025-03-04', strike: 601,
 *   contractType: 'call', exerciseStyle: 'american', sharesPerContract: 100, primaryExchange: null };
 * ```
 */
export interface OptionContract {
  /** OCC ticker with the `O:` prefix, e.g. `O:SPY250304C00601000`. */
  readonly ticker: string;
  readonly underlying: string;
  readonly expiration: string;
  readonly strike: number;
  readonly contractType: ContractType;
  readonly exerciseStyle: 'american' | 'european';
  readonly sharesPerContract: number;
  readonly primaryExchange: string | null;
}

/**
 * The datasets spyglass stores, one Parquet tree each under `data/raw/<dataset>/`.
 *
 * @example
 * ```ts
 * const dir = `data/raw/${Dataset.OPTION_BARS}`; // data/raw/options
 * ```
 */
export const Dataset = {
  STOCK_BARS: 'stocks',
  OPTION_BARS: 'options',
  INDEX_BARS: 'indices',
  NEWS: 'news',
  CONTRACTS: 'contracts',
} as const;

/** One of {@link Dataset}. */
export type Dataset = (typeof Dataset)[keyof typeof Dataset];
