import { createSpyglassMetrics, type SpyglassMetrics, type WorkerState } from '@spyglass/monitoring';
import type { IngestCounts } from './ingest-counts.js';
import type { QuarantineCounts } from '@spyglass/processing';

/** What the bridge reads from a running stream (a `StreamingRunner` fits). */
export interface CountingRunner {
  counts(): IngestCounts & { reconnects: number };
}

/**
 * Turns the runners' running totals into Prometheus counters. The runners and the quarantine keep
 * cumulative counts; the bridge remembers what it already exported and adds only the difference, so
 * a counter never goes backwards and no bar is counted twice however often `sync` runs.
 *
 * @example
 * ```ts
 * const bridge = new StreamMetrics(() => ingestion.quarantine.counts());
 * bridge.track('stream:stocks', 'stocks', runner);
 * runner.onFlushed = (bars, latencies) => bridge.flushed('stream:stocks', latencies);
 * const server = await createMetricsServer({ port: 9464, registry: bridge.metrics.registry });
 * ```
 */
export class StreamMetrics {
  readonly metrics: SpyglassMetrics;
  private readonly streams = new Map<string, { dataset: string; runner: CountingRunner; stored: number; reconnects: number }>();
  private readonly quarantineSeen = new Map<string, number>();

  constructor(private readonly quarantine: () => QuarantineCounts) {
    // Counters are brought up to date before every scrape, so `/metrics` is exact even for work no
    // flush reported yet (a reconnect's REST back-fill is counted by the runner without a flush callback).
    this.metrics = createSpyglassMetrics({ beforeScrape: () => this.sync(), processMetrics: true });
  }

  /** Starts exporting `runner`'s counters under `dataset` (and its worker state as `name`). */
  track(name: string, dataset: string, runner: CountingRunner): void {
    this.streams.set(name, { dataset, runner, stored: 0, reconnects: 0 });
  }

  /** Sets the worker-state gauge of a stream. */
  state(name: string, state: WorkerState): void {
    this.metrics.setWorkerState(name, state);
  }

  /** After a durable flush: each bar's arrival → durable latency, then the counters. */
  flushed(name: string, latenciesMs: readonly number[]): void {
    const s = this.streams.get(name);
    const operation = `arrival_to_durable:${s?.dataset ?? name}`;
    for (const ms of latenciesMs) this.metrics.latency.observe({ operation }, ms / 1000);
    this.sync();
  }

  /** Adds what the runners and the quarantine counted since the last call. */
  sync(): void {
    for (const s of this.streams.values()) {
      const c = s.runner.counts();
      if (c.stored > s.stored) this.metrics.barsIngested.inc({ dataset: s.dataset }, c.stored - s.stored);
      if (c.reconnects > s.reconnects) this.metrics.reconnects.inc({ feed: s.dataset }, c.reconnects - s.reconnects);
      s.stored = c.stored;
      s.reconnects = c.reconnects;
    }
    // By issue code: a record with two different issue codes counts once under each.
    for (const [dataset, d] of Object.entries(this.quarantine().byDataset)) {
      for (const [reason, n] of Object.entries(d.byCode)) {
        const key = `${dataset}\u0000${reason}`;
        const seen = this.quarantineSeen.get(key) ?? 0;
        if (n > seen) this.metrics.barsQuarantined.inc({ dataset, reason }, n - seen);
        this.quarantineSeen.set(key, n);
      }
    }
  }
}
