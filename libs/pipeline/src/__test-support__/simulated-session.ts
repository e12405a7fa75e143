import type { IndexBar, NewsArticle, OptionBar, StockBar } from '@spyglass/core';
import type { SyntheticMarket } from '@spyglass/exchange-sim';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/** One simulated session's raw records, as the streams deliver them (ingestedAt = bar end). */
export interface SimulatedSession {
  readonly date: string;
  readonly stocks: StockBar[];
  readonly indices: IndexBar[];
  readonly options: OptionBar[];
  readonly news: NewsArticle[];
  readonly contracts: string[];
}

/**
 * The simulator's session `date`: SPY, I:VIX, SPY news (from the day before too, for the
 * look-back) and the listed 0DTE/1DTE contracts within `band` dollars of the open (or the
 * `contracts` nearest the money when given).
 */
export function simulatedSession(market: SyntheticMarket, date: string, opts: { band?: number; contracts?: number } = {}): SimulatedSession {
  const spyBars = market.stockBars('SPY', date);
  const stocks = spyBars.map((b): StockBar => ({
    ticker: 'SPY', timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw, transactions: b.n, ingestedAt: b.t + 60_000,
  }));
  const indices = market.indexBars('I:VIX', date).map((b): IndexBar => ({ ticker: 'I:VIX', timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, ingestedAt: b.t + 60_000 }));
  const open = spyBars[0]!.o;
  const expirations = market.listedExpirations(date).slice(0, 2);
  let chain = market.optionContracts(date).filter((c) => expirations.includes(c.expiration) && Math.abs(c.strike - open) <= (opts.band ?? 10));
  if (opts.contracts !== undefined) chain = chain.sort((a, b) => Math.abs(a.strike - open) - Math.abs(b.strike - open) || (a.ticker < b.ticker ? -1 : 1)).slice(0, opts.contracts);
  const options: OptionBar[] = [];
  for (const c of chain) {
    for (const b of market.optionBars(c.ticker, date)) {
      options.push({
        ticker: c.ticker, timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw, transactions: b.n, ingestedAt: b.t + 60_000,
        underlying: c.underlying, expiration: c.expiration, strike: c.strike, contractType: c.contractType,
      });
    }
  }
  const from = Date.parse(`${date}T00:00:00Z`) - 86_400_000;
  const news = market.news(from, spyBars.at(-1)!.t + 60_000).filter((a) => a.tickers.includes('SPY')).map((a): NewsArticle => {
    const insight = a.insights.find((i) => i.ticker === 'SPY');
    return {
      id: a.id, ticker: 'SPY', timestamp: a.publishedUtc, title: a.title, author: a.author, publisher: a.publisher.name, articleUrl: a.articleUrl,
      tickers: a.tickers, description: a.description, keywords: a.keywords, sentiment: insight?.sentiment ?? null,
      sentimentReasoning: insight?.sentimentReasoning ?? null, insights: a.insights, ingestedAt: a.publishedUtc,
    };
  });
  return { date, stocks, indices, options, news, contracts: chain.map((c) => c.ticker) };
}

/** Stores (part of) a session in the raw layout through storage's real datasets. */
export async function storeSession(root: string, s: SimulatedSession, keep: (t: number) => boolean = () => true): Promise<void> {
  const ds = <R>(spec: (typeof rawDatasetSpecs)[keyof typeof rawDatasetSpecs]) => new ParquetDataset<R & { timestamp: number }>({ root, spec, fsync: false });
  const write = async <R extends { timestamp: number }>(d: ParquetDataset<R>, rows: readonly R[]) => {
    const kept = rows.filter((r) => keep(r.timestamp));
    if (kept.length > 0) await d.write(kept);
  };
  await write(ds<StockBar>(rawDatasetSpecs.stocks), s.stocks);
  await write(ds<IndexBar>(rawDatasetSpecs.indices), s.indices);
  await write(ds<OptionBar>(rawDatasetSpecs.options), s.options);
  await write(ds<NewsArticle>(rawDatasetSpecs.news), s.news);
}

/** The session's records as one arrival sequence: per minute VIX, SPY, then the option burst; news at publication. */
export type ReplayEvent =
  | { readonly kind: 'index'; readonly bar: IndexBar }
  | { readonly kind: 'stock'; readonly bar: StockBar }
  | { readonly kind: 'option'; readonly bar: OptionBar }
  | { readonly kind: 'news'; readonly article: NewsArticle };

export function replayOrder(s: SimulatedSession): ReplayEvent[][] {
  const byMinute = new Map<number, ReplayEvent[]>();
  const at = (t: number) => {
    const m = Math.floor(t / 60_000) * 60_000;
    let list = byMinute.get(m);
    if (!list) byMinute.set(m, (list = []));
    return list;
  };
  for (const a of s.news) at(a.timestamp).push({ kind: 'news', article: a });
  for (const bar of s.indices) at(bar.timestamp).push({ kind: 'index', bar });
  for (const bar of s.stocks) at(bar.timestamp).push({ kind: 'stock', bar });
  for (const bar of s.options) at(bar.timestamp).push({ kind: 'option', bar });
  return [...byMinute.entries()].sort((a, b) => a[0] - b[0]).map(([, evs]) => evs);
}
