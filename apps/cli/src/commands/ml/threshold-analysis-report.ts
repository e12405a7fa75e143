// What `spyglass ml threshold-analysis` writes besides its printout: the original's CSV columns
// (so its notebooks read them unchanged) and the monthly-signals bar chart.
import type { ThresholdAnalysis, monthlySummary } from '@spyglass/ml';

const ANALYSIS_HEADER =
  'threshold,total_signals,tp,fp,fn,tn,signal_rate,precision,recall,f1,tp_profit_avg,tp_profit_median,tp_profit_max,fp_loss_avg,fp_loss_median,fp_loss_worst,fn_missed_avg,expected_value';

/**
 * A CSV cell: the number as is, empty when there is none (`null`, NaN, ±Infinity).
 *
 * @example
 * ```ts
 * cell(0.8); // '0.8'
 * cell(null); // ''
 * ```
 */
export const cell = (v: number | null) => (v === null || !Number.isFinite(v) ? '' : String(v));
const analysisCells = (r: ThresholdAnalysis) =>
  [r.threshold, r.totalSignals, r.tp, r.fp, r.fn, r.tn, r.signalRate, r.precision, r.recall, r.f1, r.tpProfit.avg, r.tpProfit.median, r.tpProfit.max, r.fpLoss.avg, r.fpLoss.median, r.fpLoss.min, r.fnMissed.avg, r.expectedValue]
    .map(cell)
    .join(',');

/**
 * Threshold-analysis rows as the original's CSV, optionally led by a grouping column (`month`, `date`).
 *
 * @example
 * ```ts
 * writeText(join(outDir, 'monthly_breakdown.csv'), analysisCsv(s.monthly, 'month'));
 * ```
 */
export function analysisCsv<T extends ThresholdAnalysis>(rows: readonly T[], key?: keyof T & string): string {
  return [`${key ? `${key},` : ''}${ANALYSIS_HEADER}`, ...rows.map((r) => `${key ? `${String(r[key])},` : ''}${analysisCells(r)}`)].join('\n') + '\n';
}

/**
 * Signals per month at each key threshold as horizontal bars (the original's `plot_monthly_signals`).
 *
 * @example
 * ```ts
 * monthlySignalsChart(monthlySummary(s.monthly, [0.7, 0.8]), [0.7, 0.8]);
 * ```
 */
export function monthlySignalsChart(rows: ReturnType<typeof monthlySummary>, keys: readonly number[], width = 40): string {
  const max = Math.max(1, ...rows.flatMap((r) => keys.map((k) => r.byThreshold[String(k)]!.signals)));
  return [
    'Signals per month by threshold',
    ...rows.flatMap((r) => [
      r.month,
      ...keys.map((k) => {
        const n = r.byThreshold[String(k)]!.signals;
        return `  ${k.toFixed(2)} | ${'█'.repeat(Math.round((n / max) * width)).padEnd(width)} ${n}`;
      }),
    ]),
  ].join('\n');
}
