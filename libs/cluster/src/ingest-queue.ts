import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { INGEST_CHECKPOINT_JOB, ingestJobId, type IngestJob } from '@spyglass/pipeline';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { WorkerRegistry, type ClusterWorkerInfo } from './worker-registry.js';

/** Name of the BullMQ queue of ingest jobs. */
export const INGEST_QUEUE = 'ingest';

/** Attempts and backoff of every queued job (ingest and compute); a finished job is removed, its checkpoint is the record. */
export const INGEST_JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: false } as const;

/**
 * Progress of a queued backfill, from the checkpoints (the truth) and the queue's counts.
 *
 * @example
 * ```ts
 * const p: QueueProgress = await queue.progress(jobs);
 * console.log(`${p.done}/${p.total} done, ${p.active} running on ${p.workers} workers`);
 * ```
 */
export interface QueueProgress {
  readonly total: number;
  readonly done: number;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly workers: number;
}

/**
 * What {@link IngestQueue.waitUntilDone} saw.
 *
 * @example
 * ```ts
 * const r: QueueRunResult = await queue.waitUntilDone(jobs);
 * if (r.failed.length) console.error(r.failed[0].reason);
 * ```
 */
export interface QueueRunResult {
  readonly total: number;
  readonly done: number;
  readonly failed: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** Jobs added again because the queue had lost them (a Redis restart without persistence). */
  readonly requeued: number;
  readonly seconds: number;
}

/**
 * The enqueuing side of the cluster: adds ingest jobs to the BullMQ queue with the checkpoint key
 * as job id (a job already queued, running or waiting for a retry is not added twice; one already
 * checkpointed is not added at all), follows progress from the checkpoints, lists and stops the
 * workers of every machine. Adding is idempotent, so after a Redis restart that lost the queue
 * {@link IngestQueue.waitUntilDone} simply adds again the jobs that have no checkpoint.
 *
 * @example
 * ```ts
 * const queue = new IngestQueue({ redis, checkpoints });
 * await queue.enqueue(ingestJobsFor({ stocks: ['SPY', 'QQQ'] }, '2025-03-03', '2025-03-07'));
 * const result = await queue.waitUntilDone(jobs, { onProgress: (p) => console.log(p.done, '/', p.total) });
 * await queue.close();
 * ```
 */
export class IngestQueue {
  readonly queue: Queue;
  readonly registry: WorkerRegistry;
  private readonly checkpoints: RedisCheckpointStore;
  private readonly clock: Clock;

  constructor(opts: { readonly redis: Redis; readonly checkpoints: RedisCheckpointStore; readonly namespace?: string; readonly clock?: Clock; readonly attempts?: number }) {
    const ns = opts.namespace ?? 'spyglass';
    this.queue = new Queue(INGEST_QUEUE, {
      connection: opts.redis,
      prefix: `${ns}:bull`,
      defaultJobOptions: { ...INGEST_JOB_OPTIONS, attempts: opts.attempts ?? INGEST_JOB_OPTIONS.attempts },
    });
    this.queue.on('error', () => undefined);
    this.registry = new WorkerRegistry(opts.redis, ns);
    this.checkpoints = opts.checkpoints;
    this.clock = opts.clock ?? systemClock;
  }

  /** Jobs of `jobs` that have no checkpoint yet (in Redis only, or also in the durable copy). */
  async pending(jobs: readonly IngestJob[], redisOnly = false): Promise<IngestJob[]> {
    const groups = new Map<string, IngestJob[]>();
    for (const j of jobs) {
      const k = `${j.dataset}\u0000${j.ticker}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(j);
    }
    const out: IngestJob[] = [];
    for (const g of groups.values()) {
      const done = await this.checkpoints.completed(INGEST_CHECKPOINT_JOB[g[0]!.dataset], g[0]!.ticker, g.map((j) => j.date), redisOnly);
      for (const j of g) if (!done.has(j.date)) out.push(j);
    }
    return out;
  }

  /** Adds the jobs without a checkpoint (ids are checkpoint keys, so re-adding is a no-op); how many were not done. */
  async enqueue(jobs: readonly IngestJob[]): Promise<{ readonly pending: number; readonly done: number }> {
    const pending = await this.pending(jobs);
    for (let i = 0; i < pending.length; i += 500) {
      await this.queue.addBulk(pending.slice(i, i + 500).map((j) => ({ name: j.dataset, data: j, opts: { jobId: ingestJobId(j) } })));
    }
    return { pending: pending.length, done: jobs.length - pending.length };
  }

  async progress(jobs: readonly IngestJob[]): Promise<QueueProgress> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children');
    // Redis only: a progress poll must not read every missing checkpoint from the object store.
    const pending = await this.pending(jobs, true);
    const workers = (await this.registry.list()).filter((w) => w.alive).length;
    return {
      total: jobs.length,
      done: jobs.length - pending.length,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      workers,
    };
  }

  /**
   * Waits until every job is checkpointed or failed for good. When the queue holds fewer live jobs
   * than are pending (it lost them: a Redis restart without persistence), the missing ones are added
   * again; duplicates are impossible because ids are checkpoint keys.
   */
  async waitUntilDone(jobs: readonly IngestJob[], opts: { pollMs?: number; signal?: AbortSignal; onProgress?: (p: QueueProgress) => void } = {}): Promise<QueueRunResult> {
    const started = this.clock.now();
    const ids = new Set(jobs.map(ingestJobId));
    let requeued = 0;
    for (;;) {
      if (opts.signal?.aborted) throw new SpyglassError('ABORTED', 'stopped waiting for the queue', { cause: opts.signal.reason });
      let p: QueueProgress;
      let failed: Array<{ id: string; reason: string }>;
      try {
        p = await this.progress(jobs);
        opts.onProgress?.(p);
        failed = (await this.queue.getFailed(0, -1)).filter((j) => j.id && ids.has(j.id)).map((j) => ({ id: j.id!, reason: j.failedReason }));
        if (p.done + failed.length >= p.total) return { total: p.total, done: p.done, failed, requeued, seconds: (this.clock.now() - started) / 1000 };
        if (p.waiting + p.active + p.delayed + failed.length < p.total - p.done) {
          const { pending } = await this.enqueue(jobs);
          requeued += Math.max(0, pending - (p.waiting + p.active + p.delayed + failed.length));
        }
      } catch (e) {
        // Redis is restarting: the client reconnects on its own; try again next poll.
        if (!(e instanceof Error) || !/ECONNREFUSED|Connection is closed|LOADING|ECONNRESET|EPIPE/.test(e.message)) throw e;
      }
      await this.clock.sleep(opts.pollMs ?? 500, opts.signal);
    }
  }

  workers(): Promise<ClusterWorkerInfo[]> {
    return this.registry.list();
  }

  stopWorkers(id: string): Promise<string[]> {
    return this.registry.requestStop(id);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
