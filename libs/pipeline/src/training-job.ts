import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataRootLayout, SpyglassError, systemClock, type Clock, type Logger, type MlConfig } from '@spyglass/core';
import { formatPnlLine, pnlTradesCsv, type PnlEvaluation, type TradeRules } from '@spyglass/backtest';
import { evaluateModelPnl } from './pnl-backtest.js';
import {
  Booster,
  ModelStore,
  Scorer,
  XGBoostTrainer,
  allFeatureImportances,
  backtest,
  benchmarkPredictionSpeed,
  expectedValue,
  falsePositives,
  findThresholdForPrecision,
  importanceCsv,
  loadFeatureTable,
  monthlyPrecisionAt,
  predictSplit,
  riskReport,
  runWalkForward,
  stopLossImpact,
  thresholdGrid,
  thresholdSensitivity,
  thresholdSweep,
  tradesCsv,
  writeReport,
  type BacktestMetrics,
  type ClassificationMetrics,
  type PnlSplit,
  type ReportSignal,
  type SpeedBenchmark,
  type TrainerConfig,
  type FeatureTable,
  type WalkForwardFoldRunner,
  type WalkForwardResult,
} from '@spyglass/ml';

/**
 * Options of {@link runTrainingJob}.
 *
 * @example
 * ```ts
 * const opts: TrainingJobOptions = { root: 'data', ml: config.ml, labelWindowMinutes: 120, dataSource: 'exchange simulator, seed 42', walkForward: true };
 * await runTrainingJob(opts);
 * ```
 */
export interface TrainingJobOptions {
  readonly root: string;
  readonly ml: MlConfig;
  /** The label window (minutes), so walk-forward purges at least that much. */
  readonly labelWindowMinutes: number;
  readonly from?: string;
  readonly to?: string;
  /** Stated on the report, e.g. `exchange simulator, seed 42 (synthetic data)`. */
  readonly dataSource: string;
  readonly gitRevision?: string | null;
  readonly xgboostLibraryPath?: string;
  /** Run walk-forward validation (skipped with a note when the data spans too few months). */
  readonly walkForward?: boolean;
  /**
   * Where the walk-forward folds run: given the loaded table and its date range, a fold runner
   * (e.g. `@spyglass/cluster`'s `WalkForwardJobs.runner`: BullMQ jobs on any machine's worker);
   * default one after the other in this process. The results are the same.
   */
  readonly walkForwardFolds?: (table: FeatureTable, source: { readonly from?: string; readonly to?: string }) => WalkForwardFoldRunner;
  /** Trading rules of the P&L backtest (defaults: `DEFAULT_TRADE_RULES` of `@spyglass/backtest`). */
  readonly tradeRules?: Partial<TradeRules>;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly onProgress?: (stage: string, detail: string) => void;
}

/**
 * What the training job produced and where.
 *
 * @example
 * ```ts
 * const r: TrainingJobResult = await runTrainingJob(opts);
 * console.log(`model in ${r.modelDir}, report ${r.reportHtml}, test precision ${r.test.precision}`);
 * ```
 */
export interface TrainingJobResult {
  readonly runId: string;
  readonly rows: number;
  readonly days: number;
  readonly positiveRate: number;
  readonly modelDir: string;
  readonly reportHtml: string;
  readonly summaryJson: string;
  readonly threshold: number;
  readonly validation: ClassificationMetrics;
  readonly test: ClassificationMetrics;
  readonly backtest: BacktestMetrics;
  /** The trading backtest of the test days (P&L with costs, intervals, baselines, calibration). */
  readonly pnl: PnlEvaluation;
  readonly speed: SpeedBenchmark;
  readonly walkForward: WalkForwardResult | { readonly skipped: string };
}

/**
 * The ml.yaml section mapped onto the trainer's configuration.
 *
 * @example
 * ```ts
 * const trainer = new XGBoostTrainer({ config: trainerConfigFrom(config.ml) }); // numRounds → rounds, eta → learningRate, …
 * ```
 */
export function trainerConfigFrom(ml: MlConfig): Partial<TrainerConfig> {
  const x = ml.xgboost;
  return {
    rounds: x.numRounds,
    maxDepth: x.maxDepth,
    learningRate: x.eta,
    subsample: x.subsample,
    colsampleBytree: x.colsampleBytree,
    minChildWeight: x.minChildWeight,
    gamma: x.gamma,
    earlyStoppingRounds: x.earlyStoppingRounds,
    evalMetric: x.evalMetric,
    seed: x.seed,
    nthread: x.nthread,
    threshold: ml.threshold.default,
    trainRatio: ml.split.train,
    valRatio: ml.split.validation,
    balanceMethod: ml.balance.method,
  };
}

/**
 * The original's steps 33–43 as one run over the stored feature dataset: chronological split →
 * balanced training with early stopping → threshold chosen on validation (the lowest reaching the
 * target precision with enough signals) → backtest on the held-out test days → importance, threshold sensitivity, error
 * analysis, speed, SHAP explanations of recent signals → walk-forward → an HTML report and a JSON
 * summary (also copied to `reports/ml/latest/summary.json` for the dashboard).
 *
 * @example
 * ```ts
 * const config = loadConfig({ dir: 'config', env: process.env });
 * const r = await runTrainingJob({ root: 'data', ml: config.ml, labelWindowMinutes: 120, dataSource: 'exchange simulator (synthetic)' });
 * console.log(r.reportHtml, r.test.rocAuc);
 * ```
 */
export async function runTrainingJob(o: TrainingJobOptions): Promise<TrainingJobResult> {
  const clock = o.clock ?? systemClock;
  const lib = o.xgboostLibraryPath ? { libraryPath: o.xgboostLibraryPath } : {};
  const say = (stage: string, detail: string) => {
    o.onProgress?.(stage, detail);
    o.logger?.info({ stage }, `${stage}: ${detail}`);
  };
  const table = await loadFeatureTable({ root: o.root, ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) });
  const days = new Set(table.date).size;
  if (table.rows === 0 || days < 5) {
    const range = o.from || o.to ? ` from ${o.from ?? 'the first stored day'} to ${o.to ?? 'the last'}` : '';
    // A range with feature days outside it needs a wider range, not generate-features.
    const stored = await readdir(dataRootLayout(o.root).processedDataset('features')).catch(() => [] as string[]);
    const hint = range && stored.some((d) => d.startsWith('date=')) ? 'widen the range: the stored feature days lie outside it' : 'run generate-features first';
    throw new SpyglassError('INVALID_ARGUMENT', `training needs feature rows on at least 5 trading days under ${o.root}/processed/features${range}; found ${table.rows} rows on ${days} days (${hint})`);
  }
  let positives = 0;
  for (let i = 0; i < table.rows; i++) positives += table.label[i]!;
  say('load', `${table.rows.toLocaleString('en-US')} rows × ${table.columns.length} features over ${days} days, ${((positives / table.rows) * 100).toFixed(2)} % positive`);

  const runId = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
  const trainer = new XGBoostTrainer({ config: trainerConfigFrom(o.ml), clock, ...lib });
  const run = await trainer.train(table, {
    version: `xgboost_${runId}`,
    gitRevision: o.gitRevision ?? null,
    onProgress: (p) => {
      if (p.iteration % 25 === 0) say('train', `iteration ${p.iteration}`);
    },
  });
  say('train', `best iteration ${run.artifact.bestIteration}; validation ROC-AUC ${run.artifact.metrics.validation.rocAuc.toFixed(3)}, test ROC-AUC ${run.artifact.metrics.test.rocAuc.toFixed(3)}`);

  // Threshold: chosen on validation only (the original's step 39), so the test days stay untouched until the backtest.
  const predictions = predictSplit(run.artifact, table, lib);
  const grid = { from: o.ml.threshold.sweep.from, to: o.ml.threshold.sweep.to, step: o.ml.threshold.sweep.step };
  const choice = findThresholdForPrecision(predictions.split.validation.label, predictions.validation, {
    ...grid,
    minPrecision: o.ml.threshold.targetPrecision,
    minSignals: o.ml.threshold.minSignals,
  });
  const threshold = choice.optimalThreshold ?? run.artifact.threshold;
  // Saved once, with the chosen threshold, so live scoring and `ml backtest` use it by default.
  const modelDir = new ModelStore(o.root).save({ ...run.artifact, threshold }, { runId });
  say(
    'threshold',
    `${threshold}: validation precision ${choice.achievedPrecision.toFixed(3)}, recall ${choice.achievedRecall.toFixed(3)}, ${choice.nSignals} signals` +
      (choice.achievable ? '' : ` (target precision ${o.ml.threshold.targetPrecision} not reached with ≥ ${o.ml.threshold.minSignals} signals: most precise threshold taken)`),
  );

  const testTable = predictions.split.test;
  const bt = backtest(testTable, predictions.test, { threshold });
  const layout = dataRootLayout(o.root);
  const reportDir = layout.mlReport(runId);
  await mkdir(reportDir, { recursive: true });
  await writeFile(join(reportDir, 'trades.csv'), tradesCsv(bt.trades, table.labelWindowMinutes));
  say('backtest', `${bt.metrics.nSignals} signals on ${predictions.split.days.test.length} test days, precision ${bt.metrics.precision.toFixed(3)} vs base rate ${bt.metrics.positiveRateTest.toFixed(3)}`);

  // The trading view of the same test days: fills, costs and exits on the option bars, against baselines.
  const simulator = /simulat|synthetic/i.test(o.dataSource);
  const pnlBase = { root: o.root, simulator, ...(o.tradeRules ? { rules: o.tradeRules } : {}), ...lib };
  const pnl = await evaluateModelPnl({ ...pnlBase, test: testTable, probabilities: predictions.test, train: predictions.split.train, threshold });
  await writeFile(join(reportDir, 'pnl_trades.csv'), pnlTradesCsv(pnl.trades));
  say('pnl', formatPnlLine(pnl));

  using booster = Booster.fromJson(run.artifact.model, lib);
  const importance = allFeatureImportances(booster, run.artifact.featureColumns);
  await writeFile(join(reportDir, 'feature_importance.csv'), importanceCsv(importance.gain));

  const sensitivity = thresholdSensitivity(testTable, predictions.test, thresholdGrid(grid));
  const fp = falsePositives(bt.trades);
  const risk = riskReport(fp);
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  const tp = bt.trades.filter((t) => t.isTruePositive);
  const ev = expectedValue({
    precision: bt.metrics.precision,
    avgWin: mean(finite(tp.map((t) => t.maxGain120m))),
    avgLoss: mean(finite(fp.map((t) => t.minLoss120m))),
  });
  await writeFile(join(reportDir, 'stop_loss_impact.json'), JSON.stringify(stopLossImpact(fp), null, 2));

  using scorer = Scorer.load(modelDir, { ...lib, threshold });
  const cols = run.artifact.featureColumns.length;
  const probe = testTable.data.subarray(0, cols);
  const speed = benchmarkPredictionSpeed(() => scorer.probability(probe), { iterations: 2000 });
  say('speed', `single-row predict p50 ${speed.p50Ms.toFixed(3)} ms, p99 ${speed.p99Ms.toFixed(3)} ms (original: 0.2 ms mean)`);

  const recentSignals: ReportSignal[] = bt.trades.slice(-10).map((t) => {
    const row = findRow(testTable, t.ticker, t.timestamp);
    const e = scorer.explain(testTable.data.subarray(row * cols, (row + 1) * cols));
    return {
      timestamp: t.timestamp,
      ticker: t.ticker,
      probability: t.probability,
      outcome: t.isTruePositive ? 'tp' : 'fp',
      maxGain: Number.isFinite(t.maxGain120m) ? t.maxGain120m : null,
      topFactors: e.factors.map((f) => ({ feature: f.feature, value: f.value, shap: f.shap })),
    };
  });

  let walkForward: WalkForwardResult | { skipped: string };
  const pnlSplits: PnlSplit[] = [];
  const months = new Set(table.date.map((d) => d.slice(0, 7))).size;
  const wf = o.ml.walkForward;
  if (o.walkForward === false) walkForward = { skipped: 'turned off' };
  else if (months < wf.trainMonths + wf.testMonths) walkForward = { skipped: `the data spans ${months} month(s); walk-forward needs ${wf.trainMonths + wf.testMonths}` };
  else {
    walkForward = await runWalkForward(table, {
      ...lib,
      config: { mode: wf.mode, trainMonths: wf.trainMonths, testMonths: wf.testMonths, stepMonths: wf.stepMonths, purgeMinutes: Math.max(wf.purgeMinutes, o.labelWindowMinutes), labelHorizonMinutes: o.labelWindowMinutes, threshold },
      trainer: trainerConfigFrom(o.ml),
      ...(o.walkForwardFolds ? { folds: o.walkForwardFolds(table, { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) }) } : {}),
      onTestPredictions: async (split, test, probabilities, train) => {
        const e = await evaluateModelPnl({ ...pnlBase, test, probabilities, train, threshold, linearBaseline: false, randomDraws: 100, bootstrapDraws: 500 });
        pnlSplits.push({ label: split.window.testMonth, trades: e.metrics.trades, totalPnl: e.metrics.totalPnl, meanTradeReturn: e.intervals.meanTradeReturn, precision: e.intervals.precision, sharpe: e.intervals.sharpe });
      },
    });
  }
  say('walk-forward', 'skipped' in walkForward ? `skipped: ${walkForward.skipped}` : `${walkForward.splits.length} splits`);

  const { htmlPath, summaryPath } = writeReport(reportDir, {
    title: 'spyglass: XGBoost 20 %-in-120-minutes model',
    generatedAt: new Date(clock.now()).toISOString(),
    dataSource: o.dataSource,
    artifact: { ...run.artifact, threshold },
    test: { labels: testTable.label, probabilities: predictions.test },
    backtest: bt.metrics,
    thresholdSweep: thresholdSweep(testTable.label, predictions.test, grid),
    importance: importance.gain,
    importanceByType: { weight: importance.weight, cover: importance.cover },
    monthlyPrecision: monthlyPrecisionAt(sensitivity.monthly, threshold),
    falsePositiveDrawdowns: finite(fp.map((t) => t.minLoss120m)),
    riskReport: risk,
    expectedValue: ev,
    ...('skipped' in walkForward ? {} : { walkForward }),
    speed,
    recentSignals,
    pnl: { evaluation: pnl, splits: pnlSplits },
  });
  const latest = layout.modelSummary;
  await mkdir(join(latest, '..'), { recursive: true });
  await copyFile(summaryPath, latest);
  await copyFile(htmlPath, join(latest, '..', 'report.html'));
  say('report', htmlPath);
  return {
    runId,
    rows: table.rows,
    days,
    positiveRate: positives / table.rows,
    modelDir,
    reportHtml: htmlPath,
    summaryJson: summaryPath,
    threshold,
    validation: run.artifact.metrics.validation,
    test: run.artifact.metrics.test,
    backtest: bt.metrics,
    pnl,
    speed,
    walkForward,
  };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function findRow(table: { rows: number; ticker: readonly string[]; timestamp: ArrayLike<number> }, ticker: string, timestamp: number): number {
  for (let i = 0; i < table.rows; i++) if (table.timestamp[i] === timestamp && table.ticker[i] === ticker) return i;
  throw new SpyglassError('NOT_FOUND', `no test row for ${ticker} at ${new Date(timestamp).toISOString()}`);
}

