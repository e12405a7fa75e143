import { defineCommand } from '../define-command.js';
import { IngestQueue, IngestWorker, RedisCheckpointStore } from '@spyglass/cluster';
import { SpyglassError } from '@spyglass/core';
import { ingestJobsFor, ingestionSettings, type IngestJobDataset } from '@spyglass/pipeline';
import { processingOptions } from '@spyglass/processing';
import { clusterOptions, openClusterBackends, type ClusterArgs } from '../cluster-backends.js';
import { loadContext, loadWritingContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';


/** `spyglass worker --queue redis://…`: runs queued ingest jobs on this machine until stopped. */
export const workerCommand = defineCommand({
  command: 'worker',
  describe: 'run queued backfill jobs (and per-date consolidation/features flow steps) from a Redis queue (start one per machine; stop with `workers stop` or SIGTERM)',
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
      // Any worker also runs the per-date consolidation and features steps of compute flows.
      compute: { concurrency: 1, processing: processingOptions(ctx.config.pipeline) },
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
 * cluster until every job is checkpointed. The checkpoint key is the job id, so running it again
 * (or after a Redis restart) adds only what is missing.
 */
export async function enqueueBackfillAll(
  a: GlobalArgs & ClusterArgs,
  range: { from: string; to: string },
  tickers: Partial<Record<IngestJobDataset, readonly string[]>>,
): Promise<void> {
  loadContext(a);
  const { redis, store } = await openClusterBackends(a);
  const checkpoints = new RedisCheckpointStore({ redis, namespace: a.namespace, ...(store ? { durable: store } : {}) });
  const queue = new IngestQueue({ redis, namespace: a.namespace, checkpoints });
  try {
    const jobs = ingestJobsFor(tickers, range.from, range.to);
    const { pending, done } = await queue.enqueue(jobs);
    process.stderr.write(`queued ${pending} jobs (${done} already done) on ${a.queue!.replace(/\/\/[^@/]*@/, '//***@')}\n`);
    const result = await queue.waitUntilDone(jobs, {
      pollMs: 1_000,
      onProgress: (p) => process.stderr.isTTY && process.stderr.write(`\r${p.done}/${p.total} done, ${p.active} running, ${p.waiting} waiting, ${p.failed} failed, ${p.workers} workers   `),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    printResult(a, result, () => `${result.done}/${result.total} jobs done in ${result.seconds.toFixed(1)} s${result.requeued ? `, ${result.requeued} re-queued after Redis lost them` : ''}${result.failed.map((f) => `\n  failed ${f.id}: ${f.reason}`).join('')}`);
    if (result.failed.length > 0) throw new SpyglassError('RETRIES_EXHAUSTED', `${result.failed.length} of ${result.total} jobs failed; first: ${result.failed[0]!.id}: ${result.failed[0]!.reason}`);
  } finally {
    await queue.close();
    await redis.quit();
  }
}
