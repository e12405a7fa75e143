import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import {
  loadFeatureTable,
  runWalkForwardFold,
  type FeatureTable,
  type TrainerConfig,
  type WalkForwardConfig,
  type WalkForwardFoldResult,
  type WalkForwardFoldRunner,
  type WalkForwardWindow,
} from '@spyglass/ml';
import type { ObjectStore } from '@spyglass/storage';
import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { INGEST_JOB_OPTIONS } from './ingest-queue.js';

/** Name of the BullMQ queue of walk-forward folds. */
export const WALK_FORWARD_QUEUE = 'walk-forward';

/**
 * Which feature table a fold trains on. Every worker loads it itself — from its data root, or
 * staged from the object store — so a job carries a description and a digest, not the rows.
 *
 * @example
 * ```ts
 * const source: FoldTableSource = { from: '2025-01-02', to: '2025-06-30' };
 * ```
 */
export interface FoldTableSource {
  readonly from?: string;
  readonly to?: string;
  /** Model input columns as `loadFeatureTable` takes them (default: the 66 features). */
  readonly columns?: readonly string[] | 'numeric';
}

/**
 * One queued walk-forward fold.
 *
 * @example
 * ```ts
 * const job: WalkForwardFoldJob = { run, window, config, trainer, table: { from, to }, digest: featureTableDigest(table) };
 * ```
 */
export interface WalkForwardFoldJob {
  /** The walk-forward run the fold belongs to (its results hash in Redis). */
  readonly run: string;
  readonly window: WalkForwardWindow;
  readonly config: WalkForwardConfig;
  readonly trainer: TrainerConfig;
  readonly table: FoldTableSource;
  /** {@link featureTableDigest} of the enqueuer's table: a worker that loads other data refuses the fold. */
  readonly digest: string;
}

/**
 * SHA-256 of a feature table's columns, values, labels and timestamps: two machines that loaded
 * "the same" table can prove it before a fold is trained on one and merged on the other.
 *
 * @example
 * ```ts
 * featureTableDigest(await loadFeatureTable({ root: 'data' })); // '3f2a…'
 * ```
 */
export function featureTableDigest(table: FeatureTable): string {
  const h = createHash('sha256').update(JSON.stringify([table.columns, table.rows]));
  for (const a of [table.data, table.label, table.timestamp]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.update(table.date.join(',')).update(table.ticker.join(',')).digest('hex');
}

const resultsKey = (namespace: string, run: string) => `${namespace}:walk-forward:${run}`;
/** Set when the enqueuer gave a run up: workers skip its folds and drop their results. */
const abortedKey = (namespace: string, run: string) => `${namespace}:walk-forward-aborted:${run}`;
/** A day: longer than any fold's retries and backoff, so a late retry still sees the mark. */
const ABORTED_TTL_SECONDS = 86_400;
/** How often a worker training a fold looks for its run's abort mark. */
const ABORT_POLL_MS = 1_000;
/** Job states a run's abort removes: the fold has not started (or waits for a retry). */
const PENDING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);
// Writes a fold's result unless its run was aborted (one round trip, so an abort between a check
// and the write cannot leave a results hash behind).
const STORE_UNLESS_ABORTED = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;
const foldJobId = (job: Pick<WalkForwardFoldJob, 'run' | 'window'>) => `walk-forward/${job.run}/${job.window.index}`;

/** A fold's result as stored in Redis (probabilities as base64 of the Float32Array's bytes). */
interface StoredFold {
  readonly split: WalkForwardFoldResult['split'];
  readonly probabilities: string | null;
}

/** Where a worker finds the feature table of a fold job. */
export interface FoldTableLocation {
  /** Data root holding `processed/features` (a shared mount, or this machine's copy). */
  readonly dataRoot: string;
  /** With an object store, the features are staged from it into `cacheDir` first. */
  readonly store?: ObjectStore;
  readonly cacheDir?: string;
}

/**
 * The worker side of a fold job: loads (once per table, cached) and checks the feature table,
 * trains and evaluates the fold with {@link runWalkForwardFold}, and writes the result into the
 * run's Redis hash for the enqueuer. A table whose digest differs from the enqueuer's fails the
 * job without retries: the workers must see the same data.
 *
 * @example
 * ```ts
 * const runner = new FoldJobRunner({ redis, location: { dataRoot: 'data' } });
 * await runner.run(job.data);
 * ```
 */
export class FoldJobRunner {
  private cached: { key: string; table: Promise<FeatureTable> } | undefined;

  constructor(private readonly opts: {
    readonly redis: Redis;
    readonly namespace?: string;
    readonly location: FoldTableLocation;
    readonly libraryPath?: string;
    /** Train in a worker thread (default), or on the job's thread. */
    readonly inWorker?: boolean;
  }) {}

  /**
   * Trains one fold and stores its result. A fold of a run its enqueuer gave up (aborted, or
   * failed on another fold) is not trained, or stops training when the mark appears, and ends
   * with status `ABORTED` and no stored result: the job completes (and is removed) instead of
   * being retried.
   */
  async run(job: WalkForwardFoldJob, signal?: AbortSignal): Promise<{ readonly index: number; readonly status: string }> {
    const ns = this.opts.namespace ?? 'spyglass';
    const aborted = abortedKey(ns, job.run);
    const skipped = { index: job.window.index, status: 'ABORTED' } as const;
    if (await this.opts.redis.exists(aborted)) return skipped;
    const table = await this.table(job);
    const digest = featureTableDigest(table);
    if (digest !== job.digest) {
      this.cached = undefined;
      throw new UnrecoverableError(`walk-forward fold ${job.window.index}: the feature table on this worker (${table.rows} rows, digest ${digest.slice(0, 12)}) differs from the enqueuer's (digest ${job.digest.slice(0, 12)}); the workers must read the same data root or store`);
    }
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const watch = setInterval(() => {
      this.opts.redis.exists(aborted).then((n) => n && stop.abort(new SpyglassError('ABORTED', `walk-forward run ${job.run} was aborted by its enqueuer`)), () => undefined);
    }, ABORT_POLL_MS);
    try {
      const r = await runWalkForwardFold(table, job.window, {
        config: job.config,
        trainer: job.trainer,
        ...(this.opts.libraryPath ? { libraryPath: this.opts.libraryPath } : {}),
        ...(this.opts.inWorker === undefined ? {} : { inWorker: this.opts.inWorker }),
        signal: stop.signal,
      });
      const p = r.probabilities;
      const stored: StoredFold = { split: r.split, probabilities: p ? Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64') : null };
      const wrote = await this.opts.redis.eval(STORE_UNLESS_ABORTED, 2, aborted, resultsKey(ns, job.run), String(job.window.index), JSON.stringify(stored));
      return wrote === 1 ? { index: job.window.index, status: r.split.status } : skipped;
    } catch (e) {
      if (!signal?.aborted && (await this.opts.redis.exists(aborted).catch(() => 0))) return skipped;
      throw e;
    } finally {
      clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private table(job: WalkForwardFoldJob): Promise<FeatureTable> {
    const key = JSON.stringify([job.table, job.digest]);
    if (this.cached?.key !== key) {
      const table = this.load(job);
      table.catch(() => (this.cached = undefined));
      this.cached = { key, table };
    }
    return this.cached.table;
  }

  private async load(job: WalkForwardFoldJob): Promise<FeatureTable> {
    const { dataRoot, store, cacheDir } = this.opts.location;
    const range = { ...(job.table.from ? { from: job.table.from } : {}), ...(job.table.to ? { to: job.table.to } : {}) };
    const columns = job.table.columns ? { columns: job.table.columns } : {};
    if (!store) return loadFeatureTable({ root: dataRoot, ...range, ...columns });
    // DuckDB has no httpfs offline: the range's feature partitions are staged to local disk.
    const root = path.join(cacheDir ?? path.join(dataRoot, '.cache', 'objects'), `walk-forward-${job.digest.slice(0, 16)}`);
    await rm(root, { recursive: true, force: true });
    const inRange = (key: string) => {
      const date = /\/date=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
      return date !== undefined && (!range.from || date >= range.from) && (!range.to || date <= range.to);
    };
    for (const o of (await store.list('processed/features/')).filter((o) => o.key.endsWith('.parquet') && inRange(o.key))) {
      const body = await store.get(o.key);
      if (!body) continue;
      await mkdir(path.dirname(path.join(root, o.key)), { recursive: true });
      await writeFile(path.join(root, o.key), body);
    }
    return loadFeatureTable({ root, ...range, ...columns });
  }
}

/**
 * The enqueuing side: a {@link WalkForwardFoldRunner} for `runWalkForward({ folds })` that adds one
 * BullMQ job per window and waits for every fold's result, so the folds train in parallel on any
 * worker of any machine (`spyglass worker --queue …`). The results are the embedded run's: each
 * worker runs the same fold function on the same table, checked by digest. A fold the queue lost
 * (a Redis restart without persistence) is added again; a fold that failed for good fails the run.
 * A run given up (its `signal` aborted, a fold failed for good) removes its folds still waiting in
 * the queue and marks itself aborted, so no later worker trains them and none stores a result.
 *
 * @example
 * ```ts
 * const jobs = new WalkForwardJobs({ redis });
 * const table = await loadFeatureTable({ root: 'data', from, to });
 * const wf = await runWalkForward(table, { config, folds: jobs.runner(table, { from, to }) });
 * await jobs.close();
 * ```
 */
export class WalkForwardJobs {
  readonly queue: Queue<WalkForwardFoldJob>;
  private readonly ns: string;
  private readonly clock: Clock;

  constructor(private readonly opts: { readonly redis: Redis; readonly namespace?: string; readonly clock?: Clock; readonly pollMs?: number }) {
    this.ns = opts.namespace ?? 'spyglass';
    this.queue = new Queue<WalkForwardFoldJob>(WALK_FORWARD_QUEUE, { connection: opts.redis, prefix: `${this.ns}:bull` });
    this.queue.on('error', () => undefined);
    this.clock = opts.clock ?? systemClock;
  }

  /** The fold runner of one table; `source` tells the workers how to load the same table; `signal` gives the run up. */
  runner(table: FeatureTable, source: FoldTableSource, signal?: AbortSignal): WalkForwardFoldRunner {
    const digest = featureTableDigest(table);
    return async (windows, { config, trainer }) => {
      const run = randomUUID();
      const jobs = windows.map((window): WalkForwardFoldJob => ({ run, window, config, trainer, table: source, digest }));
      const key = resultsKey(this.ns, run);
      const add = (js: readonly WalkForwardFoldJob[]) => this.queue.addBulk(js.map((data) => ({ name: 'fold', data, opts: { ...INGEST_JOB_OPTIONS, jobId: foldJobId(data) } })));
      try {
        await add(jobs);
        for (;;) {
          if (signal?.aborted) throw new SpyglassError('ABORTED', 'stopped waiting for the walk-forward folds', { cause: signal.reason });
          try {
            const stored = await this.opts.redis.hgetall(key);
            if (Object.keys(stored).length >= jobs.length) return jobs.map((j) => decode(stored[String(j.window.index)]!));
            const missing = jobs.filter((j) => stored[String(j.window.index)] === undefined);
            const states = await Promise.all(missing.map((j) => this.queue.getJobState(foldJobId(j))));
            const failed = missing.filter((_, i) => states[i] === 'failed');
            if (failed.length) {
              const job = await this.queue.getJob(foldJobId(failed[0]!));
              throw new SpyglassError('RETRIES_EXHAUSTED', `walk-forward fold ${failed[0]!.window.index} (test ${failed[0]!.window.testMonth}) failed: ${job?.failedReason ?? 'unknown reason'}`);
            }
            const lost = missing.filter((_, i) => states[i] === 'unknown');
            // A fold that finished between the two reads has a result now, not a job: add only the others.
            const recheck = lost.length ? await this.opts.redis.hmget(key, ...lost.map((j) => String(j.window.index))) : [];
            const readd = lost.filter((_, i) => recheck[i] === null);
            if (readd.length) await add(readd);
          } catch (e) {
            // Redis is restarting: the client reconnects on its own; try again next poll.
            if (!(e instanceof Error) || !/ECONNREFUSED|Connection is closed|LOADING|ECONNRESET|EPIPE/.test(e.message)) throw e;
          }
          await this.clock.sleep(this.opts.pollMs ?? 250, signal);
        }
      } catch (e) {
        // Given up (aborted, a fold failed for good): the other folds must not run on a later worker.
        await this.abandon(run, jobs).catch(() => undefined);
        // The poll's sleep rejects with the signal's bare reason (e.g. 'SIGTERM'): callers get a coded error.
        throw signal?.aborted && !(e instanceof SpyglassError) ? new SpyglassError('ABORTED', 'stopped waiting for the walk-forward folds', { cause: signal.reason }) : e;
      } finally {
        await this.opts.redis.del(key).catch(() => undefined);
      }
    };
  }

  /**
   * Gives a run up: marks it aborted (a worker skips its folds, stops one in training, and stores
   * no result) and removes its folds that wait in the queue. Failed folds stay, for their reason.
   * Returns how many jobs it removed.
   */
  private async abandon(run: string, jobs: readonly WalkForwardFoldJob[]): Promise<number> {
    await this.opts.redis.set(abortedKey(this.ns, run), '1', 'EX', ABORTED_TTL_SECONDS);
    let removed = 0;
    for (const job of jobs) {
      const id = foldJobId(job);
      // A job that turned active between the two calls is locked: remove() leaves it, the mark stops it.
      if (PENDING_STATES.has(await this.queue.getJobState(id))) removed += await this.queue.remove(id);
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

function decode(json: string): WalkForwardFoldResult {
  const s = JSON.parse(json) as StoredFold;
  if (s.probabilities === null) return { split: s.split, probabilities: null };
  const bytes = Buffer.from(s.probabilities, 'base64');
  // A copy: the base64 buffer's offset need not be 4-byte aligned.
  return { split: s.split, probabilities: new Float32Array(new Uint8Array(bytes).buffer) };
}
