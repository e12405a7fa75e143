import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { ProcessRegistry } from '@spyglass/pipeline';
import { loadContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { dataRootLayout } from '@spyglass/core';

const registryOf = (a: GlobalArgs) => new ProcessRegistry({ dir: dataRootLayout(loadContext(a).dataRoot).workers });

const list = defineCommand({
  command: 'list',
  describe: 'list backfill worker processes (from any shell)',
  handler: async (a) => {
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
  describe: 'stop one worker by id, or all',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true, describe: 'worker id or "all"' }),
  handler: async (a) => {
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
