// `spyglass ml …`: the original's ML commands (steps 33–43) over the stored feature dataset and the
// saved model artifacts. Every handler composes @spyglass/ml; the figures and printouts come from
// the library, this file only resolves paths, options and output files.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { SpyglassError } from '@spyglass/core';
import {
  ARTIFACT_FILES,
  Booster,
  IMPORTANCE_TYPES,
  Scorer,
  XGBoostTrainer,
  allFeatureImportances,
  appendMetricsLog,
  asciiHistogram,
  benchmarkPredictionSpeed,
  expectedValue,
  falsePositives,
  findThresholdForPrecision,
  formatBacktestSummary,
  formatErrorAnalysis,
  formatExplanation,
  formatSpeedBenchmark,
  formatThresholdSearch,
  formatTrainingSummary,
  formatWalkForward,
  histogram,
  importanceAsciiChart,
  importanceCsv,
  loadFeatureTable,
  loadModelArtifact,
  monthlySummary,
  parseTradesCsv,
  predictSplit,
  predictTable,
  riskReport,
  runBacktest,
  runWalkForward,
  saveModelArtifact,
  stopLossImpact,
  thresholdGrid,
  thresholdRecommendations,
  thresholdSensitivity,
  tradesCsv,
  walkForwardAsciiChart,
  walkForwardWindows,
  type FeatureTable,
  type ImportanceType,
  type LoadedFeatureTable,
  type ModelArtifact,
  type ThresholdAnalysis,
  type Trade,
  type XGBoostLibraryOptions,
} from '@spyglass/ml';
import { trainerConfigFrom } from '@spyglass/pipeline';
import { loadContext, type CliContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { gitRevision } from '../git-revision.js';

interface RangeArgs extends GlobalArgs {
  'start-date'?: string;
  'end-date'?: string;
}
interface ModelArgs extends RangeArgs {
  model?: string;
}

const rangeOptions = {
  'start-date': { type: 'string', describe: 'first trading day of the feature data (default: all, or the model’s data range)' },
  'end-date': { type: 'string', describe: 'last trading day of the feature data' },
} as const;
const modelOption = {
  model: { type: 'string', describe: 'model directory (default: the newest under <data-root>/models by savedAt)' },
} as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The libxgboost override for other installs (e.g. a Python wheel's libxgboost.so); apps decode it, libraries never read env. */
function xgboostLibrary(): XGBoostLibraryOptions {
  return process.env.SPYGLASS_XGBOOST_LIB ? { libraryPath: process.env.SPYGLASS_XGBOOST_LIB } : {};
}


function checkedDay(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !DAY.test(value)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${value} is not a YYYY-MM-DD date`);
  return value;
}

function checkedProbability(flag: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(value > 0 && value < 1)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} must be a probability in (0, 1), got ${value}`);
  return value;
}

/**
 * The newest model directory under `<dataRoot>/models`, by the artifact's `savedAt` (directory
 * names are free-form versions, so their order says nothing).
 *
 * @example
 * ```ts
 * const dir = latestModelDir('data'); // 'data/models/xgboost_2025-03-31T…'
 * ```
 */
function latestModelDir(dataRoot: string): string {
  const modelsDir = join(dataRoot, 'models');
  const candidates = existsSync(modelsDir)
    ? readdirSync(modelsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(modelsDir, e.name, ARTIFACT_FILES.metadata)))
        .map((e) => {
          const dir = join(modelsDir, e.name);
          let savedAt = '';
          try {
            savedAt = String((JSON.parse(readFileSync(join(dir, ARTIFACT_FILES.metadata), 'utf8')) as { savedAt?: unknown }).savedAt ?? '');
          } catch {
            // An unreadable artifact sorts last; loading it (explicitly, or as the only one) reports why.
          }
          return { dir, savedAt };
        })
    : [];
  const newest = candidates.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0))[0];
  if (!newest) throw new SpyglassError('NOT_FOUND', `no model under ${modelsDir}: run \`spyglass ml train\` first or pass --model <dir>`, { details: { modelsDir } });
  return newest.dir;
}

interface LoadedModel {
  readonly dir: string;
  readonly artifact: ModelArtifact;
}

function loadModel(ctx: CliContext, a: ModelArgs): LoadedModel {
  const dir = a.model ?? latestModelDir(ctx.dataRoot);
  return { dir, artifact: loadModelArtifact(dir) };
}

/**
 * The feature rows a model is evaluated on. Default: the model's own data range, so the
 * chronological split reproduces the exact validation and test days the model never trained on.
 */
async function tableForModel(ctx: CliContext, m: LoadedModel, a: RangeArgs): Promise<LoadedFeatureTable> {
  const from = checkedDay('start-date', a['start-date']) ?? m.artifact.dataRange.from ?? undefined;
  const to = checkedDay('end-date', a['end-date']) ?? m.artifact.dataRange.to ?? undefined;
  const table = await loadFeatureTable({ root: ctx.dataRoot, columns: m.artifact.featureColumns, ...(from ? { from } : {}), ...(to ? { to } : {}) });
  if (table.rows === 0) {
    throw new SpyglassError('NOT_FOUND', `no labelled feature rows between ${from ?? 'the start'} and ${to ?? 'the end'} under ${ctx.dataRoot}/processed/features: run \`spyglass ml generate-features\``);
  }
  return table;
}

function writeText(path: string, text: string): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (cause) {
    throw new SpyglassError('STORAGE', `cannot write ${path}: ${(cause as Error).message}`, { cause, details: { path } });
  }
  return path;
}

/** A file-name-safe stamp of now, so repeated runs never overwrite each other's outputs. */
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
const finite = (xs: readonly number[]) => xs.filter(Number.isFinite);
const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(1)}%`);

// ───────────────────────────────────────────── ml train

interface TrainArgs extends RangeArgs {
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
const trainCommand: CommandModule<GlobalArgs, TrainArgs> = {
  command: 'train',
  describe: 'train the XGBoost model on the feature dataset (chronological split, balanced training part, early stopping); save the artifact',
  builder: (y) =>
    y.options({
      ...rangeOptions,
      'model-version': { type: 'string', describe: 'artifact version / directory name (default xgboost_<timestamp>)' },
      rounds: { type: 'number', describe: 'boosting rounds (default ml.xgboost.numRounds)' },
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a, a.rounds === undefined ? {} : { ml: { xgboost: { numRounds: a.rounds } } });
    const from = checkedDay('start-date', a['start-date']);
    const to = checkedDay('end-date', a['end-date']);
    const table = await loadFeatureTable({ root: ctx.dataRoot, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    const version = a['model-version'] ?? `xgboost_${stamp()}`;
    if (!/^[\w.-]+$/.test(version)) throw new SpyglassError('INVALID_ARGUMENT', `--model-version "${version}" must be a plain directory name ([A-Za-z0-9_.-])`);
    const trainer = new XGBoostTrainer({ config: trainerConfigFrom(ctx.config.ml), ...xgboostLibrary() });
    const run = await trainer.train(table, {
      version,
      gitRevision: gitRevision(),
      onProgress: (p) => {
        if (!a.json && p.iteration % 25 === 0) process.stderr.write(`  iteration ${p.iteration}\n`);
      },
    });
    const modelDir = join(ctx.dataRoot, 'models', version);
    saveModelArtifact(modelDir, run.artifact);
    const metricsLog = join(ctx.dataRoot, 'logs', 'training', 'metrics.jsonl');
    appendMetricsLog(metricsLog, { version, savedAt: run.artifact.savedAt, ...run.artifact.metrics });
    const { model: _bytes, ...artifact } = run.artifact;
    printResult(a, { modelDir, metricsLog, artifact, split: run.split, balance: run.balance, training: run.training }, () =>
      formatTrainingSummary(run, { modelDir, metricsLog }),
    );
  },
};

// ───────────────────────────────────────────── ml feature-importance

interface ImportanceArgs extends ModelArgs {
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
const featureImportanceCommand: CommandModule<GlobalArgs, ImportanceArgs> = {
  command: 'feature-importance',
  describe: 'feature importance of a model (weight, gain, cover, total_gain, total_cover): CSV per type and a top-N chart',
  builder: (y) =>
    y.options({
      ...modelOption,
      'importance-type': { choices: [...IMPORTANCE_TYPES, 'all'], default: 'gain', describe: 'importance type, or all five' },
      'top-n': { type: 'number', default: 20, describe: 'features in the chart' },
      'output-dir': { type: 'string', describe: 'CSV directory (default <data-root>/reports/ml/importance)' },
    }) as never,
  handler: (a) => {
    const ctx = loadContext(a);
    if (!(Number.isInteger(a['top-n']) && a['top-n'] > 0)) throw new SpyglassError('INVALID_ARGUMENT', `--top-n must be a positive integer, got ${a['top-n']}`);
    const m = loadModel(ctx, a);
    using booster = Booster.fromJson(m.artifact.model, xgboostLibrary());
    const all = allFeatureImportances(booster, m.artifact.featureColumns);
    const types = a['importance-type'] === 'all' ? [...IMPORTANCE_TYPES] : [a['importance-type']];
    const outDir = a['output-dir'] ?? join(ctx.dataRoot, 'reports', 'ml', 'importance');
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
};

// ───────────────────────────────────────────── ml backtest

interface BacktestArgs extends ModelArgs {
  threshold?: number;
  'output-dir'?: string;
}

/**
 * `spyglass ml backtest`: the model's held-out test days only; trades CSV and metrics incl. lift.
 *
 * @example
 * ```sh
 * spyglass ml backtest --model data/models/xgboost_v2 --threshold 0.67
 * ```
 */
const backtestCommand: CommandModule<GlobalArgs, BacktestArgs> = {
  command: 'backtest',
  describe: 'backtest a model on its held-out test days: trades CSV (with max_gain_120m, min_loss_120m) and metrics incl. lift',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      threshold: { type: 'number', describe: 'signal threshold (default: the artifact’s)' },
      'output-dir': { type: 'string', describe: 'output directory (default <data-root>/reports/ml/backtest)' },
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
    const threshold = checkedProbability('threshold', a.threshold);
    const m = loadModel(ctx, a);
    const table = await tableForModel(ctx, m, a);
    const result = runBacktest(m.artifact, table, { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
    const outDir = a['output-dir'] ?? join(ctx.dataRoot, 'reports', 'ml', 'backtest');
    const ts = stamp();
    const trades = writeText(join(outDir, `${m.artifact.version}_trades_${ts}.csv`), tradesCsv(result.trades));
    const summary = { model: m.dir, version: m.artifact.version, testDays: result.testDays, metrics: result.metrics, trades };
    const report = writeText(join(outDir, `${m.artifact.version}_backtest_${ts}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    printResult(a, { ...summary, report }, () => formatBacktestSummary(result.metrics, { trades, report }));
  },
};

// ───────────────────────────────────────────── ml find-threshold

interface FindThresholdArgs extends ModelArgs {
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
const findThresholdCommand: CommandModule<GlobalArgs, FindThresholdArgs> = {
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
    }) as never,
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
};

// ───────────────────────────────────────────── ml benchmark-speed

interface SpeedArgs extends ModelArgs {
  iterations: number;
  'shap-iterations'?: number;
}

/**
 * `spyglass ml benchmark-speed`: single-row predict and SHAP latency against the original's 0.2 ms mean.
 *
 * @example
 * ```sh
 * spyglass ml benchmark-speed --iterations 5000 --json
 * ```
 */
const benchmarkSpeedCommand: CommandModule<GlobalArgs, SpeedArgs> = {
  command: 'benchmark-speed',
  describe: 'single-row prediction latency (p50/p95/p99 vs the original’s 0.2 ms mean) and SHAP explanation latency',
  builder: (y) =>
    y.options({
      ...modelOption,
      iterations: { type: 'number', default: 1000, describe: 'timed single-row predictions' },
      'shap-iterations': { type: 'number', describe: 'timed SHAP explanations (default iterations / 10, at least 50)' },
    }) as never,
  handler: (a) => {
    const ctx = loadContext(a);
    const m = loadModel(ctx, a);
    using scorer = Scorer.fromArtifact(m.artifact, xgboostLibrary());
    // The original timed a zero vector: latency of a tree walk barely depends on the values.
    const row = new Float32Array(scorer.featureColumns.length);
    const predict = benchmarkPredictionSpeed(() => scorer.probability(row), { iterations: a.iterations });
    const shapIterations = a['shap-iterations'] ?? Math.max(50, Math.round(a.iterations / 10));
    const shap = benchmarkPredictionSpeed(() => scorer.explain(row), { iterations: shapIterations, warmup: 5 });
    printResult(a, { model: m.dir, version: m.artifact.version, features: scorer.featureColumns.length, predict, shap }, () =>
      [
        formatSpeedBenchmark(predict),
        `SHAP explanation latency (${shap.iterations} calls, top-10 factors with readings)`,
        `  mean ${shap.meanMs.toFixed(3)} ms | p50 ${shap.p50Ms.toFixed(3)} | p95 ${shap.p95Ms.toFixed(3)} | p99 ${shap.p99Ms.toFixed(3)} | max ${shap.maxMs.toFixed(3)}`,
      ].join('\n'),
    );
  },
};

// ───────────────────────────────────────────── ml analyze-errors

interface ErrorsArgs extends ModelArgs {
  trades?: string;
  threshold?: number;
  output?: string;
}

/**
 * `spyglass ml analyze-errors`: how bad the false positives got, what stops would do, EV per trade.
 *
 * @example
 * ```sh
 * spyglass ml analyze-errors --trades data/reports/ml/backtest/xgboost_v2_trades_….csv --output risk.json
 * ```
 */
const analyzeErrorsCommand: CommandModule<GlobalArgs, ErrorsArgs> = {
  command: 'analyze-errors',
  describe: 'false-positive drawdowns (distribution, buckets), stop-loss impact, expected value and break-even win rate',
  builder: (y) =>
    y.options({
      trades: { type: 'string', describe: 'trades CSV from `ml backtest` (default: backtest --model now)' },
      ...modelOption,
      ...rangeOptions,
      threshold: { type: 'number', describe: 'threshold of the backtest run when --trades is not given' },
      output: { type: 'string', describe: 'also write the risk report as JSON here' },
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
    let trades: Trade[];
    let source: string;
    if (a.trades) {
      let text: string;
      try {
        text = readFileSync(a.trades, 'utf8');
      } catch (cause) {
        throw new SpyglassError('NOT_FOUND', `cannot read trades CSV ${a.trades}: ${(cause as Error).message}`, { cause });
      }
      trades = parseTradesCsv(text);
      source = a.trades;
    } else {
      const threshold = checkedProbability('threshold', a.threshold);
      const m = loadModel(ctx, a);
      const r = runBacktest(m.artifact, await tableForModel(ctx, m, a), { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
      trades = r.trades;
      source = `backtest of ${m.dir} at threshold ${r.metrics.threshold}`;
    }
    const fp = falsePositives(trades);
    const tp = trades.filter((t) => t.isTruePositive);
    const risk = riskReport(fp);
    const stops = stopLossImpact(fp);
    const losses = finite(fp.map((t) => t.minLoss120m));
    // As the original: EV at the signals' precision, losses capped by the conservative (p75) stop.
    const ev =
      trades.length && tp.length && losses.length
        ? expectedValue({
            precision: tp.length / trades.length,
            avgWinPct: mean(finite(tp.map((t) => t.maxGain120m))),
            avgLossPct: mean(losses),
            stopLossPct: risk.recommendedStops.conservative,
          })
        : undefined;
    const hist = histogram(losses, 10);
    const result = { source, trades: trades.length, truePositives: tp.length, falsePositives: fp.length, risk, stopLossImpact: stops, expectedValue: ev ?? null, drawdownHistogram: hist };
    if (a.output) writeText(a.output, `${JSON.stringify(result, null, 2)}\n`);
    printResult(a, { ...result, output: a.output ?? null }, () =>
      [
        `Error analysis of ${trades.length} signals (${source})`,
        ...(losses.length ? ['False-positive worst drawdown within 120 min (%)', asciiHistogram(hist)] : ['no false positives with a known drawdown']),
        formatErrorAnalysis(risk, stops, ev),
        ...(ev ? [] : ['Expected value: n/a (needs both true and false positives)']),
        ...(a.output ? [`  report: ${a.output}`] : []),
      ].join('\n'),
    );
  },
};

// ───────────────────────────────────────────── ml threshold-analysis

interface SensitivityArgs extends ModelArgs {
  'min-threshold': number;
  'max-threshold': number;
  step: number;
  'test-only': boolean;
  'min-precision': number;
  'min-signals': number;
  output?: string;
}

const ANALYSIS_HEADER =
  'threshold,total_signals,tp,fp,fn,tn,signal_rate,precision,recall,f1,tp_profit_avg,tp_profit_median,tp_profit_max,fp_loss_avg,fp_loss_median,fp_loss_worst,fn_missed_avg,expected_value';
const cell = (v: number | null) => (v === null || !Number.isFinite(v) ? '' : String(v));
const analysisCells = (r: ThresholdAnalysis) =>
  [r.threshold, r.totalSignals, r.tp, r.fp, r.fn, r.tn, r.signalRate, r.precision, r.recall, r.f1, r.tpProfit.avg, r.tpProfit.median, r.tpProfit.max, r.fpLoss.avg, r.fpLoss.median, r.fpLoss.min, r.fnMissed.avg, r.expectedValue]
    .map(cell)
    .join(',');
function analysisCsv<T extends ThresholdAnalysis>(rows: readonly T[], key?: keyof T & string): string {
  return [`${key ? `${key},` : ''}${ANALYSIS_HEADER}`, ...rows.map((r) => `${key ? `${String(r[key])},` : ''}${analysisCells(r)}`)].join('\n') + '\n';
}

/** Signals per month at each key threshold as horizontal bars (the original's `plot_monthly_signals`). */
function monthlySignalsChart(rows: ReturnType<typeof monthlySummary>, keys: readonly number[], width = 40): string {
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

/**
 * `spyglass ml threshold-analysis`: every threshold in a range, in aggregate, per month and per day, with recommendations.
 *
 * @example
 * ```sh
 * spyglass ml threshold-analysis --min-threshold 0.7 --max-threshold 0.95 --step 0.01
 * ```
 */
const thresholdAnalysisCommand: CommandModule<GlobalArgs, SensitivityArgs> = {
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
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
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
    const outDir = a.output ?? join(ctx.dataRoot, 'reports', 'threshold_analysis');
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
};

// ───────────────────────────────────────────── ml explain-signal

interface ExplainArgs extends ModelArgs {
  ticker?: string;
  timestamp?: string;
  row?: number;
  threshold?: number;
  'top-n': number;
}

function parseTimestamp(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new SpyglassError('INVALID_ARGUMENT', `--timestamp ${value} is neither an ISO-8601 time nor epoch milliseconds`);
  return ms;
}

/**
 * `spyglass ml explain-signal`: SHAP top factors of one scored row, read in plain English.
 *
 * @example
 * ```sh
 * spyglass ml explain-signal --ticker O:SPY250205P00547000 --timestamp 2025-02-05T14:33:00Z
 * ```
 */
const explainSignalCommand: CommandModule<GlobalArgs, ExplainArgs> = {
  command: 'explain-signal',
  describe: 'explain one prediction with SHAP: top factors in plain English, risk factors, close-call warning (default: the test split’s most confident row)',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      ticker: { type: 'string', describe: 'option ticker (O:SPY…); alone: its most confident test row' },
      timestamp: { type: 'string', describe: 'bar start (ISO-8601 or epoch ms), with --ticker' },
      row: { type: 'number', describe: 'row index within the test split' },
      threshold: { type: 'number', describe: 'threshold (default: the artifact’s)' },
      'top-n': { type: 'number', default: 10, describe: 'factors to show' },
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
    const threshold = checkedProbability('threshold', a.threshold);
    if (a.timestamp !== undefined && a.ticker === undefined) throw new SpyglassError('INVALID_ARGUMENT', '--timestamp needs --ticker');
    if (a.row !== undefined && (a.ticker !== undefined || a.timestamp !== undefined)) throw new SpyglassError('INVALID_ARGUMENT', 'pass either --row or --ticker [--timestamp], not both');
    const m = loadModel(ctx, a);
    const p = predictSplit(m.artifact, await tableForModel(ctx, m, a), xgboostLibrary());
    const test = p.split.test;
    let row: number;
    if (a.row !== undefined) {
      if (!(Number.isInteger(a.row) && a.row >= 0 && a.row < test.rows)) throw new SpyglassError('INVALID_ARGUMENT', `--row ${a.row} is outside the test split's ${test.rows} rows (0…${test.rows - 1})`);
      row = a.row;
    } else {
      const ts = a.timestamp === undefined ? undefined : parseTimestamp(a.timestamp);
      row = -1;
      for (let i = 0; i < test.rows; i++) {
        if (a.ticker !== undefined && test.ticker[i] !== a.ticker) continue;
        if (ts !== undefined && test.timestamp[i] !== ts) continue;
        if (row < 0 || p.test[i]! > p.test[row]!) row = i;
      }
      if (row < 0) {
        const what = a.ticker === undefined ? 'any row' : `${a.ticker}${ts === undefined ? '' : ` at ${new Date(ts).toISOString()}`}`;
        throw new SpyglassError('NOT_FOUND', `no test-split row for ${what} (test days ${p.split.days.test[0]} → ${p.split.days.test.at(-1)})`);
      }
    }
    using scorer = Scorer.fromArtifact(m.artifact, { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
    const cols = scorer.featureColumns.length;
    const explanation = scorer.explain(test.data.subarray(row * cols, (row + 1) * cols), { topN: a['top-n'] });
    const at = { row, ticker: test.ticker[row]!, timestamp: new Date(test.timestamp[row]!).toISOString(), date: test.date[row]!, label: test.label[row]!, maxGain120m: test.maxGain?.[row] ?? null };
    printResult(a, { model: m.dir, version: m.artifact.version, ...at, explanation }, () =>
      [
        `Row ${row} of the test split: ${at.ticker} at ${at.timestamp} (actual: ${at.label ? 'reached +20 %' : 'did not reach +20 %'})`,
        formatExplanation(explanation),
      ].join('\n'),
    );
  },
};

// ───────────────────────────────────────────── ml walk-forward

interface WalkForwardArgs extends RangeArgs {
  mode?: 'rolling' | 'expanding';
  'train-months'?: number;
  'test-months'?: number;
  'step-months'?: number;
  threshold?: number;
  rounds?: number;
  'allow-partial-test': boolean;
  output?: string;
}

/**
 * `spyglass ml walk-forward`: retrain per month window and test on the following month(s).
 *
 * @example
 * ```sh
 * spyglass ml walk-forward --mode expanding --train-months 3 --test-months 1 --threshold 0.67
 * ```
 */
const walkForwardCommand: CommandModule<GlobalArgs, WalkForwardArgs> = {
  command: 'walk-forward',
  describe: 'walk-forward validation over month windows (rolling or expanding), purged by the label horizon',
  builder: (y) =>
    y.options({
      ...rangeOptions,
      mode: { choices: ['rolling', 'expanding'], describe: 'window mode (default ml.walkForward.mode)' },
      'train-months': { type: 'number', describe: 'training window in months (default ml.walkForward.trainMonths)' },
      'test-months': { type: 'number', describe: 'test window in months (default ml.walkForward.testMonths)' },
      'step-months': { type: 'number', describe: 'months the windows advance (default ml.walkForward.stepMonths)' },
      threshold: { type: 'number', describe: 'signal threshold (default ml.threshold.default)' },
      rounds: { type: 'number', describe: 'boosting rounds per split (default ml.xgboost.numRounds)' },
      'allow-partial-test': { type: 'boolean', default: false, describe: 'keep a last test window that ends after the data (the original dropped it)' },
      output: { type: 'string', describe: 'results JSON (default <data-root>/reports/walk_forward/walk_forward_results.json)' },
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a, a.rounds === undefined ? {} : { ml: { xgboost: { numRounds: a.rounds } } });
    const wf = ctx.config.ml.walkForward;
    const horizon = ctx.config.pipeline.labels.windowMinutes;
    const threshold = checkedProbability('threshold', a.threshold) ?? ctx.config.ml.threshold.default;
    const from = checkedDay('start-date', a['start-date']);
    const to = checkedDay('end-date', a['end-date']);
    const table = await loadFeatureTable({ root: ctx.dataRoot, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    const config = {
      mode: a.mode ?? wf.mode,
      trainMonths: a['train-months'] ?? wf.trainMonths,
      testMonths: a['test-months'] ?? wf.testMonths,
      stepMonths: a['step-months'] ?? wf.stepMonths,
      purgeMinutes: Math.max(wf.purgeMinutes, horizon),
      labelHorizonMinutes: horizon,
      threshold,
      allowPartialTest: a['allow-partial-test'],
    };
    if (!a.json) {
      // The original previewed the splits before the (slow) retraining starts.
      const windows = walkForwardWindows(table.date, config);
      process.stderr.write(`${windows.length} split(s):\n${windows.map((w) => `  ${w.testMonth}: train ${w.trainFrom} → ${w.trainTo}, test ${w.testFrom} → ${w.testTo}`).join('\n')}\n`);
    }
    const result = await runWalkForward(table, {
      ...xgboostLibrary(),
      config,
      trainer: trainerConfigFrom(ctx.config.ml),
      onSplit: (s) => {
        if (!a.json) process.stderr.write(`  ${s.window.testMonth}: ${s.status}${s.status === 'OK' ? `, ${s.totalSignals} signals` : ` (${s.reason})`}\n`);
      },
    });
    const output = writeText(a.output ?? join(ctx.dataRoot, 'reports', 'walk_forward', 'walk_forward_results.json'), `${JSON.stringify(result, null, 2)}\n`);
    printResult(a, { ...result, output }, () => [formatWalkForward(result), walkForwardAsciiChart(result), `  results: ${output}`].join('\n'));
  },
};

/**
 * Every `spyglass ml` subcommand after `generate-features`, in `--help` order.
 *
 * @example
 * ```ts
 * yargs.command({ command: 'ml <command>', builder: (y) => y.command([generateFeaturesCommand, ...mlCommands]), handler: () => undefined });
 * ```
 */
export const mlCommands = [
  trainCommand,
  featureImportanceCommand,
  backtestCommand,
  findThresholdCommand,
  benchmarkSpeedCommand,
  analyzeErrorsCommand,
  thresholdAnalysisCommand,
  explainSignalCommand,
  walkForwardCommand,
] as const;
