import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { ingestJobId, type IngestJob } from '@spyglass/pipeline';
import { FlowProducer, Queue, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { COMPUTE_QUEUE, computeJobId, type ComputeJob } from './compute-job.js';
import { INGEST_JOB_OPTIONS, INGEST_QUEUE, type IngestQueue } from './ingest-queue.js';

/**
 * What {@link ComputeFlow.waitUntilDone} saw.
 *
 * @example
 * ```ts
 * const r: ComputeRunResult = await flow.waitUntilDone(jobs);
 * console.log(`${r.done}/${r.total} compute steps`);
 * ```
 */
export interface ComputeRunResult {
  readonly total: number;
  readonly done: number;
  readonly failed: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /** Flows added again because the queue had lost them (a Redis restart without persistence). */
  readonly requeued: number;
  readonly seconds: number;
}

/** The Redis hash of finished compute steps (job id → finish time), written by the worker that ran the step. */
export const computeDoneKey = (namespace: string): string => `${namespace}:compute:done`;

/**
 * Per-date compute fan-out as BullMQ flows: for each date of a backfill, `features` is the parent
 * of `consolidate`, which is the parent of the date's ingest jobs that have no checkpoint yet. A
 * step starts on any worker once all of its children completed, so a date is consolidated as soon
 * as its own ingestion is done, not after the whole backfill. Ids are the checkpoint keys and
 * `compute/<step>/<date>`, so adding again is a no-op for live jobs (an ingest job already queued
 * becomes the child of its date's flow); a child that fails for good fails its parents.
 *
 * @example
 * ```ts
 * const flow = new ComputeFlow({ redis, ingest: queue });
 * await flow.enqueue(ingestJobsFor({ stocks: ['SPY'], indices: ['I:VIX'], news: ['SPY'], options: ['SPY'] }, '2025-03-03', '2025-03-07'));
 * console.log(await flow.waitUntilDone(jobs));
 * await flow.close();
 * ```
 */
export class ComputeFlow {
  private readonly producer: FlowProducer;
  private readonly queue: Queue;
  private readonly prefix: string;
  private readonly doneKey: string;
  private readonly clock: Clock;

  constructor(private readonly opts: { readonly redis: Redis; readonly ingest: IngestQueue; readonly namespace?: string; readonly clock?: Clock }) {
    const ns = opts.namespace ?? 'spyglass';
    this.prefix = `${ns}:bull`;
    this.doneKey = computeDoneKey(ns);
    this.producer = new FlowProducer({ connection: opts.redis, prefix: this.prefix });
    this.producer.on('error', () => undefined);
    this.queue = new Queue(COMPUTE_QUEUE, { connection: opts.redis, prefix: this.prefix });
    this.queue.on('error', () => undefined);
    this.clock = opts.clock ?? systemClock;
  }

  /** The compute steps of the dates of `jobs`, in run order per date. */
  static steps(jobs: readonly IngestJob[]): ComputeJob[] {
    return [...new Set(jobs.map((j) => j.date))].sort().flatMap((date) => [{ step: 'consolidate' as const, date }, { step: 'features' as const, date }]);
  }

  /**
   * Adds one flow per date whose features are not done. A date with ingest jobs still to run has
   * its finished steps forgotten first, so the new data is consolidated again.
   */
  async enqueue(jobs: readonly IngestJob[]): Promise<{ readonly flows: number; readonly ingest: number }> {
    const pending = await this.opts.ingest.pending(jobs);
    const byDate = new Map<string, IngestJob[]>();
    for (const j of jobs) byDate.set(j.date, []);
    for (const j of pending) byDate.get(j.date)!.push(j);
    const flows: FlowJob[] = [];
    for (const [date, children] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
      const ids = (['consolidate', 'features'] as const).map((step) => computeJobId({ step, date }));
      if (children.length > 0) await this.opts.redis.hdel(this.doneKey, ...ids);
      else if (await this.opts.redis.hexists(this.doneKey, ids[1]!)) continue;
      const node = (step: ComputeJob['step'], kids: FlowJob[]): FlowJob => ({
        name: step, queueName: COMPUTE_QUEUE, prefix: this.prefix, data: { step, date } satisfies ComputeJob, children: kids,
        opts: { ...INGEST_JOB_OPTIONS, jobId: computeJobId({ step, date }), failParentOnFailure: true },
      });
      const ingest = children.map((j): FlowJob => ({ name: j.dataset, queueName: INGEST_QUEUE, prefix: this.prefix, data: j, opts: { ...INGEST_JOB_OPTIONS, jobId: ingestJobId(j), failParentOnFailure: true } }));
      flows.push(node('features', [node('consolidate', ingest)]));
    }
    for (let i = 0; i < flows.length; i += 50) await this.producer.addBulk(flows.slice(i, i + 50));
    return { flows: flows.length, ingest: pending.length };
  }

  /** Compute steps of `jobs`' dates that are done. */
  async done(jobs: readonly IngestJob[]): Promise<Set<string>> {
    const ids = ComputeFlow.steps(jobs).map(computeJobId);
    const marks = ids.length ? await this.opts.redis.hmget(this.doneKey, ...ids) : [];
    return new Set(ids.filter((_, i) => marks[i] !== null));
  }

  /**
   * Waits until every compute step of `jobs`' dates is done or failed for good. A flow the queue
   * lost (a Redis restart without persistence) is added again from the checkpoints.
   */
  async waitUntilDone(jobs: readonly IngestJob[], opts: { pollMs?: number; signal?: AbortSignal } = {}): Promise<ComputeRunResult> {
    const started = this.clock.now();
    const steps = ComputeFlow.steps(jobs);
    const ids = new Set(steps.map(computeJobId));
    let requeued = 0;
    for (;;) {
      if (opts.signal?.aborted) throw new SpyglassError('ABORTED', 'stopped waiting for the compute flows', { cause: opts.signal.reason });
      try {
        const done = await this.done(jobs);
        const failed = (await this.queue.getFailed(0, -1)).filter((j) => j.id && ids.has(j.id)).map((j) => ({ id: j.id!, reason: j.failedReason }));
        if (done.size + failed.length >= steps.length) return { total: steps.length, done: done.size, failed, requeued, seconds: (this.clock.now() - started) / 1000 };
        // A date whose features step is neither done nor known to the queue has lost its flow.
        const lost = steps.filter((s) => s.step === 'features' && !done.has(computeJobId(s)));
        const states = await Promise.all(lost.map((s) => this.queue.getJobState(computeJobId(s))));
        const missing = new Set(lost.filter((_, i) => states[i] === 'unknown').map((s) => s.date));
        if (missing.size > 0) requeued += (await this.enqueue(jobs.filter((j) => missing.has(j.date)))).flows;
      } catch (e) {
        // Redis is restarting: the client reconnects on its own; try again next poll.
        if (!(e instanceof Error) || !/ECONNREFUSED|Connection is closed|LOADING|ECONNRESET|EPIPE/.test(e.message)) throw e;
      }
      await this.clock.sleep(opts.pollMs ?? 500, opts.signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.producer.close(), this.queue.close()]);
  }
}
