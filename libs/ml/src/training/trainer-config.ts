import type { ValidationIssue } from '@spyglass/core';
import type { BoosterParams } from '../xgboost/booster.js';
import type { BalanceMethod } from '../data/data-balancer.js';

/**
 * Training configuration (the `ml_training.xgboost` and `data_preparation` keys of `config/ml.yaml`,
 * decoded by the app). Names follow XGBClassifier where one exists.
 *
 * @example
 * ```ts
 * const config: TrainerConfig = { ...DEFAULT_TRAINER_CONFIG, rounds: 500, maxDepth: 8 };
 * console.log(boosterParams(config));
 * ```
 */
export interface TrainerConfig {
  /** Boosting rounds (`n_estimators`). */
  readonly rounds: number;
  readonly maxDepth: number;
  /** `eta` / `learning_rate`. */
  readonly learningRate: number;
  readonly subsample: number;
  readonly colsampleBytree: number;
  readonly minChildWeight: number;
  readonly gamma: number;
  /** Stop when validation `evalMetric` has not improved for this many rounds. */
  readonly earlyStoppingRounds: number;
  readonly evalMetric: string;
  /** Decision threshold stored in the artifact. */
  readonly threshold: number;
  readonly trainRatio: number;
  readonly valRatio: number;
  readonly balanceMethod: BalanceMethod;
  /** Seed of the balancer and of XGBoost's row/column sampling. */
  readonly seed: number;
  /** XGBoost's `tree_method`; `hist` is the default of XGBoost ≥ 2 and the fastest here. */
  readonly treeMethod: 'hist' | 'approx' | 'exact';
  /** Threads for XGBoost; 0 = all cores. */
  readonly nthread: number;
}

/**
 * The original's defaults: 300 rounds, depth 6, eta 0.05, subsample 0.8, colsample 0.8,
 * min_child_weight 5, gamma 0.1, 70/15/15 split, undersampling with seed 42.
 *
 * @example
 * ```ts
 * const config = { ...DEFAULT_TRAINER_CONFIG, rounds: 100 };
 * ```
 */
export const DEFAULT_TRAINER_CONFIG: TrainerConfig = Object.freeze({
  rounds: 300,
  maxDepth: 6,
  learningRate: 0.05,
  subsample: 0.8,
  colsampleBytree: 0.8,
  minChildWeight: 5,
  gamma: 0.1,
  earlyStoppingRounds: 30,
  evalMetric: 'logloss',
  threshold: 0.5,
  trainRatio: 0.7,
  valRatio: 0.15,
  balanceMethod: 'undersample',
  seed: 42,
  treeMethod: 'hist',
  nthread: 0,
});

/**
 * Checks a (partial) trainer configuration; returns every problem with its key path.
 *
 * @example
 * ```ts
 * validateTrainerConfig({ maxDepth: 0 }); // [{ code: 'OUT_OF_RANGE', path: ['maxDepth'], … }]
 * ```
 */
export function validateTrainerConfig(config: Partial<TrainerConfig>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const c = { ...DEFAULT_TRAINER_CONFIG, ...config };
  const check = (key: keyof TrainerConfig, ok: boolean, rule: string): void => {
    if (!ok) issues.push({ code: 'OUT_OF_RANGE', path: [key], message: `${rule}, got ${String(c[key])}` });
  };
  const int = (v: number) => Number.isInteger(v);
  check('rounds', int(c.rounds) && c.rounds >= 1, 'must be an integer ≥ 1');
  check('maxDepth', int(c.maxDepth) && c.maxDepth >= 1, 'must be an integer ≥ 1');
  check('learningRate', c.learningRate > 0 && c.learningRate <= 1, 'must be in (0, 1]');
  check('subsample', c.subsample > 0 && c.subsample <= 1, 'must be in (0, 1]');
  check('colsampleBytree', c.colsampleBytree > 0 && c.colsampleBytree <= 1, 'must be in (0, 1]');
  check('minChildWeight', c.minChildWeight >= 0, 'must be ≥ 0');
  check('gamma', c.gamma >= 0, 'must be ≥ 0');
  check('earlyStoppingRounds', int(c.earlyStoppingRounds) && c.earlyStoppingRounds >= 1, 'must be an integer ≥ 1');
  check('threshold', c.threshold > 0 && c.threshold < 1, 'must be in (0, 1)');
  check('trainRatio', c.trainRatio > 0 && c.trainRatio < 1, 'must be in (0, 1)');
  check('valRatio', c.valRatio > 0 && c.valRatio < 1 && c.trainRatio + c.valRatio < 1, 'must be in (0, 1) with trainRatio + valRatio < 1');
  check('balanceMethod', c.balanceMethod === 'undersample' || c.balanceMethod === 'class_weights', "must be 'undersample' or 'class_weights'");
  check('nthread', int(c.nthread) && c.nthread >= 0, 'must be an integer ≥ 0');
  return issues;
}

/**
 * XGBoost parameters for a binary classifier from a trainer configuration.
 *
 * @example
 * ```ts
 * boosterParams(DEFAULT_TRAINER_CONFIG).eta; // 0.05
 * ```
 */
export function boosterParams(config: TrainerConfig): BoosterParams {
  return {
    objective: 'binary:logistic',
    eval_metric: config.evalMetric,
    max_depth: config.maxDepth,
    eta: config.learningRate,
    subsample: config.subsample,
    colsample_bytree: config.colsampleBytree,
    min_child_weight: config.minChildWeight,
    gamma: config.gamma,
    tree_method: config.treeMethod,
    seed: config.seed,
    nthread: config.nthread,
  };
}
