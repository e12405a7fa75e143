import { SpyglassError } from '@spyglass/core/errors';
import { Booster, type BoosterParams, type EvalResult } from './booster.js';
import { DMatrix, type DenseMatrixInput } from './dmatrix.js';
import type { XGBoostLibraryOptions } from './native-library.js';

/**
 * Training and (optional) validation matrices for {@link trainBooster}.
 *
 * @example
 * ```ts
 * const data: TrainData = { train: { data: x, rows: n, cols: 66, label: y }, valid: { data: xv, rows: nv, cols: 66, label: yv } };
 * ```
 */
export interface TrainData {
  readonly train: DenseMatrixInput;
  /** Evaluated every iteration; early stopping watches its last `eval_metric`. */
  readonly valid?: DenseMatrixInput;
}

/**
 * One progress report, sent after every boosting iteration.
 *
 * @example
 * ```ts
 * trainBooster(data, { params, rounds: 300, onIteration: (p: TrainProgress) => console.log(`${p.iteration}/${p.rounds}`, p.metrics) });
 * ```
 */
export interface TrainProgress {
  readonly iteration: number;
  readonly rounds: number;
  /** `{ train: { logloss: … }, valid: { logloss: … } }` */
  readonly metrics: EvalResult;
  readonly bestIteration: number;
}

/**
 * How to train.
 *
 * @example
 * ```ts
 * const opts: TrainBoosterOptions = { params: { objective: 'binary:logistic', eval_metric: 'logloss' }, rounds: 300, earlyStoppingRounds: 30 };
 * const result = trainBooster({ train, valid }, opts);
 * ```
 */
export interface TrainBoosterOptions extends XGBoostLibraryOptions {
  /** XGBoost parameters (objective, eta, max_depth, eval_metric…). */
  readonly params: BoosterParams;
  /** Maximum boosting rounds (`n_estimators`). */
  readonly rounds: number;
  /** Stop when the validation metric has not improved for this many rounds (needs `data.valid`). */
  readonly earlyStoppingRounds?: number;
  /** Stored in the model so importance and Python see real names. */
  readonly featureNames?: readonly string[];
  /** Called after each iteration. */
  readonly onIteration?: (progress: TrainProgress) => void;
}

/**
 * The trained model (sliced to the best iteration when early stopping is on) and its history.
 *
 * @example
 * ```ts
 * const r: TrainResult = trainBooster(data, { params, rounds: 300, earlyStoppingRounds: 30 });
 * if (r.stoppedEarly) console.log(`best ${r.metric} ${r.bestScore} at ${r.bestIteration}`);
 * ```
 */
export interface TrainResult {
  /** XGBoost JSON model bytes. */
  readonly model: Uint8Array;
  /** 0-based iteration with the best validation score (last iteration without validation). */
  readonly bestIteration: number;
  readonly bestScore: number | null;
  /** Name of the metric early stopping watched (e.g. `logloss`). */
  readonly metric: string | null;
  /** Iterations actually run. */
  readonly iterationsRun: number;
  readonly stoppedEarly: boolean;
  readonly history: readonly EvalResult[];
}

// Metrics where larger is better, as XGBoost's Python early-stopping callback decides.
const MAXIMIZE = /^(auc|aucpr|map|ndcg|pre)/;

/**
 * Trains a booster synchronously: one `UpdateOneIter` per round, evaluation on train/valid,
 * early stopping on the validation set's last metric, and the model sliced to the best iteration.
 * Blocks its thread: call it through {@link trainInWorker} from an event loop that must stay free.
 *
 * @example
 * ```ts
 * const result = trainBooster(
 *   { train: { data, rows, cols, label }, valid: { data: vData, rows: vRows, cols, label: vLabel } },
 *   { params: { objective: 'binary:logistic', eval_metric: 'logloss' }, rounds: 300, earlyStoppingRounds: 30 },
 * );
 * const booster = Booster.fromJson(result.model);
 * ```
 */
export function trainBooster(data: TrainData, options: TrainBoosterOptions): TrainResult {
  if (!Number.isInteger(options.rounds) || options.rounds < 1) {
    throw new SpyglassError('INVALID_ARGUMENT', `rounds must be a positive integer, got ${options.rounds}`);
  }
  if (options.earlyStoppingRounds !== undefined && !data.valid) {
    throw new SpyglassError('INVALID_ARGUMENT', 'earlyStoppingRounds needs a validation set (data.valid)');
  }
  const lib = options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath };
  // the matrices are built with the training's threads (all cores when unset, as Python's DMatrix)
  const nthread = Number(options.params.nthread ?? 0);
  const build = { ...lib, nthread: nthread > 0 ? nthread : -1 };
  using dtrain = DMatrix.fromDense(data.train, build);
  using dvalid = data.valid ? DMatrix.fromDense(data.valid, build) : undefined;
  const cache = dvalid ? [dtrain, dvalid] : [dtrain];
  const sets: Array<readonly [DMatrix, string]> = dvalid
    ? [
        [dtrain, 'train'],
        [dvalid, 'valid'],
      ]
    : [[dtrain, 'train']];
  using booster = Booster.create(options.params, cache, lib);
  if (options.featureNames) booster.featureNames = options.featureNames;
  const history: EvalResult[] = [];
  let bestIteration = 0;
  let bestScore: number | null = null;
  let metric: string | null = null;
  let stoppedEarly = false;
  let iteration = 0;
  for (; iteration < options.rounds; iteration++) {
    booster.update(iteration, dtrain);
    const metrics = booster.evaluate(iteration, sets);
    history.push(metrics);
    const watched = metrics.valid ?? metrics.train;
    const names = watched ? Object.keys(watched) : [];
    metric = names.length ? names[names.length - 1]! : null;
    if (metric !== null && watched) {
      const score = watched[metric]!;
      const better = bestScore === null || (MAXIMIZE.test(metric) ? score > bestScore : score < bestScore);
      if (better) {
        bestScore = score;
        bestIteration = iteration;
      }
    } else {
      bestIteration = iteration;
    }
    options.onIteration?.({ iteration, rounds: options.rounds, metrics, bestIteration });
    if (options.earlyStoppingRounds !== undefined && iteration - bestIteration >= options.earlyStoppingRounds) {
      stoppedEarly = true;
      iteration++;
      break;
    }
  }
  const iterationsRun = Math.min(iteration, options.rounds);
  if (!data.valid) bestIteration = iterationsRun - 1;
  // Like XGBClassifier, predictions should use the best iteration; slicing makes the saved model
  // self-contained so every consumer (Python too) gets the same predictions without extra state.
  let model: Uint8Array;
  if (bestIteration + 1 < iterationsRun) {
    using best = booster.slice(0, bestIteration + 1);
    if (options.featureNames) best.featureNames = options.featureNames;
    model = best.toJsonBytes();
  } else {
    model = booster.toJsonBytes();
  }
  return { model, bestIteration, bestScore, metric, iterationsRun, stoppedEarly, history };
}
