import { readFileSync, writeFileSync } from 'node:fs';
import koffi from 'koffi';
import { SpyglassError } from '@spyglass/core/errors';
import {
  check,
  copyBytes,
  copyFloats,
  loadXGBoost,
  readShape,
  readStrings,
  type XGBoostLibraryOptions,
  type XGBoostNative,
} from './native-library.js';
import { NativeHandle } from './native-handle.js';
import { DMatrix } from './dmatrix.js';
import { normalizeModelJson } from './model-json.js';

/**
 * XGBoost parameters, as XGBoost's own names (`max_depth`, `eta`, `objective`…).
 *
 * @example
 * ```ts
 * const params: BoosterParams = { objective: 'binary:logistic', max_depth: 6, eta: 0.1, nthread: 2 };
 * using booster = Booster.create(params, [dtrain]);
 * ```
 */
export type BoosterParams = Readonly<Record<string, string | number | boolean>>;

/**
 * The five importance measures XGBoost computes.
 *
 * @example
 * ```ts
 * for (const type of IMPORTANCE_TYPES) console.log(type, featureImportance(booster, columns, type)[0]?.feature);
 * ```
 */
export const IMPORTANCE_TYPES = ['weight', 'gain', 'cover', 'total_gain', 'total_cover'] as const;
/**
 * One of {@link IMPORTANCE_TYPES}.
 *
 * @example
 * ```ts
 * const type: ImportanceType = 'total_gain';
 * const scores = booster.featureScore(type);
 * ```
 */
export type ImportanceType = (typeof IMPORTANCE_TYPES)[number];

/**
 * What a prediction returns.
 *
 * @example
 * ```ts
 * const margins = booster.predict(dtest, { outputMargin: true, iterationRange: [0, bestIteration + 1] } satisfies PredictOptions);
 * ```
 */
export interface PredictOptions {
  /** Raw margins (log-odds for binary:logistic) instead of transformed values. */
  readonly outputMargin?: boolean;
  /** Use trees of iterations `[begin, end)` only; `end = 0` means all. */
  readonly iterationRange?: readonly [number, number];
}

/**
 * Per-row SHAP contributions: `cols + 1` values per row, the last one the bias.
 *
 * @example
 * ```ts
 * const { rows, width, values }: Contributions = booster.contributions(dmatrix);
 * const bias = values[width - 1]; // first row's SHAP bias term
 * ```
 */
export interface Contributions {
  readonly rows: number;
  /** Number of values per row: features + 1 (bias). */
  readonly width: number;
  readonly values: Float32Array;
}

/**
 * Result of {@link Booster.evaluate}: dataset name → metric name → value.
 *
 * @example
 * ```ts
 * const r: EvalResult = booster.evaluate(iteration, [[dvalid, 'valid']]);
 * console.log(r.valid?.logloss);
 * ```
 */
export type EvalResult = Record<string, Record<string, number>>;

// XGBoost's PredictionType enum (c_api.h): 0 value, 1 margin, 2 contributions.
const PREDICT_VALUE = 0;
const PREDICT_MARGIN = 1;
const PREDICT_CONTRIBS = 2;

function predictConfig(type: number, range: readonly [number, number] = [0, 0]): string {
  // JSON cannot express NaN, but XGBoost's parser accepts the bare literal, so it is spliced in.
  return (
    `{"type":${type},"training":false,"iteration_begin":${range[0]},"iteration_end":${range[1]},` +
    `"strict_shape":false,"cache_id":0,"missing":NaN}`
  );
}

/**
 * Parses XGBoost's evaluation line `[3]\ttrain-logloss:0.41\tvalid-auc:0.93`.
 *
 * @example
 * ```ts
 * parseEvalLine('[0]\ttrain-logloss:0.6\tvalid-logloss:0.7'); // { train: { logloss: 0.6 }, valid: { logloss: 0.7 } }
 * ```
 */
export function parseEvalLine(line: string): EvalResult {
  const result: EvalResult = {};
  for (const part of line.split('\t').slice(1)) {
    const colon = part.lastIndexOf(':');
    const dash = part.indexOf('-');
    if (colon < 0 || dash < 0 || dash > colon) continue;
    const dataset = part.slice(0, dash);
    const metric = part.slice(dash + 1, colon);
    (result[dataset] ??= {})[metric] = Number(part.slice(colon + 1));
  }
  return result;
}

/**
 * A gradient-boosted model in libxgboost: training steps, evaluation, prediction, SHAP values,
 * feature scores and JSON (de)serialisation.
 *
 * @example
 * ```ts
 * using dtrain = DMatrix.fromDense({ data, rows, cols, label });
 * using booster = Booster.create({ objective: 'binary:logistic', max_depth: 3 }, [dtrain]);
 * for (let i = 0; i < 20; i++) booster.update(i, dtrain);
 * const p = booster.predict(dtrain); // probabilities
 * ```
 */
export class Booster extends NativeHandle {
  private constructor(native: XGBoostNative, handle: bigint) {
    super(native, handle, 'XGBoosterFree', 'Booster');
  }

  /** A new booster caching `cache` matrices (pass the training and evaluation sets). */
  static create(params: BoosterParams = {}, cache: readonly DMatrix[] = [], options: XGBoostLibraryOptions = {}): Booster {
    const native = loadXGBoost(options);
    const out: unknown[] = [null];
    const handles = cache.map((d) => d.handle);
    check(native, native.XGBoosterCreate(handles.length ? handles : null, handles.length, out), 'create a Booster');
    const booster = new Booster(native, out[0] as bigint);
    try {
      booster.setParams(params);
    } catch (e) {
      booster.dispose();
      throw e;
    }
    return booster;
  }

  /**
   * Loads a JSON model (as written by spyglass or any XGBoost ≥ 1.0, including 3.x's bracketed
   * `base_score`, see {@link normalizeModelJson}).
   */
  static fromJson(model: string | Uint8Array, options: XGBoostLibraryOptions = {}): Booster {
    const text = typeof model === 'string' ? model : Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString('utf8');
    if (!text.trimStart().startsWith('{')) {
      throw new SpyglassError('XGBOOST', 'model is not XGBoost JSON (UBJSON and legacy binary models are not supported)');
    }
    const bytes = Buffer.from(normalizeModelJson(text), 'utf8');
    const booster = Booster.create({}, [], options);
    try {
      check(booster.native, booster.native.XGBoosterLoadModelFromBuffer(booster.handle, bytes, bytes.length), 'load a JSON model');
    } catch (e) {
      booster.dispose();
      throw e;
    }
    return booster;
  }

  /** Loads a JSON model file. */
  static loadFile(path: string, options: XGBoostLibraryOptions = {}): Booster {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new SpyglassError('NOT_FOUND', `cannot read XGBoost model ${path}`, { cause, details: { path } });
    }
    try {
      return Booster.fromJson(text, options);
    } catch (e) {
      if (e instanceof SpyglassError) {
        throw new SpyglassError(e.code, `${path}: ${e.message}`, { cause: e, details: { ...e.details, path } });
      }
      throw e;
    }
  }

  /** Sets one parameter (values are passed to XGBoost as strings). */
  setParam(name: string, value: string | number | boolean): void {
    check(this.native, this.native.XGBoosterSetParam(this.handle, name, String(value)), `set parameter ${name}=${value}`);
  }

  /** Sets every parameter of `params`. */
  setParams(params: BoosterParams): void {
    for (const [name, value] of Object.entries(params)) this.setParam(name, value);
  }

  /** Runs boosting iteration `iteration` on `dtrain`. */
  update(iteration: number, dtrain: DMatrix): void {
    check(this.native, this.native.XGBoosterUpdateOneIter(this.handle, iteration, dtrain.handle), `run boosting iteration ${iteration}`);
  }

  /** Evaluates the configured `eval_metric`s on named matrices. */
  evaluate(iteration: number, sets: ReadonlyArray<readonly [DMatrix, string]>): EvalResult {
    const out: unknown[] = [null];
    check(
      this.native,
      this.native.XGBoosterEvalOneIter(
        this.handle,
        iteration,
        sets.map(([d]) => d.handle),
        sets.map(([, n]) => n),
        sets.length,
        out,
      ),
      `evaluate iteration ${iteration}`,
    );
    return parseEvalLine(String(out[0]));
  }

  /** Predictions for every row of `data`: probabilities for binary:logistic, margins with `outputMargin`. */
  predict(data: DMatrix, options: PredictOptions = {}): Float32Array {
    const type = options.outputMargin ? PREDICT_MARGIN : PREDICT_VALUE;
    return this.#predictDMatrix(data, type, options.iterationRange).values;
  }

  /** Exact TreeSHAP contributions (`pred_contribs`): per row, one value per feature plus the bias; they sum to the margin. */
  contributions(data: DMatrix, options: Pick<PredictOptions, 'iterationRange'> = {}): Contributions {
    const { shape, values } = this.#predictDMatrix(data, PREDICT_CONTRIBS, options.iterationRange);
    return { rows: shape[0] ?? 0, width: shape[1] ?? data.cols + 1, values };
  }

  #predictDMatrix(data: DMatrix, type: number, range?: readonly [number, number]): { shape: number[]; values: Float32Array } {
    const shape: unknown[] = [null];
    const dim = [0];
    const result: unknown[] = [null];
    check(
      this.native,
      this.native.XGBoosterPredictFromDMatrix(this.handle, data.handle, predictConfig(type, range), shape, dim, result),
      'predict',
    );
    const dims = readShape(shape[0], dim[0]!);
    const length = dims.reduce((a, b) => a * b, 1);
    return { shape: dims, values: copyFloats(result[0], length) };
  }

  /**
   * A reusable predictor for small dense batches (`maxRows × cols`) through
   * `XGBoosterPredictFromDense`, without building a DMatrix per call: the live-scoring fast path.
   */
  densePredictor(cols: number, maxRows = 1): DensePredictor {
    return new DensePredictor(this, cols, maxRows);
  }

  /** Importance per feature name for one {@link ImportanceType}; features never split on are absent. */
  featureScore(type: ImportanceType): Map<string, number> {
    const nFeatures = [0];
    const features: unknown[] = [null];
    const dim = [0];
    const shape: unknown[] = [null];
    const scores: unknown[] = [null];
    check(
      this.native,
      this.native.XGBoosterFeatureScore(this.handle, `{"importance_type":"${type}"}`, nFeatures, features, dim, shape, scores),
      `compute ${type} feature scores`,
    );
    const names = readStrings(features[0], nFeatures[0]!);
    const values = copyFloats(scores[0], nFeatures[0]!);
    return new Map(names.map((n, i) => [n, values[i]!]));
  }

  /** Number of boosting rounds in the model. */
  get boostedRounds(): number {
    const out = [0];
    check(this.native, this.native.XGBoosterBoostedRounds(this.handle, out), 'count boosted rounds');
    return out[0]!;
  }

  /** Number of input features the model expects. */
  get numFeatures(): number {
    const out = [0];
    check(this.native, this.native.XGBoosterGetNumFeature(this.handle, out), 'read the number of features');
    return Number(out[0]);
  }

  /** Feature names stored in the model (empty when none were set). */
  get featureNames(): string[] {
    const len = [0];
    const out: unknown[] = [null];
    check(this.native, this.native.XGBoosterGetStrFeatureInfo(this.handle, 'feature_name', len, out), 'read feature names');
    return readStrings(out[0], Number(len[0]));
  }

  /** Stores feature names in the model, so importance and Python users see real names. */
  set featureNames(names: readonly string[]) {
    check(
      this.native,
      this.native.XGBoosterSetStrFeatureInfo(this.handle, 'feature_name', [...names], names.length),
      'set feature names',
    );
  }

  /** A new booster holding only iterations `[begin, end)` (e.g. up to the early-stopping best). */
  slice(begin: number, end: number): Booster {
    const out: unknown[] = [null];
    check(this.native, this.native.XGBoosterSlice(this.handle, begin, end, 1, out), `slice iterations [${begin}, ${end})`);
    return new Booster(this.native, out[0] as bigint);
  }

  /** The model as XGBoost JSON bytes (loadable by Python's `Booster.load_model`). */
  toJsonBytes(): Uint8Array {
    const len = [0];
    const out: unknown[] = [null];
    check(this.native, this.native.XGBoosterSaveModelToBuffer(this.handle, '{"format":"json"}', len, out), 'save the model');
    return copyBytes(out[0], Number(len[0]));
  }

  /** Writes the model as XGBoost JSON to `path`. */
  saveFile(path: string): void {
    try {
      writeFileSync(path, this.toJsonBytes());
    } catch (cause) {
      if (cause instanceof SpyglassError) throw cause;
      throw new SpyglassError('STORAGE', `cannot write XGBoost model ${path}`, { cause, details: { path } });
    }
  }
}

const predictorRegistry = new FinalizationRegistry<unknown>((memory) => koffi.free(memory));

/**
 * Scores small dense batches with one native input buffer allocated up front: each call writes
 * the rows into it and calls `XGBoosterPredictFromDense`, so there is no per-call allocation on
 * the C side beyond XGBoost's own.
 *
 * @example
 * ```ts
 * using p = booster.densePredictor(features.length);
 * const [probability] = p.predict(row);
 * ```
 */
export class DensePredictor implements Disposable {
  readonly cols: number;
  readonly maxRows: number;
  readonly #booster: Booster;
  #memory: unknown;
  readonly #view: Float32Array;
  readonly #interfaces: string[];
  readonly #shape: unknown[] = [null];
  readonly #dim = [0];
  readonly #result: unknown[] = [null];

  constructor(booster: Booster, cols: number, maxRows = 1) {
    this.#booster = booster;
    this.cols = cols;
    this.maxRows = maxRows;
    this.#memory = koffi.alloc('float', cols * maxRows);
    predictorRegistry.register(this, this.#memory, this);
    this.#view = new Float32Array(koffi.view(this.#memory, cols * maxRows * 4));
    const address = Number(koffi.address(this.#memory));
    // The array-interface JSON only changes with the row count: precompute one per size.
    this.#interfaces = Array.from({ length: maxRows + 1 }, (_, rows) =>
      JSON.stringify({ data: [address, true], shape: [rows, cols], typestr: '<f4', version: 3 }),
    );
  }

  /** Probabilities (or margins with `outputMargin`) for `rows.length / cols` rows. */
  predict(rows: ArrayLike<number>, options: Pick<PredictOptions, 'outputMargin'> = {}): Float32Array {
    return this.#run(rows, options.outputMargin ? PREDICT_MARGIN : PREDICT_VALUE).values;
  }

  /**
   * SHAP contributions for the rows (width `cols + 1`, last value the bias). libxgboost 1.7's
   * in-place prediction does not support contributions, so this path builds a small DMatrix.
   */
  contributions(rows: ArrayLike<number>): Contributions {
    const n = this.#rowCount(rows);
    const data = rows instanceof Float32Array ? rows : Float32Array.from(rows);
    using matrix = DMatrix.fromDense({ data, rows: n, cols: this.cols }, { libraryPath: this.#booster.native.libraryPath });
    return this.#booster.contributions(matrix);
  }

  #rowCount(rows: ArrayLike<number>): number {
    const n = rows.length / this.cols;
    if (!Number.isInteger(n) || n < 1 || n > this.maxRows) {
      throw new SpyglassError('INVALID_ARGUMENT', `DensePredictor: ${rows.length} values is not 1..${this.maxRows} rows of ${this.cols}`, {
        details: { length: rows.length, cols: this.cols, maxRows: this.maxRows },
      });
    }
    return n;
  }

  #run(rows: ArrayLike<number>, type: number): { shape: number[]; values: Float32Array } {
    if (this.#memory === null) throw new SpyglassError('XGBOOST', 'DensePredictor was used after dispose()');
    const n = this.#rowCount(rows);
    this.#view.set(rows);
    const native = this.#booster.native;
    check(
      native,
      native.XGBoosterPredictFromDense(
        this.#booster.handle,
        this.#interfaces[n]!,
        type === PREDICT_MARGIN ? CONFIG_MARGIN : CONFIG_VALUE,
        null,
        this.#shape,
        this.#dim,
        this.#result,
      ),
      'predict from dense input',
    );
    const dims = readShape(this.#shape[0], this.#dim[0]!);
    return { shape: dims, values: copyFloats(this.#result[0], dims.reduce((a, b) => a * b, 1)) };
  }

  /** Frees the native input buffer. */
  dispose(): void {
    if (this.#memory === null) return;
    predictorRegistry.unregister(this);
    koffi.free(this.#memory);
    this.#memory = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

const CONFIG_VALUE = predictConfig(PREDICT_VALUE);
const CONFIG_MARGIN = predictConfig(PREDICT_MARGIN);
