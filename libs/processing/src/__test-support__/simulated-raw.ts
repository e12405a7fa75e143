import type { IndexBar, NewsArticle, OptionBar, StockBar } from '@spyglass/core';
import { SyntheticMarket } from '@spyglass/exchange-sim';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/** Options of {@link writeSimulatedRaw}. */
export interface SimulatedRawOptions {
  readonly root: string;
  readonly dates: readonly string[];
  /** Contracts per day: half calls strictly above the open, half puts at or below (same-day expiry). Default 4. */
  readonly contractsPerDay?: number;
  readonly seed?: number;
  /** fsync every partition (default false: scratch data in a temp dir). */
  readonly fsync?: boolean;
}

/**
 * Stores a slice of the seeded exchange simulator in the raw layout through storage's real
 * `ParquetDataset` (the same path ingestion takes): SPY and I:VIX minute bars, the day's nearest
 * same-day-expiry contracts (the original's strike selection) and SPY news.
 */
export async function writeSimulatedRaw(opts: SimulatedRawOptions): Promise<{ stocks: number; indices: number; options: number; news: number; contracts: string[] }> {
  const market = new SyntheticMarket({ seed: opts.seed ?? 11 });
  const perDay = opts.contractsPerDay ?? 4;
  const fsync = opts.fsync ?? false;
  const stocks = new ParquetDataset<StockBar>({ root: opts.root, spec: rawDatasetSpecs.stocks, fsync });
  const indices = new ParquetDataset<IndexBar>({ root: opts.root, spec: rawDatasetSpecs.indices, fsync });
  const options = new ParquetDataset<OptionBar>({ root: opts.root, spec: rawDatasetSpecs.options, fsync });
  const newsDs = new ParquetDataset<NewsArticle>({ root: opts.root, spec: rawDatasetSpecs.news, fsync });
  const counts = { stocks: 0, indices: 0, options: 0, news: 0, contracts: [] as string[] };
  for (const date of opts.dates) {
    if (market.session(date) === null) continue;
    const spy = market.stockBars('SPY', date).map((b): StockBar => ({
      ticker: 'SPY', timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw, transactions: b.n, ingestedAt: b.t + 60_000,
    }));
    if (spy.length === 0) continue;
    await stocks.write(spy);
    const vix = market.indexBars('I:VIX', date).map((b): IndexBar => ({ ticker: 'I:VIX', timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, ingestedAt: b.t + 60_000 }));
    await indices.write(vix);
    const open = spy[0]!.open;
    const chain = market.optionContracts(date, { expirationDate: date });
    const calls = chain.filter((c) => c.contractType === 'call' && c.strike > open).sort((a, b) => a.strike - b.strike).slice(0, Math.ceil(perDay / 2));
    const puts = chain.filter((c) => c.contractType === 'put' && c.strike <= open).sort((a, b) => b.strike - a.strike).slice(0, Math.floor(perDay / 2));
    const bars: OptionBar[] = [];
    for (const c of [...calls, ...puts]) {
      counts.contracts.push(c.ticker);
      for (const b of market.optionBars(c.ticker, date)) {
        bars.push({
          ticker: c.ticker, timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw, transactions: b.n, ingestedAt: b.t + 60_000,
          underlying: c.underlying, expiration: c.expiration, strike: c.strike, contractType: c.contractType,
        });
      }
    }
    if (bars.length > 0) await options.write(bars);
    const articles = market.newsOn(date).filter((a) => a.tickers.includes('SPY')).map((a): NewsArticle => {
      const insight = a.insights.find((i) => i.ticker === 'SPY');
      return {
        id: a.id, ticker: 'SPY', timestamp: a.publishedUtc, title: a.title, author: a.author, publisher: a.publisher.name, articleUrl: a.articleUrl,
        tickers: a.tickers, description: a.description, keywords: a.keywords, sentiment: insight?.sentiment ?? null,
        sentimentReasoning: insight?.sentimentReasoning ?? null, insights: a.insights, ingestedAt: a.publishedUtc,
      };
    });
    if (articles.length > 0) await newsDs.write(articles);
    counts.stocks += spy.length;
    counts.indices += vix.length;
    counts.options += bars.length;
    counts.news += articles.length;
  }
  return counts;
}
