import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { RETRYABLE_CODES, defaultRetryPolicy, toSpyglassError, type Logger } from '@spyglass/core';
import { Ingestion, ingestJobId, runIngestJob, type IngestJob, type IngestionSettings } from '@spyglass/pipeline';
import { ObjectStoreDataset, type DatasetSpec, type ObjectStore } from '@spyglass/storage';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { computeDoneKey } from './compute-flow.js';
import { COMPUTE_QUEUE, computeJobId, runComputeJob, type ComputeJob, type ComputeTarget } from './compute-job.js';
import { INGEST_QUEUE } from './ingest-queue.js';
import { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { RedisLock } from './redis-lock.js';
import { RedisRateLimiter, apiWindowWithMargin } from './redis-rate-limiter.js';
import { FoldJobRunner, WALK_FORWARD_QUEUE, type WalkForwardFoldJob } from './walk-forward-jobs.js';
import { HEARTBEAT_MS, WorkerRegistry } from './worker-registry.js';

/**
 * Options of {@link IngestWorker}.
 *
 * @example
 * ```ts
 * const opts: IngestWorkerOptions = { redis, concurrency: 4, ingestion: settings, rateLimit: { max: 5, windowMs: 60_000 },
 *   store, cacheDir: '/var/cache/spyglass' };
 * ```
 */
export interface IngestWorkerOptions {
  /** A connection from `connectRedis` (the worker duplicates it for BullMQ's blocking reads). */
  readonly redis: Redis;
  readonly namespace?: string;
  /** Jobs at once in this process. */
  readonly concurrency: number;
  /** Ingestion settings decoded by the app; its rate limiter and backends are set here. */
  readonly ingestion: Omit<IngestionSettings, 'rateLimiter' | 'backends' | 'requestsPerMinute'>;
  /** The API plan's budget (e.g. 5 per 60 000 ms), shared by every worker; null = unlimited. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number } | null;
  /** Shared object store of the datasets; without it raw data goes to `ingestion.dataRoot` (one machine, or a shared mount). */
  readonly store?: ObjectStore;
  /** Local merge/staging cache for the object store (default `<dataRoot>/.cache/objects`). */
  readonly cacheDir?: string;
  /** A job whose worker stops renewing its lock (killed) is taken over after lockDuration + stalledInterval. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly logger?: Logger;
  /** Worker id (default `<host>-<pid>-<random>`). */
  readonly id?: string;
  /**
   * Also run the per-date compute steps of {@link ComputeFlow} (consolidation, features) on the
   * data root or, with `store`, on partitions staged from it; `concurrency` defaults to 1 (DuckDB
   * uses the cores).
   */
  readonly compute?: Pick<ComputeTarget, 'processing' | 'cacheDir'> & { readonly concurrency?: number };
  /**
   * Also train walk-forward folds queued by {@link WalkForwardJobs} (one at a time: XGBoost uses
   * the cores), on the feature table of the data root or, with `store`, staged from it.
   */
  readonly walkForward?: { readonly libraryPath?: string; readonly inWorker?: boolean };
}

/**
 * A cluster worker: any number of them, on any machine, take (dataset, ticker, date) jobs from the
 * BullMQ queue and run them with the ingestion runners. Every request takes a permit from one
 * Redis-held budget ({@link RedisRateLimiter}) and BullMQ's own limiter paces job starts to the
 * same budget; a 429 pauses every worker on every machine (queue-wide rate limit plus the shared
 * permit pause) and puts the job back without spending an attempt. Checkpoints and partition locks
 * live in the same Redis; a worker killed mid-job loses nothing: its job is redelivered after its
 * lock expires, and the re-run merges idempotently.
 *
 * @example
 * ```ts
 * const worker = await IngestWorker.start({ redis: await connectRedis(url), concurrency: 4, ingestion: settings, rateLimit: { max: 5, windowMs: 60_000 } });
 * process.once('SIGTERM', () => void worker.stop());
 * await worker.stopped;
 * ```
 */
export class IngestWorker {
  readonly id: string;
  readonly worker: Worker<IngestJob>;
  /** The worker of the compute queue, when {@link IngestWorkerOptions.compute} is set. */
  readonly computeWorker: Worker<ComputeJob> | undefined;
  /** The worker of the walk-forward fold queue, when {@link IngestWorkerOptions.walkForward} is set. */
  readonly foldWorker: Worker<WalkForwardFoldJob> | undefined;
  /** Resolves when the worker has stopped (asked by `workers stop`, a signal or {@link IngestWorker.stop}). */
  readonly stopped: Promise<void>;
  private readonly registry: WorkerRegistry;
  private readonly queue: Queue;
  private readonly limiter: RedisRateLimiter | undefined;
  private readonly startedAt = Date.now();
  private readonly active = new Set<string>();
  private processed = 0;
  private failed = 0;
  private status: 'running' | 'stopping' | 'stopped' = 'running';
  private heartbeat: NodeJS.Timeout | undefined;
  private resolveStopped!: () => void;

  private constructor(private readonly opts: IngestWorkerOptions) {
    const ns = opts.namespace ?? 'spyglass';
    this.id = opts.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.stopped = new Promise((r) => (this.resolveStopped = r));
    this.registry = new WorkerRegistry(opts.redis, ns);
    this.queue = new Queue(INGEST_QUEUE, { connection: opts.redis, prefix: `${ns}:bull` });
    this.queue.on('error', () => undefined);
    const rate = opts.rateLimit;
    this.limiter = rate ? new RedisRateLimiter({ redis: opts.redis, namespace: ns, max: rate.max, windowMs: apiWindowWithMargin(rate.windowMs) }) : undefined;
    const checkpoints = new RedisCheckpointStore({ redis: opts.redis, namespace: ns, ...(opts.store ? { durable: opts.store } : {}) });
    const lock = new RedisLock({ redis: opts.redis, namespace: ns });
    const store = opts.store;
    const cacheDir = opts.cacheDir ?? `${opts.ingestion.dataRoot}/.cache/objects`;
    const ingestion = new Ingestion({
      ...opts.ingestion,
      requestsPerMinute: null,
      // A 429 is answered by pausing the whole cluster (below), not by this request's own backoff.
      retryPolicy: { ...(opts.ingestion.retryPolicy ?? defaultRetryPolicy), retryOn: [...RETRYABLE_CODES].filter((c) => c !== 'RATE_LIMITED') },
      ...(this.limiter ? { rateLimiter: this.limiter } : {}),
      backends: {
        checkpoints,
        ...(store ? { sinkFor: <R extends object>(spec: DatasetSpec) => new ObjectStoreDataset<R>({ store, spec, cacheDir, lock }) } : {}),
      },
    });
    this.worker = new Worker<IngestJob>(INGEST_QUEUE, (job, _token, signal) => this.process(ingestion, job, signal), {
      connection: opts.redis,
      prefix: `${ns}:bull`,
      concurrency: Math.max(1, opts.concurrency),
      name: this.id,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: 5,
      ...(rate ? { limiter: { max: rate.max, duration: apiWindowWithMargin(rate.windowMs) } } : {}),
    });
    const compute = opts.compute;
    this.computeWorker = compute
      ? new Worker<ComputeJob>(COMPUTE_QUEUE, (job) => this.compute(job, { dataRoot: opts.ingestion.dataRoot, ...(store ? { store } : {}), ...compute }), {
          connection: opts.redis,
          prefix: `${ns}:bull`,
          concurrency: Math.max(1, compute.concurrency ?? 1),
          name: this.id,
          lockDuration: opts.lockDurationMs ?? 30_000,
          stalledInterval: opts.stalledIntervalMs ?? 30_000,
          maxStalledCount: 5,
        })
      : undefined;
    const folds = opts.walkForward
      ? new FoldJobRunner({ redis: opts.redis, namespace: ns, location: { dataRoot: opts.ingestion.dataRoot, ...(store ? { store } : {}), cacheDir }, ...opts.walkForward })
      : undefined;
    this.foldWorker = folds
      ? new Worker<WalkForwardFoldJob>(WALK_FORWARD_QUEUE, (job, _token, signal) => this.track(`walk-forward/${job.data.run}/${job.data.window.index}`, () => folds.run(job.data, signal)), {
          connection: opts.redis,
          prefix: `${ns}:bull`,
          concurrency: 1,
          name: this.id,
          lockDuration: opts.lockDurationMs ?? 30_000,
          stalledInterval: opts.stalledIntervalMs ?? 30_000,
          maxStalledCount: 5,
        })
      : undefined;
    for (const w of [this.worker, this.computeWorker, this.foldWorker]) {
      w?.on('error', (e) => opts.logger?.warn({ err: e }, `worker ${this.id}: ${e.message}`));
      w?.on('failed', (job, e) => {
        if (job) opts.logger?.warn({ job: job.id, err: e }, `job ${job.id} failed (attempt ${job.attemptsMade}): ${e.message}`);
      });
    }
  }

  /** Starts a worker and its heartbeat. */
  static async start(opts: IngestWorkerOptions): Promise<IngestWorker> {
    const w = new IngestWorker(opts);
    await w.beat();
    w.heartbeat = setInterval(() => void w.tick(), HEARTBEAT_MS);
    await Promise.all([w.worker.waitUntilReady(), w.computeWorker?.waitUntilReady(), w.foldWorker?.waitUntilReady()]);
    opts.logger?.info({ worker: w.id }, `worker ${w.id} ready (concurrency ${opts.concurrency})`);
    return w;
  }

  private async process(ingestion: Ingestion, job: Job<IngestJob>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const id = job.id ?? ingestJobId(job.data);
    this.active.add(id);
    try {
      const counts = await runIngestJob(ingestion, job.data, signal);
      this.processed++;
      return { ...counts };
    } catch (e) {
      const err = toSpyglassError(e);
      if (err.code === 'RATE_LIMITED') {
        const ms = err.retryAfterMs ?? this.opts.rateLimit?.windowMs ?? 60_000;
        this.opts.logger?.warn({ job: id, ms }, `429 on ${id}: pausing every worker for ${ms} ms`);
        await Promise.all([this.limiter?.pause(ms), this.queue.rateLimit(apiWindowWithMargin(ms))]);
        await this.opts.redis.incr(`${this.opts.namespace ?? 'spyglass'}:stats:pauses`);
        throw Worker.RateLimitError();
      }
      this.failed++;
      throw err;
    } finally {
      this.active.delete(id);
    }
  }

  private compute(job: Job<ComputeJob>, target: ComputeTarget): Promise<Record<string, unknown>> {
    const id = computeJobId(job.data);
    const doneKey = computeDoneKey(this.opts.namespace ?? 'spyglass');
    return this.track(id, async () => {
      // A redelivered step that finished before its worker died is not run again.
      if (await this.opts.redis.hexists(doneKey, id)) return { skipped: true };
      const r = await runComputeJob(job.data, target);
      await this.opts.redis.hset(doneKey, id, String(Date.now()));
      return { ...r };
    });
  }

  /** Runs a compute or fold job as one of this worker's active jobs, counted in the registry. */
  private async track<T extends object>(id: string, run: () => Promise<T>): Promise<T> {
    this.active.add(id);
    try {
      const r = await run();
      this.processed++;
      return r;
    } catch (e) {
      this.failed++;
      // BullMQ's UnrecoverableError must stay itself (no retries); the rest gets a code.
      throw e instanceof UnrecoverableError ? e : toSpyglassError(e);
    } finally {
      this.active.delete(id);
    }
  }

  private async beat(): Promise<void> {
    await this.registry.beat({
      id: this.id, host: hostname(), pid: process.pid, concurrency: this.opts.concurrency, startedAt: this.startedAt, lastSeen: Date.now(),
      processed: this.processed, failed: this.failed, active: [...this.active], status: this.status,
    });
  }

  private async tick(): Promise<void> {
    try {
      await this.beat();
      if (this.status === 'running' && (await this.registry.stopRequested(this.id, this.startedAt))) void this.stop();
    } catch {
      // Redis is away (restarting): the next beat tells the others we are alive.
    }
  }

  /** Finishes the active jobs, takes no new ones, and leaves the registry marked stopped. */
  async stop(): Promise<void> {
    if (this.status !== 'running') return this.stopped;
    this.status = 'stopping';
    await this.beat().catch(() => undefined);
    await Promise.all([this.worker.close(), this.computeWorker?.close(), this.foldWorker?.close()]);
    await this.queue.close();
    clearInterval(this.heartbeat);
    this.status = 'stopped';
    await this.beat().catch(() => undefined);
    this.resolveStopped();
    return this.stopped;
  }
}
