import { defineCommand } from '../define-command.js';
import { ComputeFlow, IngestQueue, IngestWorker, RedisCheckpointStore, type ComputeRunResult, type QueueRunResult } from '@spyglass/cluster';
import { SpyglassError } from '@spyglass/core';
import { ingestJobsFor, ingestionSettings, type IngestJobDataset } from '@spyglass/pipeline';
import { processingOptions } from '@spyglass/processing';
import { clusterOptions, openClusterBackends, type ClusterArgs } from '../cluster-backends.js';
import { loadContext, loadWritingContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { xgboostLibrary } from './ml/model-context.js';
import { exitCodeOf, stopOnSignal } from '../stop-signal.js';


/** `spyglass worker --queue redis://…`: runs queued ingest jobs on this machine until stopped. */
export const workerCommand = defineCommand({
  command: 'worker',
  describe: 'run queued backfill jobs (and per-date consolidation/features flow steps, walk-forward folds) from a Redis queue (start one per machine; stop with `workers stop` or SIGTERM)',
  builder: (y) =>
    clusterOptions(y, true)
      .option('concurrency', { type: 'number', describe: 'jobs at once in this process (default: pipeline.backfill.concurrency)' })
      .option('cache-dir', { type: 'string', describe: 'local merge/staging cache of the object store (default <data-root>/.cache/objects)' })
      .option('rate-limit', { type: 'number', describe: 'API requests per minute across ALL workers (0 = unlimited); overrides sources.yaml' }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const { redis, store } = await openClusterBackends(a);
    const rate = a['rate-limit'] ?? ctx.config.sources.massive.rateLimit.requestsPerMinute ?? 0;
    const { logger: _l, clock: _c, random: _r, input: _i, rateLimiter: _p, backends: _b, requestsPerMinute: _q, ...settings } = ingestionSettings(ctx.config);
    const worker = await IngestWorker.start({
      redis,
      namespace: a.namespace,
      concurrency: a.concurrency ?? Math.max(1, ctx.config.pipeline.backfill.concurrency),
      ingestion: { ...settings, logger: ctx.logger },
      rateLimit: rate > 0 ? { max: rate, windowMs: 60_000 } : null,
      ...(store ? { store } : {}),
      ...(a['cache-dir'] ? { cacheDir: a['cache-dir'] } : {}),
      // Any worker also runs the per-date consolidation and features steps of compute flows, and
      // walk-forward folds (trainer / ml walk-forward --queue).
      compute: { concurrency: 1, processing: processingOptions(ctx.config.pipeline) },
      walkForward: xgboostLibrary(),
      logger: ctx.logger,
    });
    const stop = () => void worker.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await worker.stopped;
    await redis.quit();
    printResult(a, { id: worker.id, stopped: true }, () => `worker ${worker.id} stopped`);
  },
});

/**
 * `backfill-all --queue …`: enqueues one job per (dataset, ticker, trading day) and follows the
 * cluster until every job is checkpointed. With `compute` (the default) it is the whole main job:
 * the options days of the underlying join the ingest jobs, and each date's consolidation and
 * features run as a BullMQ flow after that date's own ingest jobs, on any worker. The checkpoint
 * key is the job id, so running it again (or after a Redis restart) adds only what is missing.
 */
export async function enqueueBackfillAll(
  a: GlobalArgs & ClusterArgs,
  range: { from: string; to: string },
  tickers: Partial<Record<IngestJobDataset, readonly string[]>>,
  compute: boolean,
): Promise<void> {
  loadContext(a);
  const { redis, store } = await openClusterBackends(a);
  const checkpoints = new RedisCheckpointStore({ redis, namespace: a.namespace, ...(store ? { durable: store } : {}) });
  const queue = new IngestQueue({ redis, namespace: a.namespace, checkpoints });
  const flow = compute ? new ComputeFlow({ redis, namespace: a.namespace, ingest: queue }) : undefined;
  try {
    const jobs = ingestJobsFor(tickers, range.from, range.to);
    const where = a.queue!.replace(/\/\/[^@/]*@/, '//***@');
    if (flow) {
      const { flows, ingest } = await flow.enqueue(jobs);
      process.stderr.write(`queued ${ingest} jobs (${jobs.length - ingest} already done) and ${flows} per-date consolidation + features flows on ${where}\n`);
    } else {
      const { pending, done } = await queue.enqueue(jobs);
      process.stderr.write(`queued ${pending} jobs (${done} already done) on ${where}\n`);
    }
    // The queued jobs belong to the workers: a signal stops this wait only, and says so.
    const stop = stopOnSignal();
    const stopped = async (e: unknown): Promise<never> => {
      if (!stop.signal.aborted) throw e;
      const p = await queue.progress(jobs).catch(() => undefined);
      const left = p ? `${p.total - p.done} of ${p.total} jobs not done yet stay` : 'the queued jobs stay';
      process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}spyglass: STOPPED: backfill-all stopped waiting by ${stop.signal.reason}; ${left} on ${where} and the workers run them (run the same command again to follow them, \`spyglass workers stop all --queue …\` to stop the workers)\n`);
      process.exit(exitCodeOf(stop.signal.reason as NodeJS.Signals));
    };
    try {
      const ingested = await queue
        .waitUntilDone(jobs, {
          pollMs: 1_000,
          signal: stop.signal,
          onProgress: (p) => process.stderr.isTTY && process.stderr.write(`\r${p.done}/${p.total} done, ${p.active} running, ${p.waiting} waiting, ${p.failed} failed, ${p.workers} workers   `),
        })
        .catch(stopped);
      if (process.stderr.isTTY) process.stderr.write('\n');
      // A failed ingest job fails its date's flow (failParentOnFailure), so the wait below ends too.
      const computed = flow ? await flow.waitUntilDone(jobs, { pollMs: 1_000, signal: stop.signal }).catch(stopped) : undefined;
      report(a, ingested, computed);
    } finally {
      stop.dispose();
    }
  } finally {
    await Promise.all([queue.close(), flow?.close()]);
    await redis.quit();
  }
}

/** The closing lines of a queued backfill-all; failed jobs fail the command. */
function report(a: GlobalArgs, ingested: QueueRunResult, computed: ComputeRunResult | undefined): void {
  const result = { ...ingested, ...(computed ? { compute: computed } : {}) };
  const failed = [...ingested.failed, ...(computed?.failed ?? [])];
  printResult(a, result, () =>
    `${ingested.done}/${ingested.total} jobs done in ${ingested.seconds.toFixed(1)} s${ingested.requeued ? `, ${ingested.requeued} re-queued after Redis lost them` : ''}` +
    (computed ? `\n${computed.done}/${computed.total} consolidation + features steps done${computed.requeued ? `, ${computed.requeued} flows re-queued` : ''}` : '') +
    failed.map((f) => `\n  failed ${f.id}: ${f.reason}`).join(''));
  if (failed.length > 0) throw new SpyglassError('RETRIES_EXHAUSTED', `${failed.length} jobs failed; first: ${failed[0]!.id}: ${failed[0]!.reason}`);
}
