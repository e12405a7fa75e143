// `spyglass ml feature-importance`: which features the model's trees split on, by each XGBoost importance type.
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { dataRootLayout, SpyglassError } from '@spyglass/core';
import { Booster, IMPORTANCE_TYPES, allFeatureImportances, importanceAsciiChart, importanceCsv, type ImportanceType } from '@spyglass/ml';
import { loadWritingContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { modelOption, type ModelArgs } from './cli-arguments.js';
import { loadModel, xgboostLibrary } from './model-context.js';
import { writeText } from './report-files.js';

/** The arguments of `spyglass ml feature-importance`. */
export interface ImportanceArgs extends ModelArgs {
  'importance-type': ImportanceType | 'all';
  'top-n': number;
  'output-dir'?: string;
}

/**
 * `spyglass ml feature-importance`: weight, gain, cover, total_gain, total_cover; CSV and a top-N chart.
 *
 * @example
 * ```sh
 * spyglass ml feature-importance --importance-type all --top-n 15
 * ```
 */
export const featureImportanceCommand = defineCommand({
  command: 'feature-importance',
  describe: 'feature importance of a model (weight, gain, cover, total_gain, total_cover): CSV per type and a top-N chart',
  builder: (y) =>
    y.options({
      ...modelOption,
      'importance-type': { choices: [...IMPORTANCE_TYPES, 'all'] as const, default: 'gain' as const, describe: 'importance type, or all five' },
      'top-n': { type: 'number', default: 20, describe: 'features in the chart' },
      'output-dir': { type: 'string', describe: 'CSV directory (default <data-root>/reports/ml/importance)' },
    }),
  handler: (a) => {
    const ctx = loadWritingContext(a);
    if (!(Number.isInteger(a['top-n']) && a['top-n'] > 0)) throw new SpyglassError('INVALID_ARGUMENT', `--top-n must be a positive integer, got ${a['top-n']}`);
    const m = loadModel(ctx, a);
    using booster = Booster.fromJson(m.artifact.model, xgboostLibrary());
    const all = allFeatureImportances(booster, m.artifact.featureColumns);
    const types = a['importance-type'] === 'all' ? [...IMPORTANCE_TYPES] : [a['importance-type']];
    const outDir = a['output-dir'] ?? dataRootLayout(ctx.dataRoot).mlReport('importance');
    const results = types.map((type) => ({
      type,
      csv: writeText(join(outDir, `${m.artifact.version}_${type}_importance.csv`), importanceCsv(all[type])),
      usedFeatures: all[type].filter((r) => r.importance > 0).length,
      top: all[type].slice(0, a['top-n']),
    }));
    printResult(a, { model: m.dir, version: m.artifact.version, features: m.artifact.featureColumns.length, results }, () =>
      results
        .map((r) => `Top ${r.top.length} features by ${r.type} (${r.usedFeatures} of ${m.artifact.featureColumns.length} used in splits)\n${importanceAsciiChart(all[r.type], a['top-n'])}\n  csv: ${r.csv}`)
        .join('\n\n'),
    );
  },
});
