import { mkdirSync } from 'node:fs';
import {
  Dataset,
  createRateLimiter,
  nyDate,
  nyseCalendar,
  systemClock,
  toSpyglassError,
  withRetry,
  type Clock,
  type RetryPolicy,
  type Logger,
  type SpyglassConfig,
  type SpyglassError,
} from '@spyglass/core';
import { ErrorAggregator, HardwareMonitor, Heartbeat, PerformanceMonitor, buildHealthSnapshot, type HealthSnapshot, type RunnerHealth, type SpyglassMetrics } from '@spyglass/monitoring';
import type { DatasetSpec } from '@spyglass/storage';
import type { BarLogPort } from './bar-log-port.js';
import type { RecordSink } from './ingest-ports.js';
import { dataHealthInputs } from './data-health.js';
import type { IngestCounts } from './ingest-counts.js';
import { Ingestion } from './ingestion.js';
import { ingestionSettings } from './ingestion-settings.js';
import { liveStreamSettings } from './live-stream-settings.js';
import { LiveStreams, type LiveStream, type LiveStreamSinks } from './live-streams.js';
import type { StreamingEvent, StreamingRunner, StreamingSummary } from './streaming-runner.js';
import { observedSource } from './observed-source.js';
import { performanceThresholds } from './performance-settings.js';
import { StreamMetrics } from './stream-metrics.js';

/**
 * Options of {@link StreamSupervisor}: the validated configuration and what the command line adds.
 *
 * @example
 * ```ts
 * const opts: StreamSupervisorOptions = { config, logger, ignoreMarketHours: false };
 * ```
 */
export interface StreamSupervisorOptions {
  readonly config: SpyglassConfig;
  readonly logger: Logger;
  /** Do not wait for the open or stop at the close: for the simulator, whose sessions are replays. */
  readonly ignoreMarketHours: boolean;
  /**
   * Trade date whose option contracts are selected (from that day's opening price). Default: the
   * New York date of each session. Give the simulator's `sessionDate` when streaming a replay.
   */
  readonly optionsDate?: string;
  /** Delay after the open before the contracts are selected (the first minute bar must exist). Default 60 s. */
  readonly selectionDelayMs?: number;
  readonly clock?: Clock;
  /**
   * Streams append to this log and its writer writes Parquet (several machines, a streamer crash
   * loses no bar that reached the log). Default: the streams write Parquet themselves.
   */
  readonly barLog?: BarLogPort;
  /**
   * Where the streams store instead of the data root's datasets on this event loop, e.g. a
   * `ParquetWriterThread`'s sinks when live signals are scored here (ignored with a `barLog`).
   */
  readonly sinks?: LiveStreamSinks;
  /**
   * Every valid-looking record of every stream, as its runner reads it (before the flush that
   * stores it), e.g. for a `LiveSignalEngine`.
   */
  readonly onRecord?: (kind: 'stocks' | 'options' | 'indices' | 'news', record: unknown) => void;
}

/**
 * Where a stream stands: `starting` (selecting contracts, waiting for the open), `running`,
 * `stopped` (by stop()/a signal), `done` (its feed ended), `failed` (a typed error ended it).
 *
 * @example
 * ```ts
 * const failed = supervisor.outcomes().filter((o) => o.state === 'failed');
 * ```
 */
export type StreamState = 'starting' | 'running' | 'stopped' | 'done' | 'failed';

/**
 * What one stream did over the daemon's life (every session summed).
 *
 * @example
 * ```ts
 * const spy: StreamOutcome = summary.streams.find((s) => s.dataset === 'stocks')!;
 * console.log(spy.stored, spy.stoppedBy);
 * ```
 */
export interface StreamOutcome extends IngestCounts {
  readonly name: string;
  readonly dataset: Dataset;
  readonly tickers: readonly string[];
  readonly state: StreamState;
  /** How its last session ended; null when it failed or never started. */
  readonly stoppedBy: StreamingSummary['stoppedBy'] | null;
  /** Market sessions it streamed (more than one only when market hours are enforced). */
  readonly sessions: number;
  readonly flushes: number;
  readonly reconnects: number;
  readonly backfilled: number;
  /** The typed error that ended it (`AUTH_FAILED`, `RETRIES_EXHAUSTED`, `NOT_FOUND`…). */
  readonly error: { readonly code: string; readonly message: string } | null;
}

/**
 * The daemon's result: every stream's outcome.
 *
 * @example
 * ```ts
 * const summary: StreamerSummary = await supervisor.stop();
 * process.exitCode = summary.failed.length > 0 ? 1 : 0;
 * ```
 */
export interface StreamerSummary {
  readonly streams: StreamOutcome[];
  /** Names of the streams that failed. */
  readonly failed: string[];
  readonly seconds: number;
}

type BarKind = 'stocks' | 'options' | 'indices';

/**
 * One session of one stream with its record type erased: the supervisor handles stocks, options,
 * indices and news alike through it.
 */
interface StreamSession {
  readonly name: string;
  readonly runner: Pick<StreamingRunner<never>, 'counts'>;
  /** Runs the session, showing every event to `observe` first. */
  run(signal: AbortSignal, observe: (ev: StreamingEvent<unknown>) => void): Promise<StreamingSummary>;
}

function sessionOf<R extends { timestamp: number; ingestedAt: number }>(ls: LiveStream<R>): StreamSession {
  return { name: ls.name, runner: ls.runner, run: (signal, observe) => ls.runner.run(observedSource(ls.source, observe), signal) };
}

interface Job {
  name: string;
  readonly dataset: Dataset;
  readonly kind: BarKind | 'news';
  tickers: readonly string[];
  state: StreamState;
  detail: string | null;
  runner: StreamSession['runner'] | null;
  /** Totals of the sessions already finished. */
  readonly past: IngestCounts & { flushes: number; reconnects: number; backfilled: number };
  sessions: number;
  stoppedBy: StreamingSummary['stoppedBy'] | null;
  error: SpyglassError | null;
}

/** About six minutes of NOT_FOUND retries (30 s growing 1.5× to 2 min) for the opening price. */
const SELECTION_RETRY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 30_000, backoffBase: 1.5, maxDelayMs: 120_000, jitter: 0.1, retryOn: ['NOT_FOUND'] };

const DATASET_OF: Record<BarKind | 'news', Dataset> = { stocks: Dataset.STOCK_BARS, options: Dataset.OPTION_BARS, indices: Dataset.INDEX_BARS, news: Dataset.NEWS };

/**
 * A supervisor of the live streams: start them, watch them (health, metrics), stop them.
 *
 * @example
 * ```ts
 * const supervisor: StreamSupervisor = createStreamSupervisor({ config, logger, ignoreMarketHours: false });
 * const summary = await supervisor.start();
 * ```
 */
export interface StreamSupervisor {
  /** The Prometheus metrics of the streams (serve `metrics.registry` on `/metrics`). */
  readonly metrics: SpyglassMetrics;
  /** Starts every stream; resolves once all have ended (stopped, failed, or their feed closed). Never rejects. Idempotent. */
  start(): Promise<StreamerSummary>;
  /** Aborts every stream (each flushes what it buffered) and waits for them. Idempotent. */
  stop(): Promise<StreamerSummary>;
  /** The health snapshot of the streams, the data root and the machine (`/health`). */
  health(): Promise<HealthSnapshot>;
  /** Each stream's outcome so far. */
  outcomes(): StreamOutcome[];
}

/**
 * The trade date the streams follow at `now`: the session open now (or earlier today), else the next one.
 *
 * @example
 * ```ts
 * streamedSessionDate(Date.UTC(2025, 2, 8, 15)); // a Saturday → '2025-03-10'
 * ```
 */
export function streamedSessionDate(now: number): string {
  const today = nyDate(now);
  return nyseCalendar.isTradingDay(today) && now < nyseCalendar.session(today)!.close ? today : nyseCalendar.nextTradingDay(today);
}

/**
 * The real-time ingestion daemon's logic: the SPY, selected-option, VIX and news streams of the
 * configuration run concurrently over one {@link Ingestion} (one REST transport and rate limiter).
 * The app serves {@link StreamSupervisor.metrics} and {@link StreamSupervisor.health} over HTTP.
 *
 * A stream that fails with a typed error (AUTH_FAILED, MAX_CONNECTIONS, RETRIES_EXHAUSTED, a failed
 * contract selection…) is logged at error level and shown as `failed` in `/health` and in the
 * `spyglass_worker_state` gauge; the other streams go on. With market hours enforced each bar
 * stream waits for the open, stops at the close and starts again for the next session (the option
 * contracts are selected anew each day), so the daemon runs until stopped.
 *
 * @example
 * ```ts
 * const config = loadConfig({ dir: 'config', env: process.env });
 * const logger = createLogger({ secrets: configSecrets(config) });
 * const supervisor = createStreamSupervisor({ config, logger, ignoreMarketHours: false });
 * process.once('SIGTERM', () => void supervisor.stop());
 * const summary = await supervisor.start();
 * ```
 */
export function createStreamSupervisor(options: StreamSupervisorOptions): StreamSupervisor {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const enforce = !options.ignoreMarketHours;
  const dataRoot = config.settings.dataRoot;
  mkdirSync(dataRoot, { recursive: true });
  const hb = config.settings.monitoring.heartbeat;
  const ac = new AbortController();
  const errors = new ErrorAggregator({ session: 'streamer', clock, maxTypes: config.settings.monitoring.performance.maxErrorTypes });

  const perf = config.settings.monitoring.performance;
  // One sample per durable flush: how long its oldest bar waited, and how many bars it carried.
  // Bar streams are expected to deliver while the market is open (no_data otherwise).
  const performance = new PerformanceMonitor({
    session: 'streamer',
    clock,
    windowMs: perf.windowMs,
    thresholds: performanceThresholds(perf),
    ...(enforce ? { isActive: (t: number) => nyseCalendar.isOpen(t) } : {}),
  });
  performance.onAlert((a) => logger.warn({ alert: a }, `streamer: ${a.message}`));

  const settings = ingestionSettings(config, { logger, ...(options.clock ? { clock } : {}) });
  // The quarantine is read only when counters sync, after `ingestion` exists.
  const metrics = new StreamMetrics(() => ingestion.quarantine.counts());
  // Our own limiter, so the waits it imposes show up in spyglass_rate_limit_waits_total.
  const limiter = createRateLimiter(settings.requestsPerMinute, clock);
  const rateLimiter = {
    acquire: async (signal?: AbortSignal): Promise<number> => {
      const waited = await limiter.acquire(signal);
      if (waited > 0) metrics.metrics.recordRateLimitWait('massive', waited);
      return waited;
    },
  };
  const barLog = options.barLog;
  const ingestion = new Ingestion({ ...settings, rateLimiter, ...(barLog ? { backends: { sinkFor: <R extends object>(spec: DatasetSpec) => barLog.sinkFor<R>(spec) } } : {}) });
  // The log's writer: the embedded sinks (Parquet under the data root), until every stream ended.
  const writerAc = new AbortController();
  // A failed writer is logged when it fails (an unhandled rejection would end the daemon); the
  // streams go on appending to the log, which the next writer of the group drains.
  const writer = barLog
    ?.run(new Ingestion(settings).datasets as unknown as Record<string, RecordSink<object>>, writerAc.signal)
    .catch((e: unknown) => logger.error({ err: toSpyglassError(e) }, `streamer: bar log writer failed: ${toSpyglassError(e).message}`));

  const heartbeats = new Map<string, Heartbeat>();
  const streams = new LiveStreams(
    ingestion,
    liveStreamSettings(config, { enforceMarketHours: enforce }),
    {
      heartbeat: (name) => {
        const beat = new Heartbeat({
          component: name,
          intervalMs: hb.intervalMs,
          stallAfterMs: hb.stallAfterMs,
          clock,
          onBeat: (r) => logger.info({ heartbeat: r }, `${name}: alive`),
          onStall: (r) => {
            metrics.state(name, 'stalled');
            logger.error({ heartbeat: r }, `${name}: no progress for ${Math.round(hb.stallAfterMs / 60_000)} minutes`);
          },
        });
        heartbeats.set(name, beat);
        return beat;
      },
      ...(options.sinks && !barLog ? { sinks: options.sinks } : {}),
      onFlushed: (name, bars, latenciesMs) => {
        metrics.flushed(name, latenciesMs);
        const job = jobs.find((j) => j.name === name);
        if (job && bars.length > 0) performance.record(`durable:${job.dataset}`, { durationMs: latenciesMs.reduce((m, x) => (x > m ? x : m), 0), items: bars.length });
        const c = job?.runner?.counts();
        if (c) heartbeats.get(name)?.touch({ stored: job!.past.stored + c.stored });
        if (job?.state === 'running') metrics.state(name, 'running');
      },
    },
  );

  const tickers = config.sources.tickers;
  const job = (kind: BarKind | 'news', name: string, list: readonly string[]): Job => ({
    name,
    kind,
    dataset: DATASET_OF[kind],
    tickers: list,
    state: 'starting',
    detail: null,
    runner: null,
    past: { received: 0, stored: 0, duplicates: 0, quarantined: 0, flushes: 0, reconnects: 0, backfilled: 0 },
    sessions: 0,
    stoppedBy: null,
    error: null,
  });
  const jobs: Job[] = [
    ...(tickers.equities.length > 0 ? [job('stocks', 'stream:stocks', tickers.equities)] : []),
    ...(tickers.indices.length > 0 ? [job('indices', 'stream:indices', tickers.indices)] : []),
    job('options', 'stream:options', []),
    ...tickers.news.map((t) => job('news', `stream:news:${t}`, [t])),
  ];
  for (const j of jobs) {
    metrics.state(j.name, 'starting');
    if (j.kind !== 'news') performance.expect(`durable:${j.dataset}`);
  }

  /** One session of one stream; resolves with how it ended. */
  const runSession = async (j: Job, ls: StreamSession): Promise<StreamingSummary> => {
    j.name = ls.name;
    j.runner = ls.runner;
    j.state = 'running';
    j.detail = null;
    j.sessions++;
    metrics.track(ls.name, j.dataset, ls.runner);
    metrics.state(ls.name, 'running');
    // LiveStreams gives its runners and sockets no logger: the supervisor logs the transient events itself.
    const observe = (ev: StreamingEvent<unknown>): void => {
      if (ev.type === 'bar') options.onRecord?.(j.kind, ev.bar);
      else if (ev.type === 'error') {
        errors.record(ev.error, { context: { stream: ls.name } });
        logger.warn({ err: ev.error, stream: ls.name }, `${ls.name}: ${ev.error.code}: ${ev.error.message}; reconnecting`);
      } else if (ev.type === 'reconnected') {
        logger.warn({ stream: ls.name, attempt: ev.attempt, gapFrom: new Date(ev.gapFrom).toISOString(), gapTo: new Date(ev.gapTo).toISOString() }, `${ls.name}: reconnected, back-filling the gap over REST`);
      }
    };
    try {
      return await ls.run(ac.signal, observe);
    } finally {
      metrics.sync();
      const c = ls.runner.counts();
      j.past.received += c.received;
      j.past.stored += c.stored;
      j.past.duplicates += c.duplicates;
      j.past.quarantined += c.quarantined;
      j.past.flushes += c.flushes;
      j.past.reconnects += c.reconnects;
      j.runner = null;
    }
  };

  const sessionDate = (): string => streamedSessionDate(clock.now());

  const waitForSelection = async (): Promise<void> => {
    const now = clock.now();
    if (nyseCalendar.isOpen(now)) return;
    const at = nyseCalendar.nextOpen(now) + (options.selectionDelayMs ?? 60_000);
    logger.info({ until: new Date(at).toISOString() }, 'stream:options: waiting for the open to select contracts');
    await clock.sleep(at - now, ac.signal);
  };

  /** Session after session until stopped, the feed ends, or a typed error. */
  const runJob = async (j: Job): Promise<void> => {
    try {
      for (;;) {
        let ls: StreamSession;
        if (j.kind === 'news') ls = sessionOf(streams.news(j.tickers[0]!, config.sources.news.pollIntervalMs, ac.signal));
        else if (j.kind === 'options') {
          if (enforce) {
            j.detail = 'waiting for the open';
            await waitForSelection();
          }
          const date = options.optionsDate ?? sessionDate();
          j.detail = `selecting contracts for ${date}`;
          // Live, the session's opening price can lag the open by a minute or two: retry NOT_FOUND for
          // a few minutes (transient HTTP failures are already retried by the REST layer).
          j.tickers = enforce
            ? await withRetry(() => ingestion.selectContracts(date, ac.signal), { policy: SELECTION_RETRY, clock, logger, signal: ac.signal, label: `stream:options selection ${date}` })
            : await ingestion.selectContracts(date, ac.signal);
          logger.info({ date, tickers: j.tickers }, `stream:options: ${j.tickers.length} contracts selected for ${date}`);
          if (j.tickers.length === 0) {
            j.state = 'done';
            j.detail = `no contracts selected for ${date}`;
            return;
          }
          ls = sessionOf(streams.bars('options', j.tickers));
        } else ls = j.kind === 'stocks' ? sessionOf(streams.bars('stocks', j.tickers)) : sessionOf(streams.bars('indices', j.tickers));
        const summary = await runSession(j, ls);
        j.stoppedBy = summary.stoppedBy;
        j.past.backfilled += summary.backfilled;
        logger.info({ summary }, `${j.name}: session ended (${summary.stoppedBy}), ${summary.stored} stored`);
        // Only a market close starts another session; a signal or an ended feed ends the stream.
        if (summary.stoppedBy !== 'market-close' || ac.signal.aborted || !enforce) {
          j.state = summary.stoppedBy === 'signal' ? 'stopped' : 'done';
          return;
        }
        j.state = 'starting';
        j.detail = 'waiting for the next session';
      }
    } catch (e) {
      if (ac.signal.aborted && j.state === 'starting') {
        // Aborted while waiting for the open or selecting: a clean stop, not a failure.
        j.state = 'stopped';
        j.stoppedBy = 'signal';
        return;
      }
      const err = toSpyglassError(e);
      j.state = 'failed';
      j.error = err;
      errors.record(err, { context: { stream: j.name } });
      logger.error({ err, stream: j.name }, `${j.name} failed: ${err.code}: ${err.message}`);
    } finally {
      metrics.state(j.name, j.state === 'failed' ? 'failed' : j.state === 'stopped' ? 'stopped' : 'done');
      heartbeats.get(j.name)?.stop();
    }
  };

  const outcome = (j: Job): StreamOutcome => {
    const c = j.runner?.counts();
    return {
      name: j.name,
      dataset: j.dataset,
      tickers: [...j.tickers],
      state: j.state,
      stoppedBy: j.state === 'failed' ? null : j.stoppedBy,
      sessions: j.sessions,
      received: j.past.received + (c?.received ?? 0),
      stored: j.past.stored + (c?.stored ?? 0),
      duplicates: j.past.duplicates + (c?.duplicates ?? 0),
      quarantined: j.past.quarantined + (c?.quarantined ?? 0),
      flushes: j.past.flushes + (c?.flushes ?? 0),
      reconnects: j.past.reconnects + (c?.reconnects ?? 0),
      backfilled: j.past.backfilled,
      error: j.error ? { code: j.error.code, message: j.error.message } : null,
    };
  };
  const summarize = (): StreamerSummary => {
    const list = jobs.map(outcome);
    return { streams: list, failed: list.filter((o) => o.state === 'failed').map((o) => o.name), seconds: (clock.now() - started) / 1000 };
  };

  const runnerHealth = (j: Job): RunnerHealth => {
    const o = outcome(j);
    const counts = `${o.stored} stored, ${o.duplicates} duplicates, ${o.quarantined} quarantined, ${o.reconnects} reconnects`;
    const detail = [o.tickers.join(',') || null, counts, j.detail].filter((x) => x !== null).join('; ');
    switch (j.state) {
      case 'running': {
        const beat = heartbeats.get(j.name);
        // Inside run() the runner may still be waiting for the open: idle, not silent.
        if (enforce && j.kind !== 'news' && !nyseCalendar.isOpen(clock.now())) return { name: j.name, state: 'idle', detail: `${detail}; market closed` };
        return { name: j.name, state: 'running', ...(beat ? { heartbeat: beat.snapshot() } : {}), detail };
      }
      case 'starting':
        return { name: j.name, state: 'idle', detail };
      case 'failed':
        return { name: j.name, state: 'failed', detail: `${o.error!.code}: ${o.error!.message}; ${counts}` };
      default:
        return { name: j.name, state: 'stopped', detail: `${detail}; ${j.state}${j.stoppedBy ? ` by ${j.stoppedBy}` : ''}` };
    }
  };

  const data = dataHealthInputs(dataRoot, { clock });
  const hardware = new HardwareMonitor({ dataRoot, clock });
  const health = (): Promise<HealthSnapshot> =>
    buildHealthSnapshot({
      clock,
      calendar: nyseCalendar,
      runners: () => jobs.map(runnerHealth),
      // A replay (market hours ignored) stores a past session: its age is reported, not judged.
      datasets: async () => (await data.datasets()).map((d) => (enforce ? d : { ...d, live: false })),
      quarantine: data.quarantine,
      schemaDrift: data.schemaDrift,
      performance: () => {
        performance.check();
        return [performance.snapshot()];
      },
      errors: () => [errors.summary()],
      hardware: () => hardware.sample(),
      thresholds: { heartbeatStallMs: hb.stallAfterMs },
    });

  let done: Promise<StreamerSummary> | undefined;
  const start = (): Promise<StreamerSummary> =>
    (done ??= (() => {
      logger.info({ streams: jobs.map((j) => j.name), enforceMarketHours: enforce }, `streamer: starting ${jobs.length} streams`);
      return Promise.all(jobs.map(runJob)).then(async () => {
        writerAc.abort(new Error('every stream ended'));
        // The log is drained before the summary: a stopped streamer leaves nothing unwritten.
        await writer;
        metrics.sync();
        return summarize();
      });
    })());
  return {
    metrics: metrics.metrics,
    start,
    health,
    outcomes: () => jobs.map(outcome),
    stop: () => {
      ac.abort(new Error('streamer stopping'));
      return done ?? Promise.resolve(summarize());
    },
  };
}
