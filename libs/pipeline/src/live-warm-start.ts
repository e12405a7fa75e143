import { nyseCalendar, type IndexBar, type MarketCalendar, type NewsArticle, type OptionBar, type StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/**
 * What is stored for a session so far, as {@link LiveSignalEngine.warm} takes it.
 *
 * @example
 * ```ts
 * const stored: StoredSession = await readStoredSession({ root: 'data', date: '2025-03-04', newsLookbackMinutes: 60 });
 * engine.warm(stored);
 * ```
 */
export interface StoredSession {
  readonly stocks: StockBar[];
  readonly indices: IndexBar[];
  readonly options: OptionBar[];
  readonly news: NewsArticle[];
}

/**
 * Reads the raw Parquet of one session (underlying, volatility index, every option contract, and
 * news back to the look-back before the open) for a warm start: after `engine.warm(...)` the
 * feature state is what it would be had the engine seen the session live from the open.
 *
 * @example
 * ```ts
 * const engine = new LiveSignalEngine({ model, features });
 * engine.warm(await readStoredSession({ root: 'data', date: nyDate(Date.now()), newsLookbackMinutes: 60 }));
 * ```
 */
export async function readStoredSession(o: {
  readonly root: string;
  readonly date: string;
  readonly newsLookbackMinutes: number;
  readonly underlying?: string;
  readonly volatilityIndex?: string;
  readonly calendar?: Pick<MarketCalendar, 'session'>;
}): Promise<StoredSession> {
  const session = (o.calendar ?? nyseCalendar).session(o.date);
  if (session === null) return { stocks: [], indices: [], options: [], news: [] };
  const open = (spec: (typeof rawDatasetSpecs)[keyof typeof rawDatasetSpecs]) => new ParquetDataset<never>({ root: o.root, spec });
  const day = { from: o.date, to: o.date };
  const newsFrom = new Date(session.open - o.newsLookbackMinutes * 60_000 - 86_400_000).toISOString().slice(0, 10);
  const [stocks, indices, options, news] = await Promise.all([
    open(rawDatasetSpecs.stocks).readAll({ ...day, tickers: [o.underlying ?? 'SPY'] }) as Promise<StockBar[]>,
    open(rawDatasetSpecs.indices).readAll({ ...day, tickers: [o.volatilityIndex ?? 'I:VIX'] }) as Promise<IndexBar[]>,
    open(rawDatasetSpecs.options).readAll(day) as Promise<OptionBar[]>,
    open(rawDatasetSpecs.news).readAll({ from: newsFrom, to: o.date, tickers: [o.underlying ?? 'SPY'] }) as Promise<NewsArticle[]>,
  ]);
  return { stocks, indices, options, news };
}
