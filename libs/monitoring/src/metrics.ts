import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PerformanceMonitor } from './performance-monitor.js';

/**
 * States a worker gauge can be in; exactly one is 1 per worker.
 *
 * @example
 * ```ts
 * for (const s of WORKER_STATES) console.log(s); // starting, running, stalled, done, stopped, failed
 * ```
 */
export const WORKER_STATES = ['starting', 'running', 'stalled', 'done', 'stopped', 'failed'] as const;
/**
 * One of {@link WORKER_STATES}.
 *
 * @example
 * ```ts
 * metrics.setWorkerState('w1', 'running' satisfies WorkerState);
 * ```
 */
export type WorkerState = (typeof WORKER_STATES)[number];

/**
 * Options of {@link createSpyglassMetrics}.
 *
 * @example
 * ```ts
 * const opts: SpyglassMetricsOptions = { prefix: 'spyglass_', processMetrics: true };
 * ```
 */
export interface SpyglassMetricsOptions {
  /** Registry to register on; a fresh one by default (never prom-client's global registry). */
  readonly registry?: Registry;
  /** Metric name prefix. Default `spyglass_`. */
  readonly prefix?: string;
  /** Latency histogram buckets in seconds. */
  readonly latencyBuckets?: number[];
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag). Default false. */
  readonly processMetrics?: boolean;
  /**
   * Called right before every scrape of the fresh registry (ignored with `registry`), so counters
   * kept elsewhere as running totals can be brought up to date and `/metrics` is exact.
   */
  readonly beforeScrape?: () => void;
}

/** A registry that runs a hook before every scrape. */
class SyncingRegistry extends Registry {
  constructor(private readonly beforeScrape: () => void) {
    super();
  }

  override async metrics(): Promise<string> {
    this.beforeScrape();
    return super.metrics();
  }
}

/**
 * The metrics of an ingesting process, all on one registry.
 *
 * @example
 * ```ts
 * const metrics: SpyglassMetrics = createSpyglassMetrics(); metrics.reconnects.inc({ feed: 'stocks' });
 * ```
 */
export interface SpyglassMetrics {
  readonly registry: Registry;
  /** Bars written, by dataset. */
  readonly barsIngested: Counter<'dataset'>;
  /** Records quarantined, by dataset and reason code. */
  readonly barsQuarantined: Counter<'dataset' | 'reason'>;
  /** Operation latency in seconds, by operation (`rest.fetch`, `parquet.write`, `ws.message`…). */
  readonly latency: Histogram<'operation'>;
  /** WebSocket reconnects, by feed (`stocks`, `options`, `indices`). */
  readonly reconnects: Counter<'feed'>;
  /** Times a rate limiter made a caller wait, by source. */
  readonly rateLimitWaits: Counter<'source'>;
  /** Total seconds spent waiting on rate limits, by source. */
  readonly rateLimitWaitSeconds: Counter<'source'>;
  /** 1 for each worker's current state, 0 for its other states. */
  readonly workerState: Gauge<'worker' | 'state'>;
  /** Sets `worker`'s state gauge to `state` (and its other states to 0). */
  setWorkerState(worker: string, state: WorkerState): void;
  /** Records a rate-limit wait of `waitMs`. */
  recordRateLimitWait(source: string, waitMs: number): void;
  /** Feeds every sample of a PerformanceMonitor into the latency histogram; returns an unsubscribe. */
  observePerformance(monitor: PerformanceMonitor): () => void;
}

/**
 * Creates spyglass's Prometheus metrics on a custom registry (so several processes or tests never
 * share prom-client's global one): bars ingested and quarantined, latency histograms, reconnects,
 * rate-limit waits and worker states.
 *
 * @example
 * ```ts
 * const metrics = createSpyglassMetrics();
 * metrics.barsIngested.inc({ dataset: 'stocks' }, bars.length);
 * metrics.setWorkerState('w1', 'running');
 * metrics.observePerformance(monitor);
 * const server = await createMetricsServer({ port: 9464, registry: metrics.registry, health });
 * ```
 */
export function createSpyglassMetrics(options: SpyglassMetricsOptions = {}): SpyglassMetrics {
  const registry = options.registry ?? (options.beforeScrape ? new SyncingRegistry(options.beforeScrape) : new Registry());
  const p = options.prefix ?? 'spyglass_';
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: p });
  const barsIngested = new Counter({ name: `${p}bars_ingested_total`, help: 'Bars written to storage', labelNames: ['dataset'] as const, registers });
  const barsQuarantined = new Counter({ name: `${p}bars_quarantined_total`, help: 'Records quarantined by validation', labelNames: ['dataset', 'reason'] as const, registers });
  const latency = new Histogram({
    name: `${p}operation_duration_seconds`,
    help: 'Operation latency',
    labelNames: ['operation'] as const,
    buckets: options.latencyBuckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const reconnects = new Counter({ name: `${p}ws_reconnects_total`, help: 'WebSocket reconnects', labelNames: ['feed'] as const, registers });
  const rateLimitWaits = new Counter({ name: `${p}rate_limit_waits_total`, help: 'Requests delayed by a rate limiter', labelNames: ['source'] as const, registers });
  const rateLimitWaitSeconds = new Counter({ name: `${p}rate_limit_wait_seconds_total`, help: 'Seconds spent waiting on rate limits', labelNames: ['source'] as const, registers });
  const workerState = new Gauge({ name: `${p}worker_state`, help: 'Worker state (1 = current state)', labelNames: ['worker', 'state'] as const, registers });
  return {
    registry,
    barsIngested,
    barsQuarantined,
    latency,
    reconnects,
    rateLimitWaits,
    rateLimitWaitSeconds,
    workerState,
    setWorkerState(worker, state) {
      for (const s of WORKER_STATES) workerState.set({ worker, state: s }, s === state ? 1 : 0);
    },
    recordRateLimitWait(source, waitMs) {
      rateLimitWaits.inc({ source });
      rateLimitWaitSeconds.inc({ source }, waitMs / 1000);
    },
    observePerformance(monitor) {
      return monitor.onSample((s) => latency.observe({ operation: s.operation }, s.durationMs / 1000));
    },
  };
}
