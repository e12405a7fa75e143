// `spyglass ml train`: trains one model on the CLI's range and saves it through the ModelStore
// (the trainer app and `spyglass run` train through runTrainingJob, which saves through it too).
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { ModelStore, XGBoostTrainer, formatTrainingSummary, loadFeatureTable } from '@spyglass/ml';
import { trainerConfigFrom } from '@spyglass/pipeline';
import { loadWritingContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { gitRevision } from '../../git-revision.js';
import { checkedDay, rangeOptions, type RangeArgs } from './cli-arguments.js';
import { xgboostLibrary } from './model-context.js';
import { stamp } from './report-files.js';

/** The arguments of `spyglass ml train`. */
export interface TrainArgs extends RangeArgs {
  'model-version'?: string;
  rounds?: number;
}

/**
 * `spyglass ml train`: split → balance → XGBoost with early stopping → artifact + metrics log.
 *
 * @example
 * ```sh
 * spyglass ml train --start-date 2025-03-03 --end-date 2026-02-19 --model-version xgboost_v2
 * ```
 */
export const trainCommand = defineCommand({
  command: 'train',
  describe: 'train the XGBoost model on the feature dataset (chronological split, balanced training part, early stopping); save the artifact',
  builder: (y) =>
    y.options({
      ...rangeOptions,
      'model-version': { type: 'string', describe: 'artifact version / directory name (default xgboost_<timestamp>)' },
      rounds: { type: 'number', describe: 'boosting rounds (default ml.xgboost.numRounds)' },
    }),
  handler: async (a) => {
    const ctx = loadWritingContext(a, a.rounds === undefined ? {} : { ml: { xgboost: { numRounds: a.rounds } } });
    const from = checkedDay('start-date', a['start-date']);
    const to = checkedDay('end-date', a['end-date']);
    const table = await loadFeatureTable({ root: ctx.dataRoot, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    const version = a['model-version'] ?? `xgboost_${stamp()}`;
    const store = new ModelStore(ctx.dataRoot);
    store.dir(version); // a bad --model-version fails before training, not after
    const trainer = new XGBoostTrainer({ config: trainerConfigFrom(ctx.config.ml), ...xgboostLibrary() });
    const run = await trainer.train(table, {
      version,
      gitRevision: gitRevision(),
      onProgress: (p) => {
        if (!a.json && p.iteration % 25 === 0) process.stderr.write(`  iteration ${p.iteration}\n`);
      },
    });
    const modelDir = store.save(run.artifact);
    const metricsLog = store.metricsLog;
    const { model: _bytes, ...artifact } = run.artifact;
    printResult(a, { modelDir, metricsLog, artifact, split: run.split, balance: run.balance, training: run.training }, () =>
      formatTrainingSummary(run, { modelDir, metricsLog }),
    );
  },
});
