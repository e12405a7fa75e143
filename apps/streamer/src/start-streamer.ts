import { createMetricsServer, type HealthSnapshot } from '@spyglass/monitoring';
import { systemClock, type IndexBar, type NewsArticle, type OptionBar, type StockBar } from '@spyglass/core';
import { rawDatasetSpecs } from '@spyglass/storage';
import {
  LiveSignalEngine,
  ParquetWriterThread,
  createSignalEventServer,
  createStreamSupervisor,
  readStoredSession,
  streamedSessionDate,
  writerThreadSinks,
  type LiveSignalEngineOptions,
  type ParquetWriterThreadOptions,
  type ScoredBurst,
  type SignalEventServer,
  type SignalModel,
  type StreamerSummary,
  type StreamOutcome,
  type StreamSupervisorOptions,
} from '@spyglass/pipeline';

/**
 * Options of {@link startStreamer}: the supervisor's, plus the port of the HTTP endpoints.
 *
 * @example
 * ```ts
 * const opts: StreamerOptions = { config, logger, port: 9464, ignoreMarketHours: false };
 * ```
 */
export interface StreamerOptions extends StreamSupervisorOptions {
  /** Port of `/metrics` and `/health` on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /**
   * Live signals: every streamed bar also goes to a live signal engine scoring with `model`, and
   * its signals are served as Server-Sent Events at `/signals` on 127.0.0.1:`port` (0 = free).
   */
  readonly signals?: {
    readonly model: SignalModel;
    readonly features: LiveSignalEngineOptions['features'];
    readonly port: number;
    /**
     * Rebuild the feature state from what the data root holds for the session first (default
     * true), so a restart mid-session scores its first live bar as the batch features would.
     */
    readonly warmStart?: boolean;
    /** Every scored burst (all probabilities and feature rows), for metrics and tests. */
    readonly onBurst?: (burst: ScoredBurst) => void;
    /** See {@link LiveSignalEngineOptions.barrierWaitMs} (default 3 s). */
    readonly barrierWaitMs?: number;
    /**
     * The Parquet writer thread's journal (default: merged into the partitions every 30 s, so the
     * stored session is readable that much later than the signals); `false` rewrites the partitions
     * on every flush.
     */
    readonly journal?: ParquetWriterThreadOptions['journal'];
  };
}

/**
 * A running daemon.
 *
 * @example
 * ```ts
 * const streamer = await startStreamer({ config, logger, port: 9464, ignoreMarketHours: false });
 * process.once('SIGTERM', () => void streamer.stop());
 * const summary = await streamer.done;
 * ```
 */
export interface Streamer {
  /** Base URL of `/metrics` and `/health`, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** URL of the `/signals` event stream when live signals are on. */
  readonly signalsUrl?: string;
  /** Resolves once every stream has ended (stopped, failed, or its feed closed). Never rejects. */
  readonly done: Promise<StreamerSummary>;
  /** Aborts every stream (each flushes what it buffered), waits for them, closes the server. Idempotent. */
  stop(): Promise<StreamerSummary>;
  /** The health snapshot `/health` serves. */
  health(): Promise<HealthSnapshot>;
  /** Each stream's outcome so far. */
  outcomes(): StreamOutcome[];
}

/**
 * The daemon as wiring: pipeline's stream supervisor, with its metrics and health served on
 * 127.0.0.1 (`/metrics` Prometheus, `/health` JSON, 503 when critical) before the streams start.
 *
 * @example
 * ```ts
 * const config = loadConfig({ dir: 'config', env: process.env });
 * const logger = createLogger({ secrets: configSecrets(config) });
 * const streamer = await startStreamer({ config, logger, port: 9464, ignoreMarketHours: false });
 * process.once('SIGTERM', () => void streamer.stop());
 * const summary = await streamer.done;
 * ```
 */
export async function startStreamer(options: StreamerOptions): Promise<Streamer> {
  let engine: LiveSignalEngine | undefined;
  let sse: SignalEventServer | undefined;
  // With live signals on, Parquet is written by its own thread (journaled), off the scoring loop.
  const writer = options.signals && !options.barLog ? new ParquetWriterThread({ root: options.config.settings.dataRoot, parquet: options.config.sinks.parquet, ...(options.signals.journal !== undefined ? { journal: options.signals.journal } : {}) }) : undefined;
  let supervisor: ReturnType<typeof createStreamSupervisor>;
  let server: Awaited<ReturnType<typeof createMetricsServer>>;
  try {
    if (options.signals) {
      const { model, features, warmStart = true, onBurst, barrierWaitMs } = options.signals;
      const live = new LiveSignalEngine({ model, features, ...(barrierWaitMs !== undefined ? { barrierWaitMs } : {}) });
      if (onBurst) live.onBurst(onBurst);
      // Rows a killed writer left in its journal are merged before the session is read back.
      if (writer) for (const spec of Object.values(rawDatasetSpecs)) await writer.recover(spec);
      if (warmStart) {
        const date = options.optionsDate ?? streamedSessionDate((options.clock ?? systemClock).now());
        const stored = await readStoredSession({ root: options.config.settings.dataRoot, date, newsLookbackMinutes: features.newsLookbackMinutes });
        live.warm(stored);
        options.logger.info({ date, stocks: stored.stocks.length, options: stored.options.length, news: stored.news.length }, `streamer: live signals warmed from what is stored for ${date}`);
      }
      const events = await createSignalEventServer({ port: options.signals.port });
      live.onSignal((s) => events.publish(s));
      [engine, sse] = [live, events];
      options.logger.info({ url: `${events.url}/signals` }, `streamer: live signals at ${events.url}/signals`);
    }
    const onRecord = engine && ((kind: 'stocks' | 'options' | 'indices' | 'news', record: unknown) => feed(engine!, kind, record));
    supervisor = createStreamSupervisor({ ...options, ...(onRecord ? { onRecord } : {}), ...(writer ? { sinks: writerThreadSinks(writer) } : {}) });
    server = await createMetricsServer({ port: options.port, host: '127.0.0.1', registry: supervisor.metrics.registry, health: () => supervisor.health() });
    options.logger.info({ url: server.url }, `streamer: /metrics and /health on ${server.url}`);
  } catch (e) {
    // Nothing started: end the writer thread (it would keep the process alive) and the SSE server.
    await sse?.close();
    await writer?.close().catch(() => undefined);
    throw e;
  }
  const done = supervisor.start();
  let stopping: Promise<StreamerSummary> | undefined;
  return {
    url: server.url,
    ...(sse ? { signalsUrl: `${sse.url}/signals` } : {}),
    done,
    health: () => supervisor.health(),
    outcomes: () => supervisor.outcomes(),
    stop: () =>
      (stopping ??= (async () => {
        const summary = await supervisor.stop();
        engine?.flush();
        engine?.close();
        // Every stream has drained into the thread: merge its journal and end it.
        await writer?.close();
        await sse?.close();
        await server.close();
        return summary;
      })()),
  };
}

function feed(engine: LiveSignalEngine, kind: 'stocks' | 'options' | 'indices' | 'news', record: unknown): void {
  if (kind === 'stocks') engine.addStockBar(record as StockBar);
  else if (kind === 'options') engine.addOptionBar(record as OptionBar);
  else if (kind === 'indices') engine.addIndexBar(record as IndexBar);
  else engine.addNews(record as NewsArticle);
}
