import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../output.js';
import { backfillAllCommand, backfillCommand, backfillNewsCommand, backfillVixCommand, discoverCommand, downloadOptionsCommand } from './backfill.js';
import { simCommand } from './sim.js';
import { simulateCommand, streamNewsCommand, streamOptionsCommand, streamStocksCommand, streamVixCommand } from './stream.js';
import { workersCommand } from './workers.js';

/** Every `spyglass` command, in the order `--help` lists them. */
export const commands = [
  backfillCommand,
  backfillAllCommand,
  backfillVixCommand,
  backfillNewsCommand,
  discoverCommand,
  downloadOptionsCommand,
  streamStocksCommand,
  streamOptionsCommand,
  streamVixCommand,
  streamNewsCommand,
  simulateCommand,
  workersCommand,
  simCommand,
] as unknown as CommandModule<GlobalArgs, GlobalArgs>[];
