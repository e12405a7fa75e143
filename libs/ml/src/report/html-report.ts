import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpyglassError } from '@spyglass/core';
import type { BacktestMetrics } from '../evaluation/backtest.js';
import { precisionRecallCurve, rocAuc, rocCurve } from '../evaluation/classification-metrics.js';
import { histogram, type ExpectedValue, type RiskReport } from '../evaluation/error-analyzer.js';
import type { ImportanceRow } from '../evaluation/feature-importance.js';
import type { SpeedBenchmark } from '../evaluation/speed-benchmark.js';
import type { ThresholdSweepRow } from '../evaluation/threshold-finder.js';
import type { WalkForwardResult } from '../evaluation/walk-forward.js';
import type { ModelArtifact } from '../training/model-artifact.js';
import { barChartSvg, escapeHtml, lineChartSvg, thin } from './svg-charts.js';
import { pnlSectionHtml, pnlSummary, type PnlReport, type PnlSummary } from './pnl-section.js';

/**
 * One month's precision at the report threshold.
 *
 * @example
 * ```ts
 * const monthly: MonthlyPrecision[] = monthlyPrecisionAt(sensitivity.monthly, artifact.threshold);
 * ```
 */
export interface MonthlyPrecision {
  readonly month: string;
  readonly precision: number | null;
  readonly signals: number;
}

/**
 * A scored signal with its top SHAP factors (shape shared with the dashboard's model summary).
 *
 * @example
 * ```ts
 * const signal: ReportSignal = { timestamp: Date.UTC(2025, 2, 4, 15, 0), ticker: 'O:SPY250304C00601000', probability: 0.74, outcome: 'tp',
 *   topFactors: [{ feature: 'spy_rsi_14', value: 71.2, shap: 0.31 }] };
 * ```
 */
export interface ReportSignal {
  readonly timestamp: number;
  readonly ticker: string;
  readonly probability: number;
  readonly outcome?: 'tp' | 'fp' | null;
  /** max_gain_<N>m of the signal, a fraction (0.31 = +31 %). */
  readonly maxGain?: number | null;
  readonly topFactors: ReadonlyArray<{ readonly feature: string; readonly value: number | null; readonly shap: number }>;
}

/**
 * Everything the report shows.
 *
 * @example
 * ```ts
 * const { htmlPath } = writeReport('reports/ml/latest', input satisfies ReportInput);
 * console.log(`report at ${htmlPath}`);
 * ```
 */
export interface ReportInput {
  readonly title?: string;
  /** ISO-8601 UTC. */
  readonly generatedAt: string;
  /** Where the data came from, stated on the report, e.g. "exchange simulator, seed 42 (synthetic)". */
  readonly dataSource: string;
  readonly artifact: Omit<ModelArtifact, 'model'>;
  /** Labels and probabilities of the held-out test split (ROC and PR curves). */
  readonly test: { readonly labels: ArrayLike<number>; readonly probabilities: ArrayLike<number> };
  readonly backtest: BacktestMetrics;
  readonly thresholdSweep: readonly ThresholdSweepRow[];
  /** Gain importance (other types optional in `importanceByType`). */
  readonly importance: readonly ImportanceRow[];
  readonly importanceByType?: Partial<Record<'weight' | 'cover', readonly ImportanceRow[]>>;
  readonly monthlyPrecision: readonly MonthlyPrecision[];
  /** min_loss_<N>m of the backtest's false positives, fractions. */
  readonly falsePositiveDrawdowns: readonly number[];
  readonly riskReport?: RiskReport;
  readonly expectedValue?: ExpectedValue;
  readonly walkForward?: WalkForwardResult;
  readonly speed?: SpeedBenchmark;
  readonly recentSignals?: readonly ReportSignal[];
  /** The trading backtest of the held-out days (and of each walk-forward split). */
  readonly pnl?: PnlReport;
  /** Rows shown in the importance chart (default 20). */
  readonly topN?: number;
}

/**
 * The JSON summary next to the report. Its core fields follow the dashboard's
 * `reports/ml/latest/summary.json` contract (runId, generatedAt, threshold, metrics,
 * thresholdCurve, featureImportance, walkForward, recentSignals); the rest is extra detail.
 *
 * @example
 * ```ts
 * const s: ReportSummary = reportSummary(input);
 * console.log(s.runId, s.metrics.precision, s.baseline.beatsBaseline);
 * ```
 */
export interface ReportSummary {
  readonly runId: string;
  readonly generatedAt: string;
  readonly modelVersion: string;
  readonly threshold: number;
  readonly dataSource: string;
  readonly metrics: Record<string, number>;
  readonly thresholdCurve: ReadonlyArray<{ threshold: number; precision: number; recall: number; signals: number }>;
  readonly featureImportance: ReadonlyArray<{ feature: string; gain: number; weight?: number; cover?: number }>;
  readonly walkForward: ReadonlyArray<{ month: string; precision: number | null; signals: number }>;
  readonly walkForwardSummary: WalkForwardResult['summary'] | null;
  readonly recentSignals: readonly ReportSignal[];
  readonly dataRange: ModelArtifact['dataRange'];
  readonly gitRevision: string | null;
  readonly baseline: { readonly positiveRate: number; readonly rocAuc: number; readonly beatsBaseline: boolean };
  /** The trading backtest, when the report has one. */
  readonly pnl?: PnlSummary;
}

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(digits)} %`);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));


/**
 * The JSON summary of a report.
 *
 * @example
 * ```ts
 * const summary = reportSummary(input);
 * summary.metrics.rocAuc;
 * ```
 */
export function reportSummary(input: ReportInput): ReportSummary {
  const b = input.backtest;
  const auc = rocAuc(input.test.labels, input.test.probabilities);
  const weight = new Map(input.importanceByType?.weight?.map((r) => [r.feature, r.importance]));
  const cover = new Map(input.importanceByType?.cover?.map((r) => [r.feature, r.importance]));
  const metrics: Record<string, number> = {};
  const put = (k: string, v: number | null | undefined) => {
    if (v !== null && v !== undefined && Number.isFinite(v)) metrics[k] = v;
  };
  put('precision', b.precision);
  put('recall', b.recall);
  put('f1', b.f1);
  put('rocAuc', auc);
  put('accuracy', input.artifact.metrics.test.accuracy);
  put('signals', b.nSignals);
  put('testRows', b.nTestRows);
  put('positiveRate', b.positiveRateTest);
  put('lift', b.lift);
  put('precisionLift', b.precisionLift);
  put('validationRocAuc', input.artifact.metrics.validation.rocAuc);
  put('expectedValue', input.expectedValue?.expectedValue);
  put('predictP99Ms', input.speed?.p99Ms);
  return {
    runId: `${input.artifact.version}@${input.generatedAt}`,
    generatedAt: input.generatedAt,
    modelVersion: input.artifact.version,
    threshold: b.threshold,
    dataSource: input.dataSource,
    metrics,
    thresholdCurve: input.thresholdSweep.map((r) => ({ threshold: r.threshold, precision: r.precision, recall: r.recall, signals: r.nSignals })),
    featureImportance: input.importance.map((r) => ({
      feature: r.feature,
      gain: r.importance,
      ...(weight.has(r.feature) ? { weight: weight.get(r.feature)! } : {}),
      ...(cover.has(r.feature) ? { cover: cover.get(r.feature)! } : {}),
    })),
    walkForward: (input.walkForward?.splits ?? []).map((s) => ({ month: s.window.testMonth, precision: s.precision, signals: s.totalSignals })),
    walkForwardSummary: input.walkForward?.summary ?? null,
    recentSignals: input.recentSignals ?? [],
    dataRange: input.artifact.dataRange,
    gitRevision: input.artifact.gitRevision,
    baseline: { positiveRate: b.positiveRateTest, rocAuc: auc, beatsBaseline: auc > 0.5 && b.nSignals > 0 && b.precision > b.positiveRateTest },
    ...(input.pnl ? { pnl: pnlSummary(input.pnl) } : {}),
  };
}

function table(headers: string[], rows: string[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * A self-contained HTML report (inline SVG, inline CSS, no scripts): ROC and precision–recall
 * curves, threshold sweep, feature importance, monthly precision, false-positive drawdown
 * histogram, walk-forward and the key figures with the data source stated.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', buildHtmlReport(input));
 * ```
 */
export function buildHtmlReport(input: ReportInput): string {
  const s = reportSummary(input);
  const a = input.artifact;
  const b = input.backtest;
  const roc = thin(rocCurve(input.test.labels, input.test.probabilities));
  const pr = thin(precisionRecallCurve(input.test.labels, input.test.probabilities));
  const sweep = input.thresholdSweep;
  const top = input.importance.slice(0, input.topN ?? 20);
  const hist = histogram([...input.falsePositiveDrawdowns], 12);
  const charts = [
    lineChartSvg({ title: `ROC curve (test, AUC ${num(s.baseline.rocAuc)})`, xLabel: 'false-positive rate', yLabel: 'true-positive rate', series: [{ name: 'model', points: roc }], xDomain: [0, 1], yDomain: [0, 1], diagonal: true }),
    lineChartSvg({
      title: 'Precision–recall curve (test)',
      xLabel: 'recall',
      yLabel: 'precision',
      series: [{ name: 'model', points: pr }, { name: `base rate ${pct(b.positiveRateTest)}`, points: [{ x: 0, y: b.positiveRateTest }, { x: 1, y: b.positiveRateTest }] }],
      xDomain: [0, 1],
      yDomain: [0, 1],
    }),
    lineChartSvg({
      title: 'Threshold sweep',
      xLabel: 'threshold',
      yLabel: 'precision / recall / signal rate',
      series: [
        { name: 'precision', points: sweep.map((r) => ({ x: r.threshold, y: r.precision })) },
        { name: 'recall', points: sweep.map((r) => ({ x: r.threshold, y: r.recall })) },
        { name: 'signal rate', points: sweep.map((r) => ({ x: r.threshold, y: r.signalRate })) },
      ],
      yDomain: [0, 1],
    }),
    barChartSvg({ title: `Top ${top.length} features by gain`, labels: top.map((r) => r.feature), values: top.map((r) => r.importance), xLabel: 'gain' }),
    barChartSvg({
      title: `Monthly precision at threshold ${b.threshold}`,
      labels: input.monthlyPrecision.map((m) => `${m.month} (${m.signals})`),
      values: input.monthlyPrecision.map((m) => m.precision ?? 0),
      orientation: 'vertical',
      max: 1,
      yLabel: 'precision',
    }),
    barChartSvg({
      title: `False-positive drawdown (min_loss over the label window, n = ${input.falsePositiveDrawdowns.length})`,
      labels: hist.counts.map((_, i) => `${(100 * hist.edges[i]!).toFixed(0)}…${(100 * hist.edges[i + 1]!).toFixed(0)}%`),
      values: hist.counts,
      orientation: 'vertical',
      color: '#d62728',
      yLabel: 'false positives',
    }),
  ];
  if (input.walkForward?.splits.length) {
    charts.push(
      barChartSvg({
        title: `Walk-forward precision (${input.walkForward.config.mode})`,
        labels: input.walkForward.splits.map((x) => `${x.window.testMonth} (${x.totalSignals})`),
        values: input.walkForward.splits.map((x) => x.precision ?? 0),
        orientation: 'vertical',
        max: 1,
        color: '#2ca02c',
        yLabel: 'precision',
      }),
    );
  }
  const keyFigures = table(
    ['figure', 'value'],
    [
      ['data source', input.dataSource],
      ['model', `${a.version} (XGBoost ${a.xgboostVersion}, best iteration ${a.bestIteration})`],
      ['git revision', a.gitRevision ?? 'unknown'],
      ['data range', `train ${a.dataRange.train.from} → ${a.dataRange.train.to}; validation ${a.dataRange.validation.from} → ${a.dataRange.validation.to}; test ${a.dataRange.test.from} → ${a.dataRange.test.to}`],
      ['test rows / signals', `${b.nTestRows} / ${b.nSignals} (signal rate ${pct(b.signalRate, 2)})`],
      ['ROC-AUC (test)', `${num(s.baseline.rocAuc)} (chance 0.5)`],
      ['precision at threshold', `${pct(b.precision)} vs base rate ${pct(b.positiveRateTest)}${b.precisionLift ? ` (${b.precisionLift.toFixed(2)}×)` : ''}`],
      ['recall / F1', `${pct(b.recall)} / ${num(b.f1)}`],
      ['gain lift over all bars', b.lift === null ? '–' : `${b.lift.toFixed(2)}× (avg max gain ${num(b.avgGainSignals, 1)} % vs ${num(b.avgGainAllBars, 1)} %)`],
      ['beats the naive baseline', s.baseline.beatsBaseline ? 'yes: AUC > 0.5 and precision above the base rate' : 'no'],
      ...(input.expectedValue
        ? [['expected value per trade', `${pct(input.expectedValue.expectedValue, 2)} (break-even win rate ${pct(input.expectedValue.breakevenWinRate)})`]]
        : []),
      ...(input.speed ? [['single-row predict latency', `p50 ${num(input.speed.p50Ms)} ms, p99 ${num(input.speed.p99Ms)} ms (original mean 0.2 ms)`]] : []),
    ],
  );
  const risk = input.riskReport
    ? table(
        ['false positives', 'median drawdown', 'p90', 'worst', '0–5 %', '5–10 %', '10–15 %', '15–20 %', '> 20 %'],
        [[
          String(input.riskReport.totalFalsePositives),
          pct(input.riskReport.drawdown.median),
          pct(input.riskReport.drawdown.p90),
          pct(input.riskReport.drawdown.worst),
          ...Object.values(input.riskReport.buckets).map((v) => pct(v, 0)),
        ]],
      )
    : '';
  const wf = input.walkForward?.summary.precision
    ? `<p>Walk-forward (${input.walkForward.config.mode}, ${input.walkForward.config.trainMonths}-month training, purge ${input.walkForward.config.purgeMinutes} min): precision mean ${pct(input.walkForward.summary.precision.mean)}, median ${pct(input.walkForward.summary.precision.median)}, std ${pct(input.walkForward.summary.precision.std)} over ${input.walkForward.summary.splitsOk} splits.</p>`
    : '';
  const title = input.title ?? `spyglass model report: ${a.version}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}h1{font-size:1.5em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:16px}.note{color:#555;font-size:.9em}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p class="note">Generated ${escapeHtml(input.generatedAt)}. Figures come from <strong>${escapeHtml(input.dataSource)}</strong>; all metrics are on held-out test days unless stated.</p>
<h2>Key figures</h2>
${keyFigures}
<h2>Charts</h2>
<div class="charts">${charts.join('\n')}</div>
${input.pnl ? pnlSectionHtml(input.pnl) : ''}
${risk ? `<h2>False-positive risk</h2>${risk}` : ''}
${wf ? `<h2>Walk-forward validation</h2>${wf}` : ''}
</body></html>
`;
}

/**
 * Writes `report.html` and `summary.json` into `dir` (atomically) and returns their paths.
 *
 * @example
 * ```ts
 * const { htmlPath } = writeReport('data/reports/ml/latest', input);
 * console.log(`report: ${htmlPath}`);
 * ```
 */
export function writeReport(dir: string, input: ReportInput): { htmlPath: string; summaryPath: string; summary: ReportSummary } {
  const htmlPath = join(dir, 'report.html');
  const summaryPath = join(dir, 'summary.json');
  const summary = reportSummary(input);
  try {
    mkdirSync(dir, { recursive: true });
    for (const [path, text] of [
      [htmlPath, buildHtmlReport(input)],
      [summaryPath, `${JSON.stringify(summary, null, 2)}\n`],
    ] as const) {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    }
  } catch (cause) {
    throw new SpyglassError('STORAGE', `cannot write the report to ${dir}`, { cause, details: { dir } });
  }
  return { htmlPath, summaryPath, summary };
}
