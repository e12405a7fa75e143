// `spyglass ml threshold-analysis`: every threshold of a range at once, so a threshold is picked
// knowing its monthly and daily spread, not only its aggregate.
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { Booster, monthlySummary, predictSplit, predictTable, thresholdGrid, thresholdRecommendations, thresholdSensitivity, type FeatureTable } from '@spyglass/ml';
import { loadWritingContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';
import { pct } from './percent.js';
import { writeText } from './report-files.js';
import { analysisCsv, cell, monthlySignalsChart } from './threshold-analysis-report.js';
import { dataRootLayout } from '@spyglass/core';

/** The arguments of `spyglass ml threshold-analysis`. */
export interface SensitivityArgs extends ModelArgs {
  'min-threshold': number;
  'max-threshold': number;
  step: number;
  'test-only': boolean;
  'min-precision': number;
  'min-signals': number;
  output?: string;
}

/**
 * `spyglass ml threshold-analysis`: every threshold in a range, in aggregate, per month and per day, with recommendations.
 *
 * @example
 * ```sh
 * spyglass ml threshold-analysis --min-threshold 0.7 --max-threshold 0.95 --step 0.01
 * ```
 */
export const thresholdAnalysisCommand = defineCommand({
  command: 'threshold-analysis',
  describe: 'threshold sensitivity: aggregate, monthly and daily signals/precision/EV per threshold, and two recommendations',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      'min-threshold': { type: 'number', default: 0.7, describe: 'first threshold' },
      'max-threshold': { type: 'number', default: 0.95, describe: 'last threshold' },
      step: { type: 'number', default: 0.01, describe: 'threshold step' },
      'min-precision': { type: 'number', default: 0.7, describe: 'precision floor of the best-expected-value recommendation' },
      'min-signals': { type: 'number', default: 20, describe: 'fewest signals a recommended threshold needs' },
      'test-only': { type: 'boolean', default: false, describe: 'only the model’s held-out test days (default: its whole data range, training days included, as the original)' },
      output: { type: 'string', describe: 'output directory (default <data-root>/reports/threshold_analysis)' },
    }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const thresholds = thresholdGrid({ from: a['min-threshold'], to: a['max-threshold'], step: a.step });
    const m = loadModel(ctx, a);
    const full = await tableForModel(ctx, m, a);
    let table: FeatureTable = full;
    let probabilities: Float32Array;
    if (a['test-only']) {
      const p = predictSplit(m.artifact, full, xgboostLibrary());
      table = p.split.test;
      probabilities = p.test;
    } else {
      using booster = Booster.fromJson(m.artifact.model, xgboostLibrary());
      probabilities = predictTable(booster, full, m.artifact.featureColumns);
    }
    const s = thresholdSensitivity(table, probabilities, thresholds);
    const keys = [0.7, 0.75, 0.8, 0.85, 0.9].filter((k) => thresholds.some((t) => Math.abs(t - k) < 1e-9));
    const monthly = monthlySummary(s.monthly, keys);
    const recommendations = thresholdRecommendations(s.aggregate, { minPrecision: checkedProbability('min-precision', a['min-precision'])!, minSignals: a['min-signals'] });
    const outDir = a.output ?? dataRootLayout(ctx.dataRoot).report('threshold_analysis');
    const monthlyCsv =
      [`month,${keys.flatMap((k) => [`signals_${k}`, `precision_${k}`, `ev_${k}`]).join(',')}`, ...monthly.map((r) => [r.month, ...keys.flatMap((k) => { const c = r.byThreshold[String(k)]!; return [c.signals, c.precision, cell(c.expectedValue)]; })].join(','))].join('\n') + '\n';
    const files = {
      aggregate: writeText(join(outDir, 'aggregate_analysis.csv'), analysisCsv(s.aggregate)),
      monthly: writeText(join(outDir, 'monthly_breakdown.csv'), analysisCsv(s.monthly, 'month')),
      daily: writeText(join(outDir, 'daily_breakdown.csv'), analysisCsv(s.daily, 'date')),
      monthlySummary: writeText(join(outDir, 'monthly_summary.csv'), monthlyCsv),
      aggregateKeyThresholds: writeText(join(outDir, 'aggregate_key_thresholds.csv'), analysisCsv(s.aggregate.filter((r) => keys.some((k) => Math.abs(k - r.threshold) < 1e-9)))),
      monthlySignalsChart: writeText(join(outDir, 'monthly_signals_chart.txt'), `${monthlySignalsChart(monthly, keys)}\n`),
      recommendations: writeText(join(outDir, 'recommendations.json'), `${JSON.stringify(recommendations, null, 2)}\n`),
    };
    const scope = a['test-only'] ? 'held-out test days' : 'the model’s whole data range (training days included: optimistic)';
    printResult(
      a,
      { model: m.dir, version: m.artifact.version, scope: a['test-only'] ? 'test' : 'all', dateRange: s.dateRange, totalSamples: s.totalSamples, nDates: s.nDates, nMonths: s.nMonths, aggregate: s.aggregate, monthly: s.monthly, daily: s.daily, monthlySummary: monthly, recommendations, files },
      () =>
        [
          `Threshold analysis over ${scope}: ${s.totalSamples} rows, ${s.nDates} days (${s.dateRange.from} → ${s.dateRange.to}), ${s.nMonths} month(s)`,
          '  thresh  signals   TP    FP  precision  recall   EV/trade',
          ...s.aggregate
            .filter((r) => keys.length === 0 || keys.some((k) => Math.abs(k - r.threshold) < 1e-9))
            .map((r) => `  ${r.threshold.toFixed(2)}  ${String(r.totalSignals).padStart(7)} ${String(r.tp).padStart(4)} ${String(r.fp).padStart(5)}  ${pct(r.totalSignals ? r.precision : null).padStart(9)}  ${pct(r.recall).padStart(6)}  ${r.expectedValue === null ? 'n/a' : `${r.expectedValue.toFixed(1)}%`}`),
          monthlySignalsChart(monthly, keys),
          'Monthly signals / precision',
          ...monthly.map((r) => `  ${r.month}  ${keys.map((k) => { const c = r.byThreshold[String(k)]!; return `${k}: ${c.signals} / ${pct(c.signals ? c.precision : null)}`; }).join('  ')}`),
          'Recommendations',
          ...recommendations.map((r) => `  ${r.text}`),
          `  files: ${outDir}`,
        ].join('\n'),
    );
  },
});
