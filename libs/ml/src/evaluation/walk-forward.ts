import { SpyglassError, type ValidationIssue } from '@spyglass/core';
import { DataBalancer } from '../data/data-balancer.js';
import { rowsByDay, selectRows, tradingDays, type FeatureTable } from '../data/feature-table.js';
import { boosterParams, DEFAULT_TRAINER_CONFIG, type TrainerConfig } from '../training/trainer-config.js';
import { Booster } from '../xgboost/booster.js';
import type { XGBoostLibraryOptions } from '../xgboost/native-library.js';
import { trainBooster, type TrainData } from '../xgboost/train-booster.js';
import { trainInWorker } from '../xgboost/train-in-worker.js';
import { analyzeThreshold } from './threshold-sensitivity.js';
import { predictTable } from './predict-table.js';
import { rocAuc } from './classification-metrics.js';
import { percentile } from './speed-benchmark.js';

/**
 * Walk-forward settings; defaults are the original's (3-month train, 1-month test, threshold 0.67).
 *
 * @example
 * ```ts
 * const config: Partial<WalkForwardConfig> = { trainMonths: 6, testMonths: 1, purgeMinutes: 120 };
 * const issues = validateWalkForwardConfig(config); // [] when valid
 * ```
 */
export interface WalkForwardConfig {
  /** `rolling`: fixed-length training window; `expanding`: training starts at the first month. */
  readonly mode: 'rolling' | 'expanding';
  readonly trainMonths: number;
  readonly testMonths: number;
  /** Months the windows advance per split. */
  readonly stepMonths: number;
  /** Training rows within this many minutes before the first test bar are dropped (≥ the label horizon). */
  readonly purgeMinutes: number;
  /** Forward window of the label, in minutes (120). */
  readonly labelHorizonMinutes: number;
  readonly threshold: number;
  /** Share of the training window's days held out (chronologically, last) for early stopping. */
  readonly innerValRatio: number;
  /** A split needs at least this many positives in its training part. */
  readonly minTrainPositives: number;
  /** Keep a last test window that ends after the data does (the original dropped it). */
  readonly allowPartialTest: boolean;
}

/**
 * The original's defaults.
 *
 * @example
 * ```ts
 * const windows = walkForwardWindows(days, { ...DEFAULT_WALK_FORWARD_CONFIG, mode: 'expanding' });
 * ```
 */
export const DEFAULT_WALK_FORWARD_CONFIG: WalkForwardConfig = Object.freeze({
  mode: 'rolling',
  trainMonths: 3,
  testMonths: 1,
  stepMonths: 1,
  purgeMinutes: 120,
  labelHorizonMinutes: 120,
  threshold: 0.67,
  innerValRatio: 0.2,
  minTrainPositives: 10,
  allowPartialTest: false,
});

/**
 * One split's day ranges (inclusive `YYYY-MM-DD`).
 *
 * @example
 * ```ts
 * const [first]: WalkForwardWindow[] = walkForwardWindows(days, { trainMonths: 3, testMonths: 1 });
 * console.log(first.trainFrom, first.trainTo, first.testMonth);
 * ```
 */
export interface WalkForwardWindow {
  readonly index: number;
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  readonly testTo: string;
  /** `YYYY-MM` of the first test month. */
  readonly testMonth: string;
}

/**
 * One split's outcome.
 *
 * @example
 * ```ts
 * const failed = (await runWalkForward(table)).splits.filter((s: WalkForwardSplit) => s.status !== 'OK').map((s) => s.reason);
 * ```
 */
export interface WalkForwardSplit {
  readonly window: WalkForwardWindow;
  readonly status: 'OK' | 'INSUFFICIENT_DATA';
  readonly reason?: string;
  readonly trainRows: number;
  readonly testRows: number;
  /** Training rows dropped by the purge gap. */
  readonly purgedRows: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly rocAuc: number | null;
  readonly totalSignals: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly signalRate: number;
  /** Mean max_gain_<N>m of the true positives, a fraction. */
  readonly tpAvgGain: number | null;
  /** Mean min_loss_<N>m of the false positives, a fraction (≤ 0). */
  readonly fpAvgLoss: number | null;
  /** Expected return per signal, a fraction. */
  readonly expectedValue: number | null;
  readonly bestIteration: number | null;
}

/**
 * Summary statistics over the successful splits.
 *
 * @example
 * ```ts
 * const { summary }: { summary: WalkForwardSummary } = await runWalkForward(table);
 * if (summary.status === 'SUCCESS') console.log(summary.precision?.mean);
 * ```
 */
export interface WalkForwardSummary {
  readonly status: 'SUCCESS' | 'NO_SPLITS' | 'ALL_SPLITS_FAILED';
  readonly splitsRun: number;
  readonly splitsOk: number;
  readonly precision: { mean: number; median: number; std: number; min: number; max: number } | null;
  readonly signals: { mean: number; median: number; min: number; max: number } | null;
  readonly expectedValue: { mean: number; median: number; std: number } | null;
}

/**
 * Everything a walk-forward run produced.
 *
 * @example
 * ```ts
 * const result: WalkForwardResult = await runWalkForward(table);
 * console.log(walkForwardAsciiChart(result));
 * ```
 */
export interface WalkForwardResult {
  readonly config: WalkForwardConfig;
  readonly splits: readonly WalkForwardSplit[];
  readonly summary: WalkForwardSummary;
}

/**
 * Checks a walk-forward configuration, including that the purge gap covers the label horizon.
 *
 * @example
 * ```ts
 * validateWalkForwardConfig({ purgeMinutes: 60 }); // [{ code: 'PURGE_TOO_SHORT', … }]
 * ```
 */
export function validateWalkForwardConfig(config: Partial<WalkForwardConfig>): ValidationIssue[] {
  const c = { ...DEFAULT_WALK_FORWARD_CONFIG, ...config };
  const issues: ValidationIssue[] = [];
  for (const key of ['trainMonths', 'testMonths', 'stepMonths'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) issues.push({ code: 'OUT_OF_RANGE', path: [key], message: `must be an integer ≥ 1, got ${c[key]}` });
  }
  if (c.mode !== 'rolling' && c.mode !== 'expanding') issues.push({ code: 'OUT_OF_RANGE', path: ['mode'], message: `must be 'rolling' or 'expanding', got ${String(c.mode)}` });
  if (!(c.purgeMinutes >= c.labelHorizonMinutes)) {
    issues.push({
      code: 'PURGE_TOO_SHORT',
      path: ['purgeMinutes'],
      message: `${c.purgeMinutes} min is shorter than the ${c.labelHorizonMinutes}-minute label horizon: training labels would see test prices`,
    });
  }
  if (!(c.threshold > 0 && c.threshold < 1)) issues.push({ code: 'OUT_OF_RANGE', path: ['threshold'], message: `must be in (0, 1), got ${c.threshold}` });
  if (!(c.innerValRatio > 0 && c.innerValRatio < 1)) issues.push({ code: 'OUT_OF_RANGE', path: ['innerValRatio'], message: `must be in (0, 1), got ${c.innerValRatio}` });
  return issues;
}

function addMonths(month: string, k: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + k;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

function lastCalendarDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/**
 * Calendar-month windows over the trading days: rolling (fixed training length) or expanding
 * (training from the first month), the test months right after the training months.
 *
 * @example
 * ```ts
 * walkForwardWindows(tradingDays(table), { mode: 'expanding' }).map((w) => w.testMonth);
 * ```
 */
export function walkForwardWindows(days: readonly string[], config: Partial<WalkForwardConfig> = {}): WalkForwardWindow[] {
  const c = { ...DEFAULT_WALK_FORWARD_CONFIG, ...config };
  const sorted = [...new Set(days)].sort();
  if (!sorted.length) return [];
  const first = sorted[0]!.slice(0, 7);
  const lastDay = sorted.at(-1)!;
  const windows: WalkForwardWindow[] = [];
  for (let k = 0; ; k += c.stepMonths) {
    const trainStartMonth = c.mode === 'rolling' ? addMonths(first, k) : first;
    const trainEndMonth = addMonths(first, k + c.trainMonths - 1);
    const testStartMonth = addMonths(trainEndMonth, 1);
    const testEndMonth = addMonths(testStartMonth, c.testMonths - 1);
    if (`${testStartMonth}-01` > lastDay) break;
    if (!c.allowPartialTest && lastCalendarDay(testEndMonth) > lastDay) break;
    const inRange = (from: string, to: string) => sorted.filter((d) => d >= from && d <= to);
    const train = inRange(`${trainStartMonth}-01`, lastCalendarDay(trainEndMonth));
    const test = inRange(`${testStartMonth}-01`, lastCalendarDay(testEndMonth));
    if (train.length && test.length) {
      windows.push({ index: windows.length, trainFrom: train[0]!, trainTo: train.at(-1)!, testFrom: test[0]!, testTo: test.at(-1)!, testMonth: testStartMonth });
    }
  }
  return windows;
}

/**
 * Options of {@link runWalkForward}.
 *
 * @example
 * ```ts
 * const opts: WalkForwardOptions = { config: { trainMonths: 3 }, trainer: { rounds: 200 }, onSplit: (s) => console.log(s.window.testMonth, s.precision) };
 * const result = await runWalkForward(table, opts);
 * ```
 */
export interface WalkForwardOptions extends XGBoostLibraryOptions {
  readonly config?: Partial<WalkForwardConfig>;
  /** XGBoost settings; default the trainer's defaults. */
  readonly trainer?: Partial<TrainerConfig>;
  /** Train each split in a worker thread (default) or on the calling thread. */
  readonly inWorker?: boolean;
  readonly onSplit?: (split: WalkForwardSplit) => void;
  /**
   * Called with each successful split's test rows, its probabilities and its training rows (before
   * balancing), e.g. to trade the split: awaited before the next split starts.
   */
  readonly onTestPredictions?: (split: WalkForwardSplit, test: FeatureTable, probabilities: Float32Array, train: FeatureTable) => void | Promise<void>;
  /**
   * Runs the folds somewhere else (e.g. as queue jobs on other machines, `@spyglass/cluster`'s
   * `WalkForwardJobs`) instead of one after the other here; each fold must be
   * {@link runWalkForwardFold} of the same table. Callbacks still run here, in window order.
   */
  readonly folds?: WalkForwardFoldRunner;
  readonly signal?: AbortSignal;
}

/**
 * One fold's outcome: its split and, for an `OK` split, the probabilities of its test rows.
 *
 * @example
 * ```ts
 * const { split, probabilities }: WalkForwardFoldResult = await runWalkForwardFold(table, window, { config });
 * ```
 */
export interface WalkForwardFoldResult {
  readonly split: WalkForwardSplit;
  readonly probabilities: Float32Array | null;
}

/**
 * Options of {@link runWalkForwardFold}: the run's complete configuration.
 *
 * @example
 * ```ts
 * const opts: WalkForwardFoldOptions = { config: DEFAULT_WALK_FORWARD_CONFIG, trainer: { rounds: 50 } };
 * ```
 */
export interface WalkForwardFoldOptions extends XGBoostLibraryOptions {
  readonly config: WalkForwardConfig;
  readonly trainer?: Partial<TrainerConfig>;
  readonly inWorker?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Runs a run's folds elsewhere: one result per window, in the order of `windows`.
 *
 * @example
 * ```ts
 * const local: WalkForwardFoldRunner = (windows, s) => Promise.all(windows.map((w) => runWalkForwardFold(table, w, s)));
 * ```
 */
export type WalkForwardFoldRunner = (
  windows: readonly WalkForwardWindow[],
  settings: { readonly config: WalkForwardConfig; readonly trainer: TrainerConfig },
) => Promise<readonly WalkForwardFoldResult[]>;

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => (v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)) : 0);

/** One table's row index by day, built once per run and shared by its folds. */
interface FoldContext {
  readonly table: FeatureTable;
  readonly days: readonly string[];
  readonly rowsOf: (days: readonly string[]) => number[];
}

function foldContext(table: FeatureTable): FoldContext {
  const byDay = rowsByDay(table);
  return {
    table,
    days: tradingDays(table),
    rowsOf: (days) => days.flatMap((d) => byDay.get(d) ?? []).sort((a, b) => table.timestamp[a]! - table.timestamp[b]! || a - b),
  };
}

/** The rows a fold fits on, validates (early stopping) and tests on, after the purge gaps. */
function foldRows(ctx: FoldContext, window: WalkForwardWindow, config: WalkForwardConfig) {
  const { table, days, rowsOf } = ctx;
  const trainDays = days.filter((d) => d >= window.trainFrom && d <= window.trainTo);
  const testRows = rowsOf(days.filter((d) => d >= window.testFrom && d <= window.testTo));
  const firstTest = Math.min(...testRows.map((i) => table.timestamp[i]!));
  const purgeMs = config.purgeMinutes * 60_000;
  // A training bar's label looks `labelHorizon` minutes ahead: any bar closer than the purge gap
  // to the first test bar would have a label computed from test-period prices.
  const allTrain = rowsOf(trainDays);
  const keptTrain = allTrain.filter((i) => table.timestamp[i]! <= firstTest - purgeMs);
  const innerValDays = Math.max(1, Math.floor(trainDays.length * config.innerValRatio));
  const innerTrainDays = new Set(trainDays.slice(0, trainDays.length - innerValDays));
  const fitRowsAll = keptTrain.filter((i) => innerTrainDays.has(table.date[i]!));
  const valRows = keptTrain.filter((i) => !innerTrainDays.has(table.date[i]!));
  const firstVal = valRows.length ? Math.min(...valRows.map((i) => table.timestamp[i]!)) : Number.POSITIVE_INFINITY;
  const fitRows = fitRowsAll.filter((i) => table.timestamp[i]! <= firstVal - purgeMs);
  const purgedRows = allTrain.length - keptTrain.length + (fitRowsAll.length - fitRows.length);
  return { fitRows, valRows, testRows, purgedRows };
}

async function evaluateFold(ctx: FoldContext, window: WalkForwardWindow, options: WalkForwardFoldOptions): Promise<WalkForwardFoldResult> {
  const { table } = ctx;
  const config = options.config;
  const trainer = { ...DEFAULT_TRAINER_CONFIG, ...options.trainer };
  const lib = options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath };
  const { fitRows, valRows, testRows, purgedRows } = foldRows(ctx, window, config);
  const base = { window, trainRows: fitRows.length + valRows.length, testRows: testRows.length, purgedRows };
  const positives = fitRows.reduce((a, i) => a + table.label[i]!, 0);
  const fail = (reason: string): WalkForwardFoldResult => ({
    split: {
      ...base, status: 'INSUFFICIENT_DATA', reason, precision: null, recall: null, rocAuc: null, totalSignals: 0, tp: 0, fp: 0, fn: 0, tn: 0,
      signalRate: 0, tpAvgGain: null, fpAvgLoss: null, expectedValue: null, bestIteration: null,
    },
    probabilities: null,
  });
  if (!fitRows.length || !valRows.length || !testRows.length) return fail('empty training, validation or test part');
  if (positives < config.minTrainPositives) return fail(`${positives} positives in training (< ${config.minTrainPositives})`);
  const fit = new DataBalancer({ method: trainer.balanceMethod, seed: trainer.seed }).balance(selectRows(table, fitRows));
  const val = selectRows(table, valRows);
  const cols = table.columns.length;
  const data: TrainData = {
    train: { data: fit.table.data, rows: fit.table.rows, cols, label: fit.table.label, ...(fit.weights ? { weight: fit.weights } : {}) },
    valid: { data: val.data, rows: val.rows, cols, label: val.label },
  };
  const trainOptions = { ...lib, params: boosterParams(trainer), rounds: trainer.rounds, earlyStoppingRounds: trainer.earlyStoppingRounds, featureNames: table.columns };
  const result = options.inWorker === false
    ? trainBooster(data, trainOptions)
    : await trainInWorker(data, { ...trainOptions, ...(options.signal ? { signal: options.signal } : {}) });
  using booster = Booster.fromJson(result.model, lib);
  const test = selectRows(table, testRows);
  const p = predictTable(booster, test);
  const a = analyzeThreshold(test, p, config.threshold);
  return {
    split: {
      ...base, status: 'OK', precision: a.totalSignals ? a.precision : null, recall: a.recall, rocAuc: rocAuc(test.label, p),
      totalSignals: a.totalSignals, tp: a.tp, fp: a.fp, fn: a.fn, tn: a.tn, signalRate: a.signalRate,
      tpAvgGain: a.tpProfit.avg, fpAvgLoss: a.fpLoss.avg, expectedValue: a.expectedValue, bestIteration: result.bestIteration,
    },
    probabilities: p,
  };
}

/**
 * One walk-forward fold on its own (what a cluster worker runs for a fold job): train on the
 * window's training months, purged, and evaluate its test month(s). {@link runWalkForward} runs
 * exactly this per window, so a fold run anywhere on the same table gives the same split.
 *
 * @example
 * ```ts
 * const config = { ...DEFAULT_WALK_FORWARD_CONFIG, trainMonths: 1 };
 * const [first] = walkForwardWindows(tradingDays(table), config);
 * const { split } = await runWalkForwardFold(table, first, { config, trainer: { rounds: 50 } });
 * ```
 */
export function runWalkForwardFold(table: FeatureTable, window: WalkForwardWindow, options: WalkForwardFoldOptions): Promise<WalkForwardFoldResult> {
  return evaluateFold(foldContext(table), window, options);
}

/**
 * Walk-forward validation: for each window, train on the training months (an inner chronological
 * hold-out for early stopping, majority undersampled), purge training rows within
 * `purgeMinutes` of the first test bar, and evaluate the following month(s) at the threshold.
 * With `folds` the windows run there (e.g. on a cluster's workers); the result is the same.
 *
 * @example
 * ```ts
 * const wf = await runWalkForward(table, { config: { mode: 'expanding', threshold: 0.67 } });
 * console.log(wf.summary.precision?.mean, walkForwardAsciiChart(wf));
 * ```
 */
export async function runWalkForward(table: FeatureTable, options: WalkForwardOptions = {}): Promise<WalkForwardResult> {
  const issues = validateWalkForwardConfig(options.config ?? {});
  if (issues.length) {
    throw new SpyglassError('CONFIG', `invalid walk-forward config: ${issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, { details: { issues } });
  }
  const config = { ...DEFAULT_WALK_FORWARD_CONFIG, ...options.config };
  const trainer = { ...DEFAULT_TRAINER_CONFIG, ...options.trainer };
  const ctx = foldContext(table);
  const windows = walkForwardWindows(ctx.days, config);
  const aborted = () => {
    if (options.signal?.aborted) throw new SpyglassError('ABORTED', 'walk-forward aborted', { cause: options.signal.reason });
  };
  const remote = options.folds ? await options.folds(windows, { config, trainer }) : undefined;
  if (remote && remote.length !== windows.length) {
    throw new SpyglassError('UNEXPECTED', `the fold runner returned ${remote.length} results for ${windows.length} walk-forward windows`);
  }
  const foldOptions: WalkForwardFoldOptions = {
    config, trainer,
    ...(options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath }),
    ...(options.inWorker === undefined ? {} : { inWorker: options.inWorker }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const splits: WalkForwardSplit[] = [];
  for (const [i, window] of windows.entries()) {
    aborted();
    const { split, probabilities } = remote?.[i] ?? (await evaluateFold(ctx, window, foldOptions));
    if (split.status === 'OK' && probabilities && options.onTestPredictions) {
      const rows = foldRows(ctx, window, config);
      await options.onTestPredictions(split, selectRows(table, rows.testRows), probabilities, selectRows(table, rows.fitRows));
    }
    splits.push(split);
    options.onSplit?.(split);
  }
  return { config, splits, summary: summarize(splits) };
}

function summarize(splits: readonly WalkForwardSplit[]): WalkForwardSummary {
  if (!splits.length) return { status: 'NO_SPLITS', splitsRun: 0, splitsOk: 0, precision: null, signals: null, expectedValue: null };
  const ok = splits.filter((s) => s.status === 'OK');
  if (!ok.length) return { status: 'ALL_SPLITS_FAILED', splitsRun: splits.length, splitsOk: 0, precision: null, signals: null, expectedValue: null };
  const precisions = ok.map((s) => s.precision).filter((v): v is number => v !== null);
  const signals = ok.map((s) => s.totalSignals);
  const evs = ok.map((s) => s.expectedValue).filter((v): v is number => v !== null);
  return {
    status: 'SUCCESS',
    splitsRun: splits.length,
    splitsOk: ok.length,
    precision: precisions.length
      ? { mean: mean(precisions), median: percentile(precisions, 50), std: std(precisions), min: Math.min(...precisions), max: Math.max(...precisions) }
      : null,
    signals: { mean: mean(signals), median: percentile(signals, 50), min: Math.min(...signals), max: Math.max(...signals) },
    expectedValue: evs.length ? { mean: mean(evs), median: percentile(evs, 50), std: std(evs) } : null,
  };
}

/**
 * ASCII bar chart of precision per test month (the original's `plot_results`).
 *
 * @example
 * ```ts
 * console.log(walkForwardAsciiChart(result));
 * ```
 */
export function walkForwardAsciiChart(result: WalkForwardResult, width = 40): string {
  if (!result.splits.length) return 'Walk-forward precision by test month\n(no splits)';
  const lines = result.splits.map((s) => {
    if (s.status !== 'OK') return `${s.window.testMonth} | ${'-'.repeat(3)} ${s.reason ?? s.status}`;
    if (s.precision === null) return `${s.window.testMonth} | no signals`;
    const bar = Math.round(s.precision * width);
    return `${s.window.testMonth} | ${'█'.repeat(bar)}${'░'.repeat(width - bar)} ${(100 * s.precision).toFixed(1)}% (${s.totalSignals} signals)`;
  });
  return ['Walk-forward precision by test month', ...lines].join('\n');
}
