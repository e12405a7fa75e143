// The terminal summaries the original's CLI printed after each ML command, as plain strings so
// the CLI (and logs) print them and tests can read them.
import type { BacktestMetrics } from '../evaluation/backtest.js';
import type { ExpectedValue, RiskReport, StopLossImpactRow } from '../evaluation/error-analyzer.js';
import type { SpeedBenchmark } from '../evaluation/speed-benchmark.js';
import type { PrecisionThreshold } from '../evaluation/threshold-finder.js';
import type { WalkForwardResult } from '../evaluation/walk-forward.js';
import type { TrainingRun } from '../training/xgboost-trainer.js';

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(digits)}%`);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

/**
 * The `ml train` summary: rows per part, features, best iteration, validation metrics, paths.
 *
 * @example
 * ```ts
 * console.log(formatTrainingSummary(run, { modelDir: 'data/models/v1', metricsLog: 'data/logs/training/metrics.jsonl' }));
 * ```
 */
export function formatTrainingSummary(run: TrainingRun, paths: { modelDir?: string; metricsLog?: string } = {}): string {
  const a = run.artifact;
  const v = a.metrics.validation;
  const p = run.split.parts;
  return [
    `Training summary (${a.version})`,
    `  rows: train ${p.train.rows} (balanced to ${run.balance.after.rows}), validation ${p.validation.rows}, test ${p.test.rows}`,
    `  days: train ${p.train.from} → ${p.train.to}, validation ${p.validation.from} → ${p.validation.to}, test ${p.test.from} → ${p.test.to}`,
    `  features: ${a.featureColumns.length}`,
    `  best iteration: ${a.bestIteration} of ${run.training.iterationsRun}${run.training.stoppedEarly ? ' (early stopping)' : ''}`,
    `  validation accuracy: ${pct(v.accuracy)}`,
    `  validation precision: ${pct(v.precision)} at threshold ${a.threshold}`,
    `  validation recall: ${pct(v.recall)}`,
    `  validation F1: ${num(v.f1)}`,
    `  validation ROC-AUC: ${num(v.rocAuc)} (test ${num(a.metrics.test.rocAuc)})`,
    ...(paths.modelDir ? [`  model: ${paths.modelDir}`] : []),
    ...(paths.metricsLog ? [`  metrics log: ${paths.metricsLog}`] : []),
  ].join('\n');
}

/**
 * The `ml backtest` summary.
 *
 * @example
 * ```ts
 * console.log(formatBacktestSummary(result.metrics, { trades: 'trades.csv' }));
 * ```
 */
export function formatBacktestSummary(m: BacktestMetrics, paths: { trades?: string; report?: string } = {}): string {
  return [
    `Backtest (test split only, threshold ${m.threshold})`,
    `  test rows: ${m.nTestRows} (positive rate ${pct(m.positiveRateTest)})`,
    `  signals: ${m.nSignals} (${pct(m.signalRate, 2)} of bars)`,
    `  true positives: ${m.nTruePositives} | false positives: ${m.nFalsePositives}`,
    `  precision: ${pct(m.precision)} | recall: ${pct(m.recall)} | F1: ${num(m.f1)}`,
    `  ROC-AUC: ${num(m.rocAuc)}`,
    `  avg max gain, all bars: ${num(m.avgGainAllBars, 1)}% | signals: ${num(m.avgGainSignals, 1)}%`,
    `  avg max gain, TP: ${num(m.avgGainTp, 1)}% | FP: ${num(m.avgGainFp, 1)}%`,
    `  lift over all bars: ${m.lift === null ? 'n/a' : `${m.lift.toFixed(2)}x`}${m.precisionLift === null ? '' : ` (precision ${m.precisionLift.toFixed(2)}x the base rate)`}`,
    ...(paths.trades ? [`  trades: ${paths.trades}`] : []),
    ...(paths.report ? [`  report: ${paths.report}`] : []),
  ].join('\n');
}

/**
 * The `ml find-threshold` sweep table and recommendation.
 *
 * @example
 * ```ts
 * console.log(formatThresholdSearch(findThresholdForPrecision(y, p, { minPrecision: 0.9 }), 0.9));
 * ```
 */
export function formatThresholdSearch(r: PrecisionThreshold, minPrecision: number): string {
  const rows = r.sweep.map((s) => `  ${s.threshold.toFixed(2)}  ${pct(s.precision).padStart(7)}  ${pct(s.recall).padStart(7)}  ${String(s.nSignals).padStart(7)}`);
  const verdict = r.achievable
    ? `Recommended threshold: ${r.optimalThreshold?.toFixed(2)} → precision ${pct(r.achievedPrecision)}, recall ${pct(r.achievedRecall)}, ${r.nSignals} signals`
    : `Precision ${pct(minPrecision)} is not achievable on validation; best ${pct(r.achievedPrecision)} at ${r.optimalThreshold?.toFixed(2) ?? 'n/a'}`;
  return ['  thresh  precision   recall  signals', ...rows, verdict].join('\n');
}

/**
 * The `ml benchmark-speed` printout.
 *
 * @example
 * ```ts
 * console.log(formatSpeedBenchmark(benchmarkPredictionSpeed(() => scorer.probability(row))));
 * ```
 */
export function formatSpeedBenchmark(s: SpeedBenchmark): string {
  return [
    `Single-row prediction latency (${s.iterations} calls)`,
    `  mean ${num(s.meanMs)} ms | p50 ${num(s.p50Ms)} | p95 ${num(s.p95Ms)} | p99 ${num(s.p99Ms)} | max ${num(s.maxMs)}`,
    `  vs the original's 0.2 ms mean: ${s.ratioToOriginalMean.toFixed(2)}x`,
    `  100 ms requirement: ${s.meets100msRequirement ? 'met' : 'NOT met'}`,
  ].join('\n');
}

/**
 * The `ml analyze-errors` report: drawdown distribution, buckets, stop-loss table, EV.
 *
 * @example
 * ```ts
 * console.log(formatErrorAnalysis(riskReport(fp), stopLossImpact(fp), ev));
 * ```
 */
export function formatErrorAnalysis(r: RiskReport, stops: readonly StopLossImpactRow[], ev?: ExpectedValue): string {
  const d = r.drawdown;
  const lines = [
    `False positives: ${r.totalFalsePositives} (${pct(r.shareNeverBelowEntry)} never went below entry)`,
    `  worst drawdown: mean ${pct(d.mean)} | median ${pct(d.median)} | p25 ${pct(d.p25)} | p75 ${pct(d.p75)} | p90 ${pct(d.p90)} | worst ${pct(d.worst)}`,
    `  buckets: ${Object.entries(r.buckets).map(([k, v]) => `${k} ${pct(v, 0)}`).join(' | ')}`,
    '  stop   triggered   exit   worst uncaught',
    ...stops.map((s) => `  ${pct(s.stopLoss, 0).padStart(4)}  ${`${s.triggeredCount} (${pct(s.triggeredShare, 0)})`.padStart(10)}  ${pct(s.exitLoss, 0).padStart(4)}  ${s.uncaughtMaxLoss === null ? 'none' : pct(s.uncaughtMaxLoss)}`),
    `  recommended stops: conservative ${pct(r.recommendedStops.conservative)} | moderate ${pct(r.recommendedStops.moderate)} | aggressive ${pct(r.recommendedStops.aggressive)}`,
  ];
  if (ev) {
    lines.push(
      `Expected value per trade: ${pct(ev.expectedValue, 2)} (${ev.profitable ? 'profitable' : 'not profitable'})`,
      `  win rate ${pct(ev.winRate)} × avg win ${pct(ev.avgWin)} + loss rate ${pct(ev.lossRate)} × avg loss ${pct(ev.avgLoss)}`,
      `  break-even win rate: ${pct(ev.breakevenWinRate)}`,
    );
  }
  return lines.join('\n');
}

/**
 * The `ml walk-forward` per-split table and summary.
 *
 * @example
 * ```ts
 * console.log(formatWalkForward(await runWalkForward(table)));
 * ```
 */
export function formatWalkForward(w: WalkForwardResult): string {
  const header = `Walk-forward (${w.config.mode}, train ${w.config.trainMonths} mo, test ${w.config.testMonths} mo, purge ${w.config.purgeMinutes} min, threshold ${w.config.threshold})`;
  const rows = w.splits.map(
    (s) =>
      `  ${s.window.testMonth}  train ${s.window.trainFrom}→${s.window.trainTo}  ` +
      (s.status === 'OK' ? `signals ${s.totalSignals}  precision ${pct(s.precision)}  AUC ${num(s.rocAuc)}  EV ${pct(s.expectedValue)}` : `${s.status}: ${s.reason}`),
  );
  const p = w.summary.precision;
  const summary = p
    ? `  precision mean ${pct(p.mean)} | median ${pct(p.median)} | std ${pct(p.std)} | range ${pct(p.min)}–${pct(p.max)} over ${w.summary.splitsOk} splits`
    : `  ${w.summary.status}`;
  return [header, ...rows, summary].join('\n');
}
