// The `spyglass ml …` commands after `generate-features`, one per file; shared argument, model and
// report-file helpers live beside them.
import { analyzeErrorsCommand } from './analyze-errors.js';
import { backtestCommand } from './backtest.js';
import { benchmarkSpeedCommand } from './benchmark-speed.js';
import { explainSignalCommand } from './explain-signal.js';
import { featureImportanceCommand } from './feature-importance.js';
import { findThresholdCommand } from './find-threshold.js';
import { thresholdAnalysisCommand } from './threshold-analysis.js';
import { trainCommand } from './train.js';
import { walkForwardCommand } from './walk-forward.js';

/**
 * Every `spyglass ml` subcommand after `generate-features`, in `--help` order.
 *
 * @example
 * ```ts
 * yargs.command({ command: 'ml <command>', builder: (y) => y.command([generateFeaturesCommand, ...mlCommands]), handler: () => undefined });
 * ```
 */
export const mlCommands = [
  trainCommand,
  featureImportanceCommand,
  backtestCommand,
  findThresholdCommand,
  benchmarkSpeedCommand,
  analyzeErrorsCommand,
  thresholdAnalysisCommand,
  explainSignalCommand,
  walkForwardCommand,
] as const;
