import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import type { GlobalArgs } from '../output.js';
import { backfillAllCommand, backfillCommand, backfillNewsCommand, backfillVixCommand, discoverCommand, downloadOptionsCommand } from './backfill.js';
import { dashboardCommand, healthCommand } from './operations.js';
import { demoCommand } from './demo.js';
import { mlCommands } from './ml/index.js';
import { consolidateCommand, engineerFeaturesCommand, generateFeaturesCommand, prepareTrainingCommand, scanOptionsCommand } from './processing.js';
import { simCommand } from './sim.js';
import { purgeCommand, reportSpaceCommand, schemaBaselineCommand, schemaCheckCommand, verifyCommand } from './storage.js';
import { streamSignalsCommand } from './stream-signals.js';
import { simulateCommand, streamNewsCommand, streamOptionsCommand, streamStocksCommand, streamVixCommand } from './stream.js';
import { workersCommand } from './workers.js';
import { workerCommand } from './cluster.js';

const ml = defineCommand({
  command: 'ml <command>',
  describe: 'features, training, evaluation and explanation (XGBoost)',
  // One command() call per module: each keeps its own inferred argument type.
  builder: (y) => [generateFeaturesCommand, ...mlCommands].reduce((acc, c) => acc.command(c as CommandModule<GlobalArgs>), y).demandCommand(1),
  handler: () => undefined,
});

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
  streamSignalsCommand,
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
  engineerFeaturesCommand,
  ml,
  healthCommand,
  dashboardCommand,
  simCommand,
] as unknown as CommandModule<GlobalArgs, GlobalArgs>[];
