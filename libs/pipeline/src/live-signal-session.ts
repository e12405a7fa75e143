import { nyseCalendar, type Logger } from '@spyglass/core';
import { rawDatasetSpecs } from '@spyglass/storage';
import type { IncrementalFeatureSettings } from '@spyglass/features';
import type { Ingestion } from './ingestion.js';
import { LiveSignalEngine, type LiveEngineCounts, type LiveSignalEngineOptions, type LiveSignalRecord, type ScoredBurst } from './live-signal-engine.js';
import type { SignalModel } from './live-signal-model.js';
import { writerThreadSinks, type LiveStream, type LiveStreams } from './live-streams.js';
import type { ParquetWriterThread } from './parquet-writer-thread.js';
import { readStoredSession } from './live-warm-start.js';
import type { StreamingSummary } from './streaming-runner.js';
import { tapStream } from './tap-stream.js';

/**
 * Options of {@link runLiveSignals}.
 *
 * @example
 * ```ts
 * const opts: LiveSignalSessionOptions = { ingestion, streams, model, dataRoot: 'data', date: '2025-03-17', strikeBand: 35,
 *   features: { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 }, newsPollMs: 60_000 };
 * ```
 */
export interface LiveSignalSessionOptions {
  readonly ingestion: Ingestion;
  readonly streams: LiveStreams;
  readonly model: SignalModel;
  readonly features: IncrementalFeatureSettings;
  /** Data root the streams store into (read back for the warm start). */
  readonly dataRoot: string;
  /** Trade date of the session (its 0DTE expiry; the next trading day is the 1DTE one). */
  readonly date: string;
  /** Follow every listed contract with a strike within this many dollars of the day's open. */
  readonly strikeBand: number;
  /** Expirations followed from `date` on (default 2: 0DTE and 1DTE). */
  readonly expirations?: number;
  readonly underlying?: string;
  readonly volatilityIndex?: string;
  readonly newsPollMs: number;
  /**
   * Store the streams through this thread's Parquet writers, off the scoring event loop (the
   * caller closes it after the session, once everything is durable). Without it, the ingestion's
   * datasets are written on this event loop.
   */
  readonly writer?: ParquetWriterThread;
  /** Rebuild the feature state from what is stored for the session first (default true). */
  readonly warmStart?: boolean;
  readonly onSignal?: (signal: LiveSignalRecord) => void;
  /** Every scored burst (all probabilities), for metrics and tests. */
  readonly onBurst?: (burst: ScoredBurst) => void;
  /** See {@link LiveSignalEngineOptions.barrierWaitMs}. */
  readonly barrierWaitMs?: number;
  readonly logger?: Logger;
}

/**
 * What a live signal session did.
 *
 * @example
 * ```ts
 * const s: LiveSignalSessionSummary = await runLiveSignals(opts, ac.signal);
 * console.log(`${s.contracts.length} contracts, ${s.engine.signals} signals`);
 * ```
 */
export interface LiveSignalSessionSummary {
  readonly contracts: readonly string[];
  readonly engine: LiveEngineCounts;
  readonly streams: readonly StreamingSummary[];
}

/**
 * The listed contracts of the session's 0DTE and 1DTE expirations (by default) with a strike within
 * `strikeBand` dollars of the day's open, from the reference endpoint.
 *
 * @example
 * ```ts
 * const chain = await listChain(ingestion, { date: '2025-03-17', strikeBand: 35 }); // ≈ 250 tickers
 * ```
 */
export async function listChain(ingestion: Ingestion, o: { readonly date: string; readonly strikeBand: number; readonly expirations?: number; readonly underlying?: string }, signal?: AbortSignal): Promise<string[]> {
  const underlying = o.underlying ?? 'SPY';
  const open = (await ingestion.options.openingPrice(underlying, o.date, signal)).price;
  const expirations = [o.date];
  while (expirations.length < (o.expirations ?? 2)) expirations.push(nyseCalendar.nextTradingDay(expirations.at(-1)!));
  const lists = await Promise.all(
    expirations.map((expiration) => ingestion.options.contracts({ underlying, expiration, strikeGte: open - o.strikeBand, strikeLte: open + o.strikeBand, asOf: o.date }, signal)),
  );
  return [...new Set(lists.flatMap((l) => l.records.map((c) => c.ticker)))].sort();
}

/**
 * Live signals for one session: lists the chain, warms the engine from what is stored, then runs
 * the SPY, VIX, option-chain and news streams. Every record goes to the {@link LiveSignalEngine}
 * the moment it arrives ({@link tapStream}) and, through the streaming runners, durably to Parquet
 * — the signal never waits for that write. Returns when the streams end (market close, end of a
 * replay, or `signal`).
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * process.once('SIGINT', () => ac.abort());
 * await runLiveSignals({ ...opts, onSignal: (s) => process.stdout.write(`${JSON.stringify(s)}\n`) }, ac.signal);
 * ```
 */
export async function runLiveSignals(o: LiveSignalSessionOptions, signal?: AbortSignal): Promise<LiveSignalSessionSummary> {
  const underlying = o.underlying ?? 'SPY';
  const vix = o.volatilityIndex ?? 'I:VIX';
  const contracts = await listChain(o.ingestion, { date: o.date, strikeBand: o.strikeBand, underlying, ...(o.expirations ? { expirations: o.expirations } : {}) }, signal);
  o.logger?.info({ date: o.date, contracts: contracts.length }, `live signals: following ${contracts.length} contracts`);
  const engine = new LiveSignalEngine({ model: o.model, features: o.features, underlying, ...(o.barrierWaitMs !== undefined ? { barrierWaitMs: o.barrierWaitMs } : {}) });
  if (o.onSignal) engine.onSignal(o.onSignal);
  if (o.onBurst) engine.onBurst(o.onBurst);
  // A writer killed before merging its journal left rows that are durable but not yet in the
  // partitions: merge them first, so the warm start (and the feed's duplicate check) sees them.
  if (o.writer) for (const spec of Object.values(rawDatasetSpecs)) await o.writer.recover(spec);
  const stored = o.warmStart ?? true ? await readStoredSession({ root: o.dataRoot, date: o.date, newsLookbackMinutes: o.features.newsLookbackMinutes, underlying, volatilityIndex: vix }) : undefined;
  if (stored) engine.warm(stored);
  // Stopping closes the sockets, not the runners: every bar the engine has seen is still in the
  // tap's queue and must reach Parquet, so the runners read the queue to its end and drain.
  const run = <R extends { timestamp: number; ingestedAt: number }>(job: LiveStream<R>, add: (bar: R) => void) => {
    const stop = () => void job.source.close();
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    return job.runner.run(tapStream(job.source, (ev) => ev.type === 'bar' && add(ev.bar))).finally(() => signal?.removeEventListener('abort', stop));
  };
  const live = o.writer ? o.streams.withSinks(writerThreadSinks(o.writer)) : o.streams;
  try {
    const streams = await Promise.all([
      // A feed that replays what is stored (a restart): those bars are duplicates, not written again.
      run(live.bars('indices', [vix], stored?.indices), (b) => engine.addIndexBar(b)),
      run(live.bars('stocks', [underlying], stored?.stocks), (b) => engine.addStockBar(b)),
      run(live.bars('options', contracts, stored?.options), (b) => engine.addOptionBar(b)),
      run(live.news(underlying, o.newsPollMs, signal), (a) => engine.addNews(a)),
    ]);
    engine.flush();
    return { contracts, engine: engine.counts(), streams };
  } finally {
    engine.close();
  }
}
