// `spyglass ml find-threshold`: the threshold is chosen on validation days so the test days stay unseen.
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { findThresholdForPrecision, formatThresholdSearch, predictSplit } from '@spyglass/ml';
import { loadContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';
import { pct } from './percent.js';

/** The arguments of `spyglass ml find-threshold`. */
export interface FindThresholdArgs extends ModelArgs {
  'min-precision'?: number;
  'min-signals'?: number;
  'sweep-from'?: number;
  'sweep-to'?: number;
  step?: number;
}

/**
 * `spyglass ml find-threshold`: the lowest threshold reaching a precision on the validation days.
 *
 * @example
 * ```sh
 * spyglass ml find-threshold --min-precision 0.9
 * ```
 */
export const findThresholdCommand = defineCommand({
  command: 'find-threshold',
  describe: 'sweep thresholds on the validation days for the lowest one reaching --min-precision',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      'min-precision': { type: 'number', describe: 'required precision (default ml.threshold.targetPrecision)' },
      'min-signals': { type: 'number', describe: 'fewest validation signals that count (default ml.threshold.minSignals)' },
      'sweep-from': { type: 'number', describe: 'first threshold (default ml.threshold.sweep.from)' },
      'sweep-to': { type: 'number', describe: 'last threshold (default ml.threshold.sweep.to)' },
      step: { type: 'number', describe: 'sweep step (default ml.threshold.sweep.step)' },
    }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const t = ctx.config.ml.threshold;
    const minPrecision = checkedProbability('min-precision', a['min-precision']) ?? t.targetPrecision;
    const minSignals = a['min-signals'] ?? t.minSignals;
    const m = loadModel(ctx, a);
    const table = await tableForModel(ctx, m, a);
    const p = predictSplit(m.artifact, table, xgboostLibrary());
    const r = findThresholdForPrecision(p.split.validation.label, p.validation, {
      from: a['sweep-from'] ?? t.sweep.from,
      to: a['sweep-to'] ?? t.sweep.to,
      step: a.step ?? t.sweep.step,
      minPrecision,
      minSignals,
    });
    const days = p.split.days.validation;
    printResult(a, { model: m.dir, version: m.artifact.version, minPrecision, minSignals, validationDays: days, ...r }, () =>
      [
        `Threshold search on ${p.split.validation.rows} validation rows (${days[0]} → ${days.at(-1)}), precision ≥ ${pct(minPrecision)} with ≥ ${minSignals} signals`,
        formatThresholdSearch(r, minPrecision),
        r.achievable ? `  use it: spyglass ml backtest --model ${m.dir} --threshold ${r.optimalThreshold}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  },
});
