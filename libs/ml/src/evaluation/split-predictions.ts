import type { FeatureTable } from '../data/feature-table.js';
import { timeBasedSplit, type TimeSplit } from '../data/time-split.js';
import type { ModelArtifact } from '../training/model-artifact.js';
import { Booster } from '../xgboost/booster.js';
import type { XGBoostLibraryOptions } from '../xgboost/native-library.js';
import { backtest, type BacktestResult } from './backtest.js';
import { predictTable } from './predict-table.js';

/**
 * A table split the way an artifact was trained, with the model's probabilities per part.
 *
 * @example
 * ```ts
 * const { split, test }: SplitPredictions = predictSplit(artifact, table);
 * console.log(classificationMetrics(split.test.label, test, artifact.threshold).precision);
 * ```
 */
export interface SplitPredictions {
  readonly split: TimeSplit;
  readonly validation: Float32Array;
  readonly test: Float32Array;
}

/**
 * Splits `table` with the artifact's own ratios (so "validation" and "test" are the days the
 * model never trained on) and predicts both held-out parts.
 *
 * @example
 * ```ts
 * const { split, validation } = predictSplit(artifact, table);
 * findThresholdForPrecision(split.validation.label, validation, { minPrecision: 0.9 });
 * ```
 */
export function predictSplit(artifact: ModelArtifact, table: FeatureTable, options: XGBoostLibraryOptions = {}): SplitPredictions {
  const split = timeBasedSplit(table, { trainRatio: artifact.config.trainRatio, valRatio: artifact.config.valRatio });
  using booster = Booster.fromJson(artifact.model, options);
  return {
    split,
    validation: predictTable(booster, split.validation, artifact.featureColumns),
    test: predictTable(booster, split.test, artifact.featureColumns),
  };
}

/**
 * The original's `ModelBacktester.run`: the artifact's test days only, at the artifact's threshold
 * or an override (`--threshold`).
 *
 * @example
 * ```ts
 * const { metrics, trades } = runBacktest(artifact, table, { threshold: 0.67 });
 * writeFileSync('trades.csv', tradesCsv(trades));
 * ```
 */
export function runBacktest(
  artifact: ModelArtifact,
  table: FeatureTable,
  options: XGBoostLibraryOptions & { readonly threshold?: number } = {},
): BacktestResult & { readonly testDays: readonly string[] } {
  const { threshold, ...lib } = options;
  const { split, test } = predictSplit(artifact, table, lib);
  return { ...backtest(split.test, test, { threshold: threshold ?? artifact.threshold }), testDays: split.days.test };
}
