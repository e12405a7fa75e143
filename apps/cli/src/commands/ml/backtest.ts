// `spyglass ml backtest`: the model's signals on days it never trained on, as trades and metrics.
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { dataRootLayout, SpyglassError } from '@spyglass/core';
import { formatBacktestSummary, runBacktest, tradesCsv, trainingOverlap } from '@spyglass/ml';
import { loadContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';
import { stamp, writeText } from './report-files.js';

/** The arguments of `spyglass ml backtest`. */
export interface BacktestArgs extends ModelArgs {
  threshold?: number;
  'output-dir'?: string;
  'allow-training-days': boolean;
}

/**
 * `spyglass ml backtest`: the model's held-out test days only; trades CSV and metrics incl. lift.
 *
 * @example
 * ```sh
 * spyglass ml backtest --model data/models/xgboost_v2 --threshold 0.67
 * ```
 */
export const backtestCommand = defineCommand({
  command: 'backtest',
  describe: 'backtest a model on its held-out test days: trades CSV (with max_gain_120m, min_loss_120m) and metrics incl. lift',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      threshold: { type: 'number', describe: 'signal threshold (default: the artifact’s)' },
      'output-dir': { type: 'string', describe: 'output directory (default <data-root>/reports/ml/backtest)' },
      'allow-training-days': { type: 'boolean', default: false, describe: 'evaluate even when the test days overlap the model’s train/validation range (flagged in the output)' },
    }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const threshold = checkedProbability('threshold', a.threshold);
    const m = loadModel(ctx, a);
    const table = await tableForModel(ctx, m, a);
    const result = runBacktest(m.artifact, table, { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
    // A --start-date/--end-date range is split afresh, so its "test" part can be days the model learned from.
    const seen = trainingOverlap(m.artifact, result.testDays);
    const { train, validation } = m.artifact.dataRange;
    const seenWhy = `${seen.length} of ${result.testDays.length} test days (${seen[0]}…${seen.at(-1)}) lie in the model's train (${train.from}…${train.to}) or validation (${validation.from}…${validation.to}) range`;
    if (seen.length > 0 && !a['allow-training-days']) {
      throw new SpyglassError('INVALID_ARGUMENT', `ml backtest: ${seenWhy}: its metrics there are not a test. Start after ${validation.to}, or pass --allow-training-days to evaluate anyway (flagged)`, {
        details: { trainingDays: seen },
      });
    }
    const outDir = a['output-dir'] ?? dataRootLayout(ctx.dataRoot).mlReport('backtest');
    const ts = stamp();
    const trades = writeText(join(outDir, `${m.artifact.version}_trades_${ts}.csv`), tradesCsv(result.trades));
    const summary = { model: m.dir, version: m.artifact.version, testDays: result.testDays, trainingDaysInTest: seen, metrics: result.metrics, trades };
    const report = writeText(join(outDir, `${m.artifact.version}_backtest_${ts}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    const warning = seen.length > 0 ? `WARNING: ${seenWhy}; these figures are optimistic, not a test.\n` : '';
    printResult(a, { ...summary, report }, () => warning + formatBacktestSummary(result.metrics, { trades, report }) + (warning ? `\n${warning.trimEnd()}` : ''));
  },
});
