import {
  Dataset,
  calendarDays,
  createRateLimiter,
  everyDayCalendar,
  nyDate,
  nyseCalendar,
  sessionHasOpened,
  systemClock,
  type Clock,
  type IndexBar,
  type Logger,
  type NewsArticle,
  type OptionBar,
  type OptionContract,
  type RetryPolicy,
  type StockBar,
  dataRootLayout,
  nyDayBounds,
} from '@spyglass/core';
import { Deduplicator, Quarantine, recordKeyFor, validatorFor, type KeyOf } from '@spyglass/processing';
import { ContractSelector, EquityClient, IndexClient, MassiveRest, NewsClient, OptionsClient, type InputFunction, type SelectionParams } from '@spyglass/sources';
import { CheckpointStore, ParquetDataset, rawDatasetSpecs, type DatasetSpec, type ParquetCompression } from '@spyglass/storage';
import type { CheckpointPort, RecordSink } from './ingest-ports.js';
import { HistoricalRunner, type BackfillRequest, type BackfillSummary, type DayProgress } from './historical-runner.js';
import { backfillJob } from './backfill-checkpoints.js';
import { addCounts, emptyCounts, type IngestCounts } from './ingest-counts.js';
import { OptionsDayPipeline, type OptionsDaySummary } from './options-day-pipeline.js';

/**
 * Everything ingestion needs, decoded from config and environment by the app.
 *
 * @example
 * ```ts
 * const settings: IngestionSettings = ingestionSettings(config, { logger });
 * const ingestion = new Ingestion({ ...settings, requestsPerMinute: null });
 * ```
 */
export interface IngestionSettings {
  readonly dataRoot: string;
  readonly apiKey: string;
  readonly restBaseUrl?: string;
  /** Requests per minute across every caller of this process; null = unlimited. */
  readonly requestsPerMinute: number | null;
  readonly retryPolicy?: RetryPolicy;
  readonly timeoutMs?: number;
  /** Capacity of the in-flight de-duplication LRU. */
  readonly dedupCapacity: number;
  /** How raw Parquet is written (sinks.yaml `parquet`); default snappy, 1,048,576 rows per group. */
  readonly parquet?: { readonly compression?: ParquetCompression; readonly rowGroupSize?: number };
  /** Rows per aggregates page (sources.yaml `massive.rest.pageLimit`); default the API's maximum. */
  readonly pageLimit?: number;
  /** Accept pre- and post-market bars (04:00–20:00 ET) instead of regular hours only. */
  readonly extendedHours: boolean;
  readonly options: {
    readonly mode: 'test' | 'prod';
    readonly params: Partial<SelectionParams>;
    /** ±this fraction of the opening when the listed chain is too thin (0.01 = ±1 %). */
    readonly discoveryRange?: number;
    /** Contract downloads in flight at once. */
    readonly concurrency: number;
  };
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Request permits shared with other processes (ParallelRunner workers); default a local limiter. */
  readonly rateLimiter?: { acquire(signal?: AbortSignal): Promise<unknown> };
  /** Asks TEST-mode questions that config left open; never set in tests. */
  readonly input?: InputFunction;
  /**
   * Where checkpoints and raw records go instead of `<dataRoot>/checkpoints` and the local Parquet
   * datasets (the cluster's Redis checkpoints and object-store datasets); the embedded default when omitted.
   */
  readonly backends?: IngestionBackends;
}

/**
 * Replaceable storage of an {@link Ingestion}: both default to the data root on local disk.
 *
 * @example
 * ```ts
 * const backends: IngestionBackends = { checkpoints: new RedisCheckpointStore(redis),
 *   sinkFor: (spec) => new ObjectStoreDataset({ store, spec, cacheDir: '/var/cache/spyglass', lock }) };
 * ```
 */
export interface IngestionBackends {
  readonly checkpoints?: CheckpointPort;
  /** The sink of one raw dataset (`rawDatasetSpecs.stocks`, …). */
  readonly sinkFor?: <R extends object>(spec: DatasetSpec) => RecordSink<R>;
}

/**
 * One day of the interleaved backfill.
 *
 * @example
 * ```ts
 * const { days } = await ingestion.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: '2025-03-03', to: '2025-03-07', resume: true });
 * for (const d of days as BackfillAllDay[]) console.log(d.date, d.stocks.stored, d.options?.stored ?? 0);
 * ```
 */
export interface BackfillAllDay {
  readonly date: string;
  readonly stocks: IngestCounts;
  readonly indices: IngestCounts;
  readonly news: IngestCounts;
  readonly options?: OptionsDaySummary;
}

/**
 * What {@link Ingestion.backfillAll} did.
 *
 * @example
 * ```ts
 * const s: BackfillAllSummary = await ingestion.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: '2025-03-03', to: '2025-03-07', resume: true });
 * console.log(s.byDataset.options.stored, s.quarantined, s.seconds);
 * ```
 */
export interface BackfillAllSummary extends IngestCounts {
  readonly from: string;
  readonly to: string;
  readonly days: BackfillAllDay[];
  readonly byDataset: Readonly<Record<'stocks' | 'indices' | 'news' | 'options', IngestCounts>>;
  /** Option contracts over all days: selected (listed), downloaded with and without bars, resumed, not listed. */
  readonly contracts: { selected: number; withBars: number; withoutBars: number; resumed: number; unlisted: number };
  readonly seconds: number;
}

/**
 * The ingestion composition root: one REST transport with one rate limiter shared by every client,
 * the raw Parquet datasets, quarantine and checkpoints, and a runner per dataset. Apps build one from
 * config; tests build one against the exchange simulator.
 *
 * @example
 * ```ts
 * const ingestion = new Ingestion({ dataRoot: './data', apiKey, restBaseUrl: sim.url, requestsPerMinute: null,
 *   dedupCapacity: 100_000, extendedHours: false, options: { mode: 'test', params: { underlying: 'SPY', increment: 1,
 *   nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 } });
 * await ingestion.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: '2025-03-03', to: '2025-03-07', resume: true });
 * ```
 */
export class Ingestion {
  readonly rest: MassiveRest;
  readonly equities: EquityClient;
  readonly indices: IndexClient;
  readonly news: NewsClient;
  readonly options: OptionsClient;
  readonly quarantine: Quarantine;
  readonly checkpoints: CheckpointPort;
  readonly datasets: {
    readonly stocks: RecordSink<StockBar>;
    readonly options: RecordSink<OptionBar>;
    readonly indices: RecordSink<IndexBar>;
    readonly news: RecordSink<NewsArticle>;
    readonly contracts: RecordSink<OptionContract>;
  };
  private readonly clock: Clock;

  constructor(private readonly settings: IngestionSettings) {
    this.clock = settings.clock ?? systemClock;
    this.rest = new MassiveRest({
      apiKey: settings.apiKey,
      restBaseUrl: settings.restBaseUrl,
      clock: this.clock,
      random: settings.random,
      retryPolicy: settings.retryPolicy,
      rateLimiter: settings.rateLimiter ?? createRateLimiter(settings.requestsPerMinute, this.clock),
      timeoutMs: settings.timeoutMs,
      logger: settings.logger,
    });
    const page = settings.pageLimit === undefined ? {} : { limit: settings.pageLimit };
    this.equities = new EquityClient(this.rest, page);
    this.indices = new IndexClient(this.rest, page);
    this.news = new NewsClient(this.rest);
    this.options = new OptionsClient(this.rest, page);
    const root = settings.dataRoot;
    const parquet = settings.parquet ?? {};
    this.quarantine = new Quarantine({ root, clock: this.clock });
    const backends = settings.backends ?? {};
    this.checkpoints = backends.checkpoints ?? new CheckpointStore({ dir: dataRootLayout(root).checkpoints, clock: this.clock });
    const sink = <R extends object>(spec: DatasetSpec): RecordSink<R> => backends.sinkFor?.<R>(spec) ?? new ParquetDataset<R>({ root, spec, ...parquet });
    this.datasets = {
      stocks: sink<StockBar>(rawDatasetSpecs.stocks),
      options: sink<OptionBar>(rawDatasetSpecs.options),
      indices: sink<IndexBar>(rawDatasetSpecs.indices),
      news: sink<NewsArticle>(rawDatasetSpecs.news),
      contracts: sink<OptionContract>(rawDatasetSpecs.contracts),
    };
  }

  /** A child logger per component, so every line says which runner wrote it. */
  private component(name: string): Logger | undefined {
    return this.settings.logger?.child({ component: name });
  }

  /**
   * `inFlightDedup: false` for the day runners: a backfill day is one response stored by one merge
   * on write, which already keeps one row per key and counts the rest as duplicates (the same totals),
   * so an LRU of every key only cost CPU (a tenth of a backfill's, profiled) and remembered keys of
   * days whose write then failed.
   */
  private stages<R>(dataset: Dataset, sink: RecordSink<R>, inFlightDedup = true) {
    const session = this.settings.extendedHours ? { extendedHours: true } : {};
    return {
      dataset,
      validator: validatorFor(dataset, dataset === Dataset.NEWS || dataset === Dataset.CONTRACTS ? {} : { session }),
      quarantine: this.quarantine,
      sink,
      ...(inFlightDedup ? { dedup: new Deduplicator<R>(recordKeyFor(dataset) as KeyOf<R>, { capacity: this.settings.dedupCapacity }) } : {}),
    };
  }

  /** A day-by-day runner of SPY-like stock minute bars. */
  stockRunner(onDay?: (p: DayProgress) => void): HistoricalRunner<StockBar> {
    return new HistoricalRunner<StockBar>({
      job: backfillJob('stocks'),
      fetchDay: (t, d, s) => this.equities.minuteBars(t, d, d, s),
      // Several days per request; each day is still written and checkpointed on its own.
      fetchRange: (t, from, to, s) => this.equities.minuteBars(t, from, to, s),
      dayOf: nyDateByHour(),
      checkpoints: this.checkpoints,
      calendar: nyseCalendar,
      logger: this.component('backfill:stocks'),
      clock: this.clock,
      onDay,
      ...this.stages<StockBar>(Dataset.STOCK_BARS, this.datasets.stocks, false),
    });
  }

  /** A day-by-day runner of index minute bars (`I:VIX`). */
  indexRunner(onDay?: (p: DayProgress) => void): HistoricalRunner<IndexBar> {
    return new HistoricalRunner<IndexBar>({
      job: backfillJob('indices'),
      fetchDay: (t, d, s) => this.indices.minuteBars(t, d, d, s),
      fetchRange: (t, from, to, s) => this.indices.minuteBars(t, from, to, s),
      dayOf: nyDateByHour(),
      checkpoints: this.checkpoints,
      calendar: nyseCalendar,
      logger: this.component('backfill:indices'),
      clock: this.clock,
      onDay,
      ...this.stages<IndexBar>(Dataset.INDEX_BARS, this.datasets.indices, false),
    });
  }

  /** A day-by-day runner of news articles (de-duplicated by article id per ticker). */
  newsRunner(onDay?: (p: DayProgress) => void): HistoricalRunner<NewsArticle> {
    return new HistoricalRunner<NewsArticle>({
      job: backfillJob('news'),
      // One whole New York day per request, every calendar day: news is published on weekends,
      // holidays and after Friday's close too, and the consolidation's lookback reads it on Monday
      // morning. New York, not UTC, days: the dataset is partitioned by New York date, so a UTC day
      // would put its evening articles into the previous day's partition after that day's checkpoint
      // had sealed it (`verify` then reports the partition changed).
      fetchDay: (t, d, s) => this.news.articles({ ticker: t, ...nyDayBounds(d) }, s),
      checkpoints: this.checkpoints,
      calendar: everyDayCalendar,
      logger: this.component('backfill:news'),
      clock: this.clock,
      onDay,
      ...this.stages<NewsArticle>(Dataset.NEWS, this.datasets.news),
    });
  }

  private selector(): ContractSelector {
    const o = this.settings.options;
    return new ContractSelector({
      mode: o.mode,
      params: o.params,
      input: this.settings.input,
      lister: this.options,
      discoveryRange: o.discoveryRange,
      calendar: nyseCalendar,
    });
  }

  /** The OCC tickers the configured selection takes on `date` (from that day's opening price). */
  async selectContracts(date: string, signal?: AbortSignal): Promise<string[]> {
    const underlying = this.settings.options.params.underlying ?? 'SPY';
    const opening = await this.options.openingPrice(underlying, date, signal);
    const selection = await this.selector().select(date, opening.price, signal);
    return [...selection.calls, ...selection.puts].map((c) => c.ticker);
  }

  /** The options day pipeline with the configured contract selection. */
  optionsPipeline(): OptionsDayPipeline {
    const o = this.settings.options;
    const selector = this.selector();
    return new OptionsDayPipeline({
      job: backfillJob('options'),
      underlying: o.params.underlying ?? 'SPY',
      openingPrice: (u, d, s) => this.options.openingPrice(u, d, s),
      select: (d, open, s) => selector.select(d, open, s),
      fetchBars: (t, d, s) => this.options.minuteBars(t, d, d, s),
      contracts: this.datasets.contracts,
      checkpoints: this.checkpoints,
      concurrency: o.concurrency,
      logger: this.component('backfill:options'),
      clock: this.clock,
      ...this.stages<OptionBar>(Dataset.OPTION_BARS, this.datasets.options),
    });
  }

  /**
   * SPY, VIX, news and options for every trading day in the range. Within a day the four run
   * concurrently: options need only the day's opening price, so their requests fill the rate
   * limiter's wait windows while the SPY day downloads (the original's step 28 insight).
   */
  async backfillAll(req: {
    stockTicker: string;
    indexTicker: string;
    newsTickers: readonly string[];
    from: string;
    to: string;
    resume?: boolean;
    retryEmpty?: boolean;
    withOptions?: boolean;
    signal?: AbortSignal;
    onDay?: (day: BackfillAllDay, index: number, total: number) => void;
  }): Promise<BackfillAllSummary> {
    const started = this.clock.now();
    const stocks = this.stockRunner();
    const indices = this.indexRunner();
    const news = this.newsRunner();
    const options = req.withOptions === false ? undefined : this.optionsPipeline();
    const dates = nyseCalendar.tradingDays(req.from, req.to);
    const newsDays = newsDaysByTradingDay(req.from, req.to, dates);
    const byDataset = { stocks: emptyCounts(), indices: emptyCounts(), news: emptyCounts(), options: emptyCounts() };
    const days: BackfillAllDay[] = [];
    const contracts = { selected: 0, withBars: 0, withoutBars: 0, resumed: 0, unlisted: 0 };
    const once = async (runner: HistoricalRunner<unknown>, ticker: string, date: string): Promise<IngestCounts> =>
      req.resume && !(await runner.resumeVerdict(ticker, date, req)).run ? emptyCounts() : runner.runDay(ticker, date, req.signal);
    for (const [i, date] of dates.entries()) {
      const [s, x, n, o] = await Promise.all([
        once(stocks as HistoricalRunner<unknown>, req.stockTicker, date),
        once(indices as HistoricalRunner<unknown>, req.indexTicker, date),
        Promise.all(req.newsTickers.flatMap((t) => newsDays.get(date)!.map((d) => once(news as HistoricalRunner<unknown>, t, d)))).then((all) => all.reduce(addCounts, emptyCounts())),
        // A session that has not opened has no opening price to select contracts from: nothing to fetch yet.
        sessionHasOpened(date, this.clock.now()) ? options?.run(date, req.resume ?? false, req.signal, req.retryEmpty) : undefined,
      ]);
      addCounts(byDataset.stocks, s);
      addCounts(byDataset.indices, x);
      addCounts(byDataset.news, n);
      if (o) {
        addCounts(byDataset.options, o);
        contracts.selected += o.contracts.length;
        contracts.withBars += o.contractsWithBars;
        contracts.withoutBars += o.contractsWithoutBars.length;
        contracts.resumed += o.contractsSkipped;
        contracts.unlisted += o.unlisted.length;
      }
      const day: BackfillAllDay = { date, stocks: s, indices: x, news: n, ...(o ? { options: o } : {}) };
      days.push(day);
      req.onDay?.(day, i, dates.length);
    }
    // A range of weekend or holiday days only: no trading day to carry its news.
    if (dates.length === 0) {
      for (const t of req.newsTickers) for (const d of calendarDays(req.from, req.to)) addCounts(byDataset.news, await once(news as HistoricalRunner<unknown>, t, d));
    }
    const totals = Object.values(byDataset).reduce((a, b) => addCounts(a, b), emptyCounts());
    return { from: req.from, to: req.to, days, byDataset, contracts, ...totals, seconds: (this.clock.now() - started) / 1000 };
  }

  /** A single-ticker backfill of one dataset through its runner (the `backfill*` commands). */
  backfill(dataset: 'stocks' | 'indices' | 'news', req: BackfillRequest, onDay?: (p: DayProgress) => void): Promise<BackfillSummary> {
    const runner = dataset === 'stocks' ? this.stockRunner(onDay) : dataset === 'indices' ? this.indexRunner(onDay) : this.newsRunner(onDay);
    return (runner as HistoricalRunner<unknown>).run(req);
  }
}

/**
 * The calendar days whose news each trading day fetches: the day itself and the non-trading days
 * before it (back to the range start); the last trading day also takes the days after it to the
 * range end. Every calendar day of the range is fetched exactly once.
 */
function newsDaysByTradingDay(from: string, to: string, tradingDays: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(tradingDays.map((d) => [d, []]));
  let t = 0;
  for (const d of calendarDays(from, to)) {
    while (t < tradingDays.length - 1 && tradingDays[t]! < d) t++;
    const owner = tradingDays[t];
    if (owner !== undefined) out.get(owner)!.push(d);
  }
  return out;
}

/**
 * `nyDate` of a bar's timestamp, computed once per UTC hour: New York's offset changes only on whole
 * UTC hours, and a range's bars come in time order, so splitting a response by day costs one
 * conversion per hour instead of one per bar.
 */
function nyDateByHour(): (bar: { readonly timestamp: number }) => string {
  let hour = Number.NaN;
  let date = '';
  return (bar) => {
    const h = Math.floor(bar.timestamp / 3_600_000);
    if (h !== hour) {
      hour = h;
      date = nyDate(bar.timestamp);
    }
    return date;
  };
}
