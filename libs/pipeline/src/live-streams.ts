import { Dataset, nyseCalendar, nyDate, type Clock, type IndexBar, type Logger, type NewsArticle, type OptionBar, type RetryPolicy, type StockBar } from '@spyglass/core';
import { Deduplicator, recordKeyFor, validatorFor, type KeyOf } from '@spyglass/processing';
import { createIndexStream, createOptionStream, createStockStream } from '@spyglass/sources';
import type { Ingestion } from './ingestion.js';
import { rawDatasetSpecs } from '@spyglass/storage';
import type { RecordSink, SourceBatch } from './ingest-ports.js';
import type { ParquetWriterThread } from './parquet-writer-thread.js';
import { StreamingRunner, type LivenessPort, type StreamingEvent, type StreamingSource } from './streaming-runner.js';

/**
 * Settings of the live streams, decoded from `sources.yaml` by the app.
 *
 * @example
 * ```ts
 * const settings: LiveStreamSettings = liveStreamSettings(config, { enforceMarketHours: true, logger });
 * const streams = new LiveStreams(ingestion, settings);
 * ```
 */
export interface LiveStreamSettings {
  readonly apiKey: string;
  readonly wsBaseUrl: string;
  /** TCP connect plus WebSocket upgrade deadline of each connection attempt (`massive.ws.connectTimeoutMs`). */
  readonly connectTimeoutMs?: number;
  readonly flushSize: number;
  readonly flushIntervalMs: number;
  readonly reconnect: RetryPolicy;
  /** Silence on a live connection that forces a reconnect; null disables. */
  readonly stallTimeoutMs: number | null;
  /** Wait for the open and stop at the close (off for the simulator's accelerated sessions). */
  readonly enforceMarketHours: boolean;
  readonly queueCapacity?: number;
  /** Runner and socket warnings (drops, reconnects, stalls) go here. */
  readonly logger?: Logger;
  /** Time for market hours, flush timers and reconnect backoff (tests pass a ManualClock). */
  readonly clock?: Clock;
}

/**
 * A stream ready to run: `runner.run(source, signal)`.
 *
 * @example
 * ```ts
 * const spy: LiveStream<StockBar> = streams.bars('stocks', ['SPY']);
 * const summary = await spy.runner.run(spy.source, signal);
 * ```
 */
export interface LiveStream<R extends { timestamp: number; ingestedAt: number }> {
  readonly name: string;
  readonly runner: StreamingRunner<R>;
  readonly source: StreamingSource<R>;
}

type BarKind = 'stocks' | 'options' | 'indices';

/** Records per sink write of a live stream's flush (≈ 1 ms of validation and hand-over each). */
const LIVE_WRITE_SLICE = 256;

/**
 * Sinks that replace the ingestion's datasets for some kinds of stream.
 *
 * @example
 * ```ts
 * const sinks: LiveStreamSinks = writerThreadSinks(new ParquetWriterThread({ root: 'data' }));
 * ```
 */
export interface LiveStreamSinks {
  readonly stocks?: RecordSink<StockBar>;
  readonly options?: RecordSink<OptionBar>;
  readonly indices?: RecordSink<IndexBar>;
  readonly news?: RecordSink<NewsArticle>;
}

/**
 * The four live datasets written through `writer` (raw stocks, options, indices and news).
 *
 * @example
 * ```ts
 * const streams = new LiveStreams(ingestion, settings).withSinks(writerThreadSinks(writer));
 * ```
 */
export function writerThreadSinks(writer: ParquetWriterThread): Required<LiveStreamSinks> {
  return {
    stocks: writer.sink<StockBar>(rawDatasetSpecs.stocks),
    options: writer.sink<OptionBar>(rawDatasetSpecs.options),
    indices: writer.sink<IndexBar>(rawDatasetSpecs.indices),
    news: writer.sink<NewsArticle>(rawDatasetSpecs.news),
  };
}

/**
 * Builds the real-time streams of the original's steps 11, 13, 14 and 15 over one {@link Ingestion}
 * (same datasets, quarantine and REST transport): a WebSocket stream per cluster whose reconnect
 * gaps are back-filled through REST, and news by polling.
 *
 * @example
 * ```ts
 * const streams = new LiveStreams(ingestion, { apiKey, wsBaseUrl, flushSize: 500, flushIntervalMs: 5000,
 *   reconnect: defaultRetryPolicy, stallTimeoutMs: 120_000, enforceMarketHours: true });
 * const spy = streams.bars('stocks', ['SPY']);
 * await spy.runner.run(spy.source, signal);
 * ```
 */
export class LiveStreams {
  constructor(
    private readonly ingestion: Ingestion,
    private readonly s: LiveStreamSettings,
    private readonly hooks: {
      heartbeat?: (name: string) => LivenessPort;
      onFlushed?: (name: string, bars: readonly unknown[], latenciesMs: readonly number[]) => void | Promise<void>;
      /** Where each kind is stored instead of the ingestion's dataset (e.g. a {@link ParquetWriterThread}'s sinks). */
      sinks?: LiveStreamSinks;
    } = {},
  ) {}

  /**
   * The same streams storing through other sinks, e.g. a {@link ParquetWriterThread} so the
   * Parquet writes leave the event loop that scores live signals.
   *
   * @example
   * ```ts
   * const writer = new ParquetWriterThread({ root: 'data' });
   * const threaded = streams.withSinks(writerThreadSinks(writer));
   * ```
   */
  withSinks(sinks: LiveStreamSinks): LiveStreams {
    return new LiveStreams(this.ingestion, this.s, { ...this.hooks, sinks: { ...this.hooks.sinks, ...sinks } });
  }

  /**
   * Minute bars of `tickers` on one WebSocket cluster. `stored`: bars the data root already holds
   * (a restart's warm start read them): the runner counts them as duplicates when the feed sends
   * them again, instead of rewriting the day's partition with bars it has.
   */
  bars(kind: 'stocks', tickers: readonly string[], stored?: readonly StockBar[]): LiveStream<StockBar>;
  bars(kind: 'options', tickers: readonly string[], stored?: readonly OptionBar[]): LiveStream<OptionBar>;
  bars(kind: 'indices', tickers: readonly string[], stored?: readonly IndexBar[]): LiveStream<IndexBar>;
  bars(kind: BarKind, tickers: readonly string[], stored: ReadonlyArray<StockBar | OptionBar | IndexBar> = []): LiveStream<StockBar> | LiveStream<OptionBar> | LiveStream<IndexBar> {
    const name = `stream:${kind}`;
    const options = {
      apiKey: this.s.apiKey,
      wsBaseUrl: this.s.wsBaseUrl,
      ...(this.s.connectTimeoutMs ? { connectTimeoutMs: this.s.connectTimeoutMs } : {}),
      subscriptions: tickers.map((t) => `AM.${t}`),
      reconnect: this.s.reconnect,
      stallTimeoutMs: this.s.stallTimeoutMs,
      ...(this.s.queueCapacity ? { queueCapacity: this.s.queueCapacity } : {}),
      ...(this.s.logger ? { logger: this.s.logger } : {}),
      ...(this.s.clock ? { clock: this.s.clock } : {}),
    };
    const source = (kind === 'stocks' ? createStockStream(options) : kind === 'options' ? createOptionStream(options) : createIndexStream(options)) as unknown as StreamingSource<
      StockBar | OptionBar | IndexBar
    >;
    const runner = this.runner<StockBar | OptionBar | IndexBar>(name, kind, (from, to) => this.backfillGap(kind, tickers, from, to), stored);
    return { name, runner, source } as unknown as LiveStream<StockBar>;
  }

  /** News for `ticker` by polling every `intervalMs`, as a stream (de-duplicated by article id). */
  news(ticker: string, intervalMs: number, signal?: AbortSignal): LiveStream<NewsArticle & { ingestedAt: number }> {
    const name = `stream:news:${ticker}`;
    const poll = this.ingestion.news.poll({ ticker, intervalMs, signal });
    const source: StreamingSource<NewsArticle> = {
      async *[Symbol.asyncIterator](): AsyncIterator<StreamingEvent<NewsArticle>> {
        for await (const r of poll) yield r.ok ? { type: 'bar', bar: r.value } : { type: 'rejected', rejected: r };
      },
      close: async () => {
        await poll.return(undefined);
      },
    };
    return { name, runner: this.runner<NewsArticle>(name, 'news'), source };
  }

  private runner<R extends { timestamp: number; ingestedAt: number }>(
    name: string,
    kind: BarKind | 'news',
    backfill?: (from: number, to: number) => Promise<SourceBatch<R>>,
    stored: readonly R[] = [],
  ): StreamingRunner<R> {
    const dataset = kind === 'news' ? Dataset.NEWS : kind === 'stocks' ? Dataset.STOCK_BARS : kind === 'options' ? Dataset.OPTION_BARS : Dataset.INDEX_BARS;
    const sink = this.hooks.sinks?.[kind] ?? this.ingestion.datasets[kind];
    const dedup = new Deduplicator<R>(recordKeyFor(dataset) as KeyOf<R>, { capacity: 100_000 + stored.length });
    for (const r of stored) dedup.admit(r);
    return new StreamingRunner<R>({
      name,
      dataset,
      validator: validatorFor(dataset),
      quarantine: this.ingestion.quarantine,
      sink: sink as never,
      dedup,
      flushSize: this.s.flushSize,
      flushIntervalMs: this.s.flushIntervalMs,
      // The live engine scores on this event loop: a flush goes to a writer thread's sink in slices
      // (see StreamingRunner). The ingestion's own datasets take it whole (each write there rewrites partitions).
      ...(this.hooks.sinks?.[kind] ? { writeSlice: LIVE_WRITE_SLICE } : {}),
      ...(this.s.logger ? { logger: this.s.logger } : {}),
      ...(this.s.clock ? { clock: this.s.clock } : {}),
      ...(backfill ? { backfill } : {}),
      ...(this.s.enforceMarketHours && kind !== 'news' ? { marketHours: nyseCalendar } : {}),
      ...(this.hooks.heartbeat ? { heartbeat: this.hooks.heartbeat(name) } : {}),
      ...(this.hooks.onFlushed ? { onFlushed: (bars: readonly R[], lat: readonly number[]) => this.hooks.onFlushed!(name, bars, lat) } : {}),
    });
  }

  /**
   * REST bars between a drop and the reconnect, per ticker, bounded by the gap's session close
   * (so a replayed past session is not back-filled up to the wall clock).
   */
  private async backfillGap(kind: BarKind, tickers: readonly string[], from: number, to: number): Promise<SourceBatch<StockBar | OptionBar | IndexBar>> {
    const session = nyseCalendar.session(nyDate(from));
    const end = Math.min(to, (session?.close ?? to) - 60_000);
    if (end < from) return { records: [], rejected: [] };
    const i = this.ingestion;
    const batches = await Promise.all(
      tickers.map((t) => (kind === 'stocks' ? i.equities.minuteBars(t, from, end) : kind === 'options' ? i.options.minuteBars(t, from, end) : i.indices.minuteBars(t, from, end))),
    );
    return { records: batches.flatMap((b) => b.records as Array<StockBar | OptionBar | IndexBar>), rejected: batches.flatMap((b) => b.rejected) };
  }
}
