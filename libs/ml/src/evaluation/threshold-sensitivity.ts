import type { FeatureTable } from '../data/feature-table.js';
import { percentile } from './speed-benchmark.js';

/**
 * max/avg/median/min/std of a set of returns, fractions (null fields when empty).
 *
 * @example
 * ```ts
 * const { count, avg, median }: Stats = analyzeThreshold(test, probabilities, 0.67).fpLoss;
 * ```
 */
export interface Stats {
  readonly count: number;
  readonly max: number | null;
  readonly avg: number | null;
  readonly median: number | null;
  readonly min: number | null;
  readonly std: number | null;
}

/**
 * Everything about one threshold (the original's `_analyze_single_threshold`).
 *
 * @example
 * ```ts
 * const a: ThresholdAnalysis = analyzeThreshold(test, probabilities, 0.67);
 * console.log(a.totalSignals, a.precision, a.expectedValue);
 * ```
 */
export interface ThresholdAnalysis {
  readonly threshold: number;
  readonly totalSignals: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly signalRate: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** max_gain_<N>m of true positives. */
  readonly tpProfit: Stats;
  /** min_loss_<N>m of false positives. */
  readonly fpLoss: Stats;
  /** max_gain_<N>m of missed positives. */
  readonly fnMissed: Stats;
  /** precision × avg TP gain + (1 − precision) × avg FP loss, a fraction; null without gains/losses. */
  readonly expectedValue: number | null;
}

/**
 * Aggregate, per-month and per-day analyses over a grid of thresholds.
 *
 * @example
 * ```ts
 * const s: ThresholdSensitivity = thresholdSensitivity(test, probabilities, [0.5, 0.6, 0.67, 0.75]);
 * console.log(s.nMonths, s.aggregate.map((a) => a.precision));
 * ```
 */
export interface ThresholdSensitivity {
  readonly aggregate: ThresholdAnalysis[];
  readonly monthly: Array<ThresholdAnalysis & { readonly month: string }>;
  readonly daily: Array<ThresholdAnalysis & { readonly date: string }>;
  readonly dateRange: { readonly from: string | null; readonly to: string | null };
  readonly totalSamples: number;
  readonly nDates: number;
  readonly nMonths: number;
}

function stats(values: number[]): Stats {
  // NaN marks end-of-day bars whose 120-minute window is incomplete: excluded, as the original's dropna.
  const v = values.filter(Number.isFinite);
  if (!v.length) return { count: 0, max: null, avg: null, median: null, min: null, std: null };
  const avg = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.length > 1 ? v.reduce((a, b) => a + (b - avg) ** 2, 0) / (v.length - 1) : 0;
  return { count: v.length, max: Math.max(...v), avg, median: percentile(v, 50), min: Math.min(...v), std: Math.sqrt(variance) };
}

/**
 * Analyses one threshold over the given rows.
 *
 * @example
 * ```ts
 * analyzeThreshold(table, probabilities, 0.7).precision;
 * ```
 */
export function analyzeThreshold(
  table: Pick<FeatureTable, 'label' | 'maxGain' | 'minLoss'>,
  probabilities: ArrayLike<number>,
  threshold: number,
  rows?: readonly number[],
): ThresholdAnalysis {
  const idx = rows ?? Array.from({ length: table.label.length }, (_, i) => i);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const tpGain: number[] = [];
  const fpLoss: number[] = [];
  const fnGain: number[] = [];
  for (const i of idx) {
    const y = table.label[i]!;
    const signal = probabilities[i]! >= threshold;
    if (signal && y) {
      tp++;
      tpGain.push(table.maxGain?.[i] ?? Number.NaN);
    } else if (signal) {
      fp++;
      fpLoss.push(table.minLoss?.[i] ?? Number.NaN);
    } else if (y) {
      fn++;
      fnGain.push(table.maxGain?.[i] ?? Number.NaN);
    } else tn++;
  }
  const totalSignals = tp + fp;
  const precision = totalSignals ? tp / totalSignals : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const tpProfit = stats(tpGain);
  const fpLossStats = stats(fpLoss);
  let expectedValue: number | null = null;
  if (totalSignals && (tp === 0 || tpProfit.avg !== null) && (fp === 0 || fpLossStats.avg !== null)) {
    expectedValue = precision * (tpProfit.avg ?? 0) + (1 - precision) * (fpLossStats.avg ?? 0);
  }
  return {
    threshold,
    totalSignals,
    tp,
    fp,
    fn,
    tn,
    signalRate: idx.length ? totalSignals / idx.length : 0,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    tpProfit,
    fpLoss: fpLossStats,
    fnMissed: stats(fnGain),
    expectedValue,
  };
}

/**
 * The original's threshold-analysis: every threshold on all rows, per calendar month and per day.
 *
 * @example
 * ```ts
 * const s = thresholdSensitivity(table, probabilities, thresholdGrid({ from: 0.7, to: 0.95 }));
 * s.monthly.filter((m) => m.threshold === 0.7);
 * ```
 */
export function thresholdSensitivity(table: FeatureTable, probabilities: ArrayLike<number>, thresholds: readonly number[]): ThresholdSensitivity {
  const byMonth = new Map<string, number[]>();
  const byDay = new Map<string, number[]>();
  for (let i = 0; i < table.rows; i++) {
    const d = table.date[i]!;
    const m = d.slice(0, 7);
    (byMonth.get(m) ?? byMonth.set(m, []).get(m)!).push(i);
    (byDay.get(d) ?? byDay.set(d, []).get(d)!).push(i);
  }
  const months = [...byMonth.keys()].sort();
  const days = [...byDay.keys()].sort();
  return {
    aggregate: thresholds.map((t) => analyzeThreshold(table, probabilities, t)),
    monthly: months.flatMap((month) => thresholds.map((t) => ({ month, ...analyzeThreshold(table, probabilities, t, byMonth.get(month)) }))),
    daily: days.flatMap((date) => thresholds.map((t) => ({ date, ...analyzeThreshold(table, probabilities, t, byDay.get(date)) }))),
    dateRange: { from: days[0] ?? null, to: days.at(-1) ?? null },
    totalSamples: table.rows,
    nDates: days.length,
    nMonths: months.length,
  };
}

/**
 * A month's signals, precision and EV at each key threshold.
 *
 * @example
 * ```ts
 * const rows: MonthlySummaryRow[] = monthlySummary(sensitivity.monthly, [0.6, 0.67, 0.75]);
 * console.log(rows[0]?.month, rows[0]?.byThreshold['0.67']?.precision);
 * ```
 */
export interface MonthlySummaryRow {
  readonly month: string;
  readonly byThreshold: Record<string, { signals: number; precision: number; expectedValue: number | null }>;
}

/**
 * Pivots the monthly analysis to month × key threshold (the original's `generate_monthly_summary`).
 *
 * @example
 * ```ts
 * monthlySummary(s.monthly, [0.7, 0.75, 0.8])[0].byThreshold['0.7'].precision;
 * ```
 */
export function monthlySummary(monthly: ThresholdSensitivity['monthly'], keyThresholds: readonly number[]): MonthlySummaryRow[] {
  const months = [...new Set(monthly.map((m) => m.month))].sort();
  return months.map((month) => ({
    month,
    byThreshold: Object.fromEntries(
      keyThresholds.map((t) => {
        const row = monthly.find((m) => m.month === month && Math.abs(m.threshold - t) < 1e-9);
        return [String(t), { signals: row?.totalSignals ?? 0, precision: row?.precision ?? 0, expectedValue: row?.expectedValue ?? null }];
      }),
    ),
  }));
}

/**
 * Result of {@link findOptimalThreshold}.
 *
 * @example
 * ```ts
 * const r: OptimalThreshold = findOptimalThreshold(sensitivity.aggregate, { metric: 'f1', minPrecision: 0.6 });
 * if (r.status === 'SUCCESS') console.log(r.threshold);
 * ```
 */
export type OptimalThreshold =
  | { readonly status: 'SUCCESS'; readonly threshold: number; readonly metric: string; readonly analysis: ThresholdAnalysis }
  | { readonly status: 'NO_VALID_THRESHOLD'; readonly message: string };

/**
 * The threshold maximising `metric` among those with precision ≥ `minPrecision` and at least
 * `minSignals` signals.
 *
 * @example
 * ```ts
 * findOptimalThreshold(s.aggregate, { metric: 'expectedValue', minPrecision: 0.7, minSignals: 20 });
 * ```
 */
export function findOptimalThreshold(
  aggregate: readonly ThresholdAnalysis[],
  options: { metric?: 'expectedValue' | 'precision' | 'f1' | 'totalSignals'; minPrecision?: number; minSignals?: number } = {},
): OptimalThreshold {
  const { metric = 'expectedValue', minPrecision = 0, minSignals = 1 } = options;
  const valid = aggregate.filter((a) => a.precision >= minPrecision && a.totalSignals >= minSignals && a[metric] !== null);
  if (!valid.length) {
    return { status: 'NO_VALID_THRESHOLD', message: `no threshold has precision ≥ ${minPrecision} with ≥ ${minSignals} signals` };
  }
  const best = valid.reduce((a, b) => ((b[metric] as number) > (a[metric] as number) ? b : a));
  return { status: 'SUCCESS', threshold: best.threshold, metric, analysis: best };
}

/**
 * A human-readable recommendation with the figures behind it.
 *
 * @example
 * ```ts
 * for (const r of thresholdRecommendations(sensitivity.aggregate, { minPrecision: 0.7 }) as ThresholdRecommendation[]) console.log(r.name, r.text);
 * ```
 */
export interface ThresholdRecommendation {
  readonly name: string;
  readonly result: OptimalThreshold;
  readonly text: string;
}

/**
 * The original's two recommendations: best expected value at ≥ `minPrecision`, and highest
 * precision with enough signals to matter.
 *
 * @example
 * ```ts
 * thresholdRecommendations(s.aggregate).forEach((r) => console.log(r.text));
 * ```
 */
export function thresholdRecommendations(
  aggregate: readonly ThresholdAnalysis[],
  options: { minPrecision?: number; minSignals?: number } = {},
): ThresholdRecommendation[] {
  const { minPrecision = 0.7, minSignals = 20 } = options;
  const describe = (name: string, r: OptimalThreshold): ThresholdRecommendation => ({
    name,
    result: r,
    text:
      r.status === 'SUCCESS'
        ? `${name}: threshold ${r.threshold.toFixed(2)} → ${r.analysis.totalSignals} signals, precision ${(100 * r.analysis.precision).toFixed(1)}%` +
          (r.analysis.expectedValue === null ? '' : `, EV ${r.analysis.expectedValue.toFixed(1)}% per trade`)
        : `${name}: ${r.message}`,
  });
  return [
    describe('best expected value', findOptimalThreshold(aggregate, { metric: 'expectedValue', minPrecision, minSignals })),
    describe('highest precision', findOptimalThreshold(aggregate, { metric: 'precision', minSignals })),
  ];
}

/**
 * Precision and signal count per month at one threshold (null precision for months without signals).
 *
 * @example
 * ```ts
 * monthlyPrecisionAt(s.monthly, 0.67); // [{ month: '2025-03', precision: 0.91, signals: 44 }, …]
 * ```
 */
export function monthlyPrecisionAt(
  monthly: ThresholdSensitivity['monthly'],
  threshold: number,
): Array<{ month: string; precision: number | null; signals: number }> {
  return monthly
    .filter((m) => Math.abs(m.threshold - threshold) < 1e-9)
    .map((m) => ({ month: m.month, precision: m.totalSignals ? m.precision : null, signals: m.totalSignals }));
}
