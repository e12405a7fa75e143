import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../output.js';
import { backfillAllCommand, backfillCommand, backfillNewsCommand, backfillVixCommand, discoverCommand, downloadOptionsCommand } from './backfill.js';
import { dashboardCommand, healthCommand } from './operations.js';
import { demoCommand } from './demo.js';
import { mlCommands } from './ml/index.js';
import { consolidateCommand, generateFeaturesCommand, prepareTrainingCommand, scanOptionsCommand } from './processing.js';
import { simCommand } from './sim.js';
import { purgeCommand, reportSpaceCommand, schemaBaselineCommand, schemaCheckCommand, verifyCommand } from './storage.js';
import { simulateCommand, streamNewsCommand, streamOptionsCommand, streamStocksCommand, streamVixCommand } from './stream.js';
import { workersCommand } from './workers.js';
import { workerCommand } from './cluster.js';

const ml: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'ml <command>',
  describe: 'features, training, evaluation and explanation (XGBoost)',
  builder: (y) => y.command([generateFeaturesCommand, ...mlCommands] as never).demandCommand(1),
  handler: () => undefined,
};

/** Every `spyglass` command, in the order `--help` lists them. */
export const commands = [
  demoCommand,
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
  workerCommand,
  schemaCheckCommand,
  schemaBaselineCommand,
  purgeCommand,
  reportSpaceCommand,
  verifyCommand,
  consolidateCommand,
  prepareTrainingCommand,
  scanOptionsCommand,
  ml,
  healthCommand,
  dashboardCommand,
  simCommand,
] as unknown as CommandModule<GlobalArgs, GlobalArgs>[];
