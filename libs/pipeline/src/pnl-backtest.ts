import { SpyglassError } from '@spyglass/core';
import { DEFAULT_TRADE_RULES, evaluatePnl, type PnlEvaluation, type TradeRules } from '@spyglass/backtest';
import {
  Booster,
  predictTable,
  rowsByDay,
  selectColumns,
  selectRows,
  trainBooster,
  tradingDays,
  trainingOverlap,
  type FeatureTable,
  type ModelArtifact,
} from '@spyglass/ml';
import { loadOptionBarBook } from './option-bar-book.js';

/**
 * Options of {@link runPnlBacktest}.
 *
 * @example
 * ```ts
 * const opts: PnlBacktestOptions = { root: 'data', artifact, table, simulator: true, rules: { stopLoss: 0.3 } };
 * ```
 */
export interface PnlBacktestOptions {
  readonly root: string;
  readonly artifact: ModelArtifact;
  /** Feature rows of any days; only the model's held-out days (after its validation range) are traded. */
  readonly table: FeatureTable;
  /**
   * The days the caller asked for explicitly (e.g. `--start-date/--end-date`). Any of them inside the
   * model's training or validation range is refused: those days cannot measure the model.
   */
  readonly requestedDays?: readonly string[];
  readonly rules?: Partial<TradeRules>;
  /** Default: the artifact's threshold. */
  readonly threshold?: number;
  /** Whether the bars are simulator bars; null when not recorded. */
  readonly simulator: boolean | null;
  /** Train the `gblinear` baseline on the model's training days (default true). */
  readonly linearBaseline?: boolean;
  readonly randomDraws?: number;
  readonly bootstrapDraws?: number;
  readonly seed?: number;
  readonly libraryPath?: string;
}

/**
 * The days of `days` that a model never saw: after its validation range. Throws when
 * `requested` days fall inside its training or validation range.
 *
 * @example
 * ```ts
 * heldOutDays(artifact, tradingDays(table)); // ['2025-02-05', …]
 * ```
 */
export function heldOutDays(artifact: Pick<ModelArtifact, 'version' | 'dataRange'>, days: readonly string[], requested: readonly string[] = []): string[] {
  const { train, validation } = artifact.dataRange;
  const seenTo = validation.to ?? train.to;
  if (seenTo === null) {
    throw new SpyglassError('INVALID_ARGUMENT', `model ${artifact.version} records no training/validation range: its held-out days are unknown`);
  }
  const overlap = trainingOverlap(artifact, requested);
  if (overlap.length) {
    throw new SpyglassError(
      'INVALID_ARGUMENT',
      `${overlap.length} requested day(s) (${overlap[0]} … ${overlap.at(-1)}) fall in model ${artifact.version}'s training/validation range ${train.from ?? validation.from} … ${seenTo}: a P&L on them would measure memory, not skill; choose days after ${seenTo}`,
      { details: { overlap: overlap.length, seenTo } },
    );
  }
  return days.filter((d) => d > seenTo);
}

function rowsOf(table: FeatureTable, days: readonly string[]): FeatureTable {
  const byDay = rowsByDay(table);
  return selectRows(table, days.flatMap((d) => byDay.get(d) ?? []));
}

/**
 * Inputs of {@link evaluateModelPnl}: the model's probabilities on held-out rows and the rows it
 * trained on (for the base rate and the linear baseline).
 *
 * @example
 * ```ts
 * const input: ModelPnlInput = { root: 'data', test: heldOut, probabilities, train, threshold: 0.82, simulator: true };
 * ```
 */
export interface ModelPnlInput extends Omit<PnlBacktestOptions, 'artifact' | 'table' | 'requestedDays' | 'threshold' | 'linearBaseline'> {
  readonly test: FeatureTable;
  readonly probabilities: ArrayLike<number>;
  /** Training rows (same columns as `test`); empty skips the linear baseline. */
  readonly train: FeatureTable;
  readonly threshold: number;
  /** Train the `gblinear` baseline on `train` (default true). */
  readonly linearBaseline?: boolean;
}

/**
 * Trades a model's held-out probabilities on the stored option bars and compares them with the
 * baselines (see `evaluatePnl` in `@spyglass/backtest`); trains the `gblinear` baseline on the
 * training rows with the same features.
 *
 * @example
 * ```ts
 * const e = await evaluateModelPnl({ root: 'data', test: split.test, probabilities, train: split.train, threshold, simulator: true });
 * ```
 */
export async function evaluateModelPnl(o: ModelPnlInput): Promise<PnlEvaluation> {
  const lib = o.libraryPath === undefined ? {} : { libraryPath: o.libraryPath };
  const cols = o.test.columns;
  let trainPositives = 0;
  for (let i = 0; i < o.train.rows; i++) trainPositives += o.train.label[i]!;
  let linearProbabilities: Float32Array | undefined;
  if (o.linearBaseline !== false && o.train.rows > 0 && o.test.rows > 0) {
    // Same features, same training days, a linear booster: what the trees add over a linear score.
    // One thread: coordinate descent on these sizes takes well under a second, while OpenMP threads
    // spinning on a busy 2-core machine made it 100x slower.
    const fit = trainBooster(
      { train: { data: o.train.data, rows: o.train.rows, cols: cols.length, label: o.train.label } },
      { ...lib, params: { booster: 'gblinear', objective: 'binary:logistic', updater: 'coord_descent', eta: 0.5, lambda: 1, nthread: 1 }, rounds: 50, featureNames: cols },
    );
    using linear = Booster.fromJson(fit.model, lib);
    linearProbabilities = predictTable(linear, o.test, cols);
  }
  const book = await loadOptionBarBook(o.root, tradingDays(o.test), [...new Set(o.test.ticker)]);
  return evaluatePnl({
    table: o.test,
    probabilities: o.probabilities,
    threshold: o.threshold,
    book,
    rules: { ...DEFAULT_TRADE_RULES, ...o.rules },
    simulator: o.simulator,
    trainPositiveRate: o.train.rows ? trainPositives / o.train.rows : 0,
    ...(linearProbabilities ? { linearProbabilities } : {}),
    ...(o.randomDraws === undefined ? {} : { randomDraws: o.randomDraws }),
    ...(o.bootstrapDraws === undefined ? {} : { bootstrapDraws: o.bootstrapDraws }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
  });
}

/**
 * The P&L backtest of a saved model: its signals on the held-out days traded on the stored option
 * bars, with intervals and the random-entry, base-rate and linear baselines in the same run.
 *
 * @example
 * ```ts
 * const table = await loadFeatureTable({ root: 'data', columns: artifact.featureColumns });
 * const e = await runPnlBacktest({ root: 'data', artifact, table, simulator: true });
 * console.log(formatPnlSummary(e));
 * ```
 */
export async function runPnlBacktest(o: PnlBacktestOptions): Promise<PnlEvaluation> {
  const lib = o.libraryPath === undefined ? {} : { libraryPath: o.libraryPath };
  const days = heldOutDays(o.artifact, tradingDays(o.table), o.requestedDays);
  if (!days.length) {
    throw new SpyglassError('NOT_FOUND', `no feature rows after model ${o.artifact.version}'s validation range (${o.artifact.dataRange.validation.to}): nothing held out to trade`);
  }
  const cols = o.artifact.featureColumns;
  const test = selectColumns(rowsOf(o.table, days), cols);
  using booster = Booster.fromJson(o.artifact.model, lib);
  const { train } = o.artifact.dataRange;
  const trainDays = tradingDays(o.table).filter((d) => train.from !== null && train.to !== null && d >= train.from && d <= train.to);
  const { artifact: _artifact, table: _table, requestedDays: _requested, ...rest } = o;
  return evaluateModelPnl({
    ...rest,
    test,
    probabilities: predictTable(booster, test, cols),
    train: selectColumns(rowsOf(o.table, trainDays), cols),
    threshold: o.threshold ?? o.artifact.threshold,
  });
}
