import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { DataBalancer, type BalanceSummary } from '../data/data-balancer.js';
import { selectColumns, validateFeatureTable, type FeatureTable } from '../data/feature-table.js';
import { assertNoForbiddenFeatures } from '../data/forbidden-features.js';
import { splitSummary, timeBasedSplit, type SplitSummary } from '../data/time-split.js';
import { classificationMetrics } from '../evaluation/classification-metrics.js';
import { predictTable } from '../evaluation/predict-table.js';
import { Booster } from '../xgboost/booster.js';
import { loadXGBoost, type XGBoostLibraryOptions } from '../xgboost/native-library.js';
import { trainBooster, type TrainProgress, type TrainResult } from '../xgboost/train-booster.js';
import { trainInWorker } from '../xgboost/train-in-worker.js';
import type { ModelArtifact } from './model-artifact.js';
import { boosterParams, DEFAULT_TRAINER_CONFIG, validateTrainerConfig, type TrainerConfig } from './trainer-config.js';

/**
 * Construction options of {@link XGBoostTrainer}.
 *
 * @example
 * ```ts
 * const opts: XGBoostTrainerOptions = { config: { rounds: 300, learningRate: 0.05 }, inWorker: false };
 * const trainer = new XGBoostTrainer(opts);
 * ```
 */
export interface XGBoostTrainerOptions extends XGBoostLibraryOptions {
  /** Overrides of {@link DEFAULT_TRAINER_CONFIG}. */
  readonly config?: Partial<TrainerConfig>;
  /** Source of `savedAt`; default the system clock. */
  readonly clock?: Clock;
  /** Train in a worker thread (default) or on the calling thread. */
  readonly inWorker?: boolean;
}

/**
 * Per-run options of {@link XGBoostTrainer.train}.
 *
 * @example
 * ```ts
 * const opts: TrainRunOptions = { version: 'xgboost_v2', gitRevision: 'abc1234', onProgress: (p) => console.log(p.iteration) };
 * await trainer.train(table, opts);
 * ```
 */
export interface TrainRunOptions {
  /** Model inputs; default every column of the table. Forbidden columns throw. */
  readonly featureColumns?: readonly string[];
  readonly version?: string;
  /** Git revision of the running code, recorded in the artifact. */
  readonly gitRevision?: string | null;
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * The result of a training run: the artifact plus how it was obtained.
 *
 * @example
 * ```ts
 * const run: TrainingRun = await new XGBoostTrainer().train(table, { version: 'xgboost_v1' });
 * saveModelArtifact('data/models/xgboost_v1', run.artifact);
 * console.log(run.training.bestIteration, run.split.parts.test.rows);
 * ```
 */
export interface TrainingRun {
  readonly artifact: ModelArtifact;
  readonly split: SplitSummary;
  /** Class distribution of the training part before and after balancing. */
  readonly balance: { readonly before: BalanceSummary; readonly after: BalanceSummary };
  readonly training: Omit<TrainResult, 'model'>;
}

/**
 * The original's XGBoostTrainer: split chronologically first, balance the training part only,
 * train with early stopping on validation, evaluate (accuracy, precision, recall, F1, ROC-AUC)
 * on validation and test, and return an artifact.
 *
 * @example
 * ```ts
 * const trainer = new XGBoostTrainer({ config: { rounds: 300 } });
 * const run = await trainer.train(table, { version: 'xgboost_v1', gitRevision: 'abc1234' });
 * saveModelArtifact('data/models/xgboost_v1', run.artifact);
 * ```
 */
export class XGBoostTrainer {
  readonly config: TrainerConfig;
  readonly #clock: Clock;
  readonly #inWorker: boolean;
  readonly #lib: XGBoostLibraryOptions;

  constructor(options: XGBoostTrainerOptions = {}) {
    const issues = validateTrainerConfig(options.config ?? {});
    if (issues.length) {
      throw new SpyglassError('CONFIG', `invalid trainer config: ${issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, {
        details: { issues },
      });
    }
    this.config = { ...DEFAULT_TRAINER_CONFIG, ...options.config };
    this.#clock = options.clock ?? systemClock;
    this.#inWorker = options.inWorker ?? true;
    this.#lib = options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath };
  }

  /** Runs split → balance → train → evaluate on a feature table. */
  async train(table: FeatureTable, options: TrainRunOptions = {}): Promise<TrainingRun> {
    const tableIssues = validateFeatureTable(table);
    if (tableIssues.length) {
      throw new SpyglassError('VALIDATION', `feature table is malformed: ${tableIssues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, {
        details: { issues: tableIssues },
      });
    }
    const featureColumns = options.featureColumns ?? table.columns;
    assertNoForbiddenFeatures(featureColumns);
    const native = loadXGBoost(this.#lib);
    const input = selectColumns(table, featureColumns);
    const split = timeBasedSplit(input, { trainRatio: this.config.trainRatio, valRatio: this.config.valRatio });
    const balancer = new DataBalancer({ method: this.config.balanceMethod, seed: this.config.seed });
    const before = balancer.summary(split.train);
    const { table: train, weights } = balancer.balance(split.train);
    const after = balancer.summary(train);
    if (after.positives === 0 || after.negatives === 0) {
      throw new SpyglassError('INVALID_ARGUMENT', `the training part has only one class (${after.positives} positives, ${after.negatives} negatives)`, {
        details: { before, after },
      });
    }
    const cols = featureColumns.length;
    const data = {
      train: { data: train.data, rows: train.rows, cols, label: train.label, ...(weights ? { weight: weights } : {}) },
      valid: { data: split.validation.data, rows: split.validation.rows, cols, label: split.validation.label },
    };
    const params = boosterParams(this.config);
    const trainOptions = {
      ...this.#lib,
      params,
      rounds: this.config.rounds,
      earlyStoppingRounds: this.config.earlyStoppingRounds,
      featureNames: featureColumns,
    };
    const result = this.#inWorker
      ? await trainInWorker(data, {
          ...trainOptions,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        })
      : trainBooster(data, { ...trainOptions, ...(options.onProgress ? { onIteration: options.onProgress } : {}) });
    using booster = Booster.fromJson(result.model, this.#lib);
    const threshold = this.config.threshold;
    const metrics = {
      validation: classificationMetrics(split.validation.label, predictTable(booster, split.validation), threshold),
      test: classificationMetrics(split.test.label, predictTable(booster, split.test), threshold),
    };
    const range = (days: readonly string[]) => ({ from: days[0] ?? null, to: days.at(-1) ?? null });
    const { model, ...training } = result;
    const v = native.version;
    const artifact: ModelArtifact = {
      version: options.version ?? `xgboost_${new Date(this.#clock.now()).toISOString().replace(/[-:]/g, '').slice(0, 15)}`,
      model,
      featureColumns: [...featureColumns],
      threshold,
      params,
      config: this.config,
      bestIteration: result.bestIteration,
      dataRange: {
        from: split.days.train[0] ?? null,
        to: split.days.test.at(-1) ?? null,
        train: range(split.days.train),
        validation: range(split.days.validation),
        test: range(split.days.test),
      },
      gitRevision: options.gitRevision ?? null,
      savedAt: new Date(this.#clock.now()).toISOString(),
      metrics,
      xgboostVersion: `${v.major}.${v.minor}.${v.patch}`,
    };
    return { artifact, split: splitSummary(split), balance: { before, after }, training };
  }
}
