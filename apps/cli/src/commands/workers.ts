import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { ProcessRegistry } from '@spyglass/pipeline';
import { IngestQueue, RedisCheckpointStore } from '@spyglass/cluster';
import { clusterOptions, openClusterBackends, type ClusterArgs } from '../cluster-backends.js';
import { loadContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { dataRootLayout } from '@spyglass/core';

const registryOf = (a: GlobalArgs) => new ProcessRegistry({ dir: dataRootLayout(loadContext(a).dataRoot).workers });

type QueueArgs = GlobalArgs & Partial<ClusterArgs>;

/** The cluster's queue of `--queue`, for `workers list|stop` across machines. */
async function withQueue<T>(a: QueueArgs, fn: (q: IngestQueue) => Promise<T>): Promise<T> {
  const { redis } = await openClusterBackends({ ...a, store: undefined } as ClusterArgs);
  const queue = new IngestQueue({ redis, namespace: a.namespace ?? 'spyglass', checkpoints: new RedisCheckpointStore({ redis, namespace: a.namespace ?? 'spyglass' }) });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
    await redis.quit();
  }
}

const list = defineCommand({
  command: 'list',
  describe: 'list backfill worker processes (from any shell; with --queue: the workers of every machine)',
  builder: (y) => clusterOptions(y, false),
  handler: async (a) => {
    if (a.queue) {
      const cluster = await withQueue(a, (q) => q.workers());
      printResult(a, cluster, () =>
        cluster.length === 0
          ? 'no workers registered'
          : cluster
              .map((w) => `${w.id}  ${w.host} pid ${w.pid}${w.alive ? '' : ' (gone)'}  ${w.status}  concurrency ${w.concurrency}  ${w.processed} done, ${w.failed} failed  running: ${w.active.join(', ') || '-'}  since ${new Date(w.startedAt).toISOString()}`)
              .join('\n'),
      );
      return;
    }
    const workers = await registryOf(a).list();
    printResult(a, workers, () =>
      workers.length === 0
        ? 'no workers registered'
        : workers
            .map((w) => `${w.id}  pid ${w.pid}  ${w.ticker}  ${w.job}  ${w.state}  ${w.progress.done}/${w.progress.total} days, ${w.progress.bars} bars  since ${new Date(w.startedAt).toISOString()}${w.error ? `  ${w.error}` : ''}`)
            .join('\n'),
    );
  },
});

const stop = defineCommand({
  command: 'stop <id>',
  describe: 'stop one worker by id, or all (with --queue: on every machine, after their running jobs)',
  builder: (y) => clusterOptions(y.positional('id', { type: 'string', demandOption: true, describe: 'worker id or "all"' }), false),
  handler: async (a) => {
    if (a.queue) {
      const asked = await withQueue(a, (q) => q.stopWorkers(a.id));
      printResult(a, { stopped: asked }, () => (asked.length ? `asked to stop: ${asked.join(', ')}` : 'no live workers'));
      return;
    }
    const stopped = await registryOf(a).stop(a.id);
    printResult(a, { stopped }, () => (stopped.length ? `stopped ${stopped.join(', ')}` : 'no live workers'));
  },
});

/** `spyglass workers list|stop`. */
export const workersCommand = defineCommand({
  command: 'workers <command>',
  describe: 'backfill worker processes',
  builder: (y) => y.command(list).command(stop).demandCommand(1),
  handler: () => undefined,
});
