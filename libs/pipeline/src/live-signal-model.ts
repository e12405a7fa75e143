import { SpyglassError } from '@spyglass/core';
import { INCREMENTAL_FEATURE_COLUMNS } from '@spyglass/features';
import { Booster, ModelStore, TreePredictor, TreeShap, explainSignal, loadModelArtifact, type DensePredictor, type SignalExplanation } from '@spyglass/ml';

/**
 * What a {@link SignalModel} needs from a trained model: the XGBoost JSON bytes, its input
 * columns and its decision threshold (a `ModelArtifact` fits).
 *
 * @example
 * ```ts
 * const spec: SignalModelSpec = loadModelArtifact('data/models/xgboost_v1');
 * ```
 */
export interface SignalModelSpec {
  readonly model: Uint8Array;
  readonly featureColumns: readonly string[];
  readonly threshold: number;
  readonly version?: string;
}

/**
 * Options of a {@link SignalModel}. `predictor: 'libxgboost'` scores through libxgboost even when
 * the JavaScript tree walk supports the model (to compare the two; the probabilities are the same).
 *
 * @example
 * ```ts
 * const options: SignalModelOptions = { threshold: 0.7, predictor: 'libxgboost' };
 * ```
 */
export interface SignalModelOptions {
  readonly threshold?: number;
  readonly libraryPath?: string;
  readonly maxBatch?: number;
  readonly predictor?: 'auto' | 'libxgboost';
}

/**
 * A saved model for the live engine: scores a whole burst of feature vectors at once and explains
 * single rows with SHAP. Scoring walks the trees in JavaScript (ml's `TreePredictor`, bit-equal to
 * libxgboost; about the CPU of libxgboost's batch call per row on a full burst, without its per-call
 * cost on small ones) when the model is one it supports, else one libxgboost in-place prediction
 * per burst. Input rows are the 66 incremental features in
 * `INCREMENTAL_FEATURE_COLUMNS` order; the model's own column order is mapped once.
 *
 * @example
 * ```ts
 * using model = SignalModel.load('data/models/xgboost_v1');
 * const p = model.predict(rows, n); // rows: n × 66 Float64Array
 * if (p[0]! >= model.threshold) console.log(model.explain(rows.subarray(0, 66), p[0]!).factors[0]?.reading);
 * ```
 */
export class SignalModel implements Disposable {
  readonly featureColumns: readonly string[];
  readonly threshold: number;
  readonly version: string;
  readonly maxBatch: number;
  /** What scores: the JavaScript tree walk or libxgboost. */
  readonly predictor: 'javascript' | 'libxgboost';
  readonly #booster: Booster;
  readonly #treePredictor: TreePredictor | null;
  readonly #predictor: DensePredictor;
  /** Model column k reads incremental column #take[k]. */
  readonly #take: Int32Array;
  readonly #batch: Float32Array<ArrayBuffer>;
  /**
   * SHAP in JavaScript (libxgboost's `pred_contribs` within float32 rounding, no DMatrix per call) when the
   * model is one it supports; null: libxgboost explains.
   */
  readonly #treeShap: TreeShap | null;

  constructor(spec: SignalModelSpec, options: SignalModelOptions = {}) {
    const index = new Map<string, number>(INCREMENTAL_FEATURE_COLUMNS.map((c, i) => [c, i]));
    const unknown = spec.featureColumns.filter((c) => !index.has(c));
    if (unknown.length > 0) {
      throw new SpyglassError('INVALID_ARGUMENT', `SignalModel: the model needs features the live engine does not compute: ${unknown.join(', ')}`, { details: { unknown } });
    }
    this.featureColumns = spec.featureColumns;
    this.threshold = options.threshold ?? spec.threshold;
    this.version = spec.version ?? 'unversioned';
    this.maxBatch = options.maxBatch ?? 1024;
    this.#take = Int32Array.from(spec.featureColumns, (c) => index.get(c)!);
    this.#booster = Booster.fromJson(spec.model, options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath });
    this.#booster.setParam('nthread', 1);
    this.#predictor = this.#booster.densePredictor(spec.featureColumns.length, this.maxBatch);
    this.#batch = new Float32Array(this.maxBatch * spec.featureColumns.length);
    this.#treeShap = TreeShap.unsupported(spec.model) === null ? TreeShap.fromModelJson(spec.model) : null;
    this.#treePredictor = options.predictor !== 'libxgboost' && TreePredictor.unsupported(spec.model) === null ? treePredictorOrNull(spec.model) : null;
    this.predictor = this.#treePredictor ? 'javascript' : 'libxgboost';
    // The first prediction and SHAP call set up XGBoost's thread pool and caches (hundreds of ms):
    // pay that now, not on the first live burst.
    const missing = new Float64Array(INCREMENTAL_FEATURE_COLUMNS.length).fill(Number.NaN);
    this.explain(missing, this.predict(missing, 1)[0]!);
  }

  /**
   * The trainer's newest model under a data root (its `ModelStore`), e.g. when none is named.
   *
   * @example
   * ```ts
   * using model = SignalModel.latest('data');
   * ```
   */
  static latest(root: string, options: SignalModelOptions = {}): SignalModel {
    return SignalModel.load(new ModelStore(root).latest().dir, options);
  }

  /** A model directory written by the trainer (`model.json` + `artifact.json`). */
  static load(dir: string, options: SignalModelOptions = {}): SignalModel {
    return new SignalModel(loadModelArtifact(dir), options);
  }

  /** The model's input vector (float32, model column order) of one 66-feature row. */
  vector(row: ArrayLike<number>, out: Float32Array<ArrayBuffer> = new Float32Array(this.#take.length)): Float32Array<ArrayBuffer> {
    const take = this.#take;
    for (let k = 0; k < take.length; k++) out[k] = row[take[k]!]!;
    return out;
  }

  /** Probabilities of `n` rows of 66 features laid end to end in `rows`, in chunks of `maxBatch`. */
  predict(rows: Float64Array, n: number): Float32Array {
    const width = INCREMENTAL_FEATURE_COLUMNS.length;
    const cols = this.#take.length;
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += this.maxBatch) {
      const m = Math.min(this.maxBatch, n - start);
      for (let r = 0; r < m; r++) this.vector(rows.subarray((start + r) * width, (start + r + 1) * width), this.#batch.subarray(r * cols, (r + 1) * cols));
      const batch = this.#batch.subarray(0, m * cols);
      if (this.#treePredictor) this.#treePredictor.predict(batch, { out: out.subarray(start, start + m) });
      else out.set(this.#predictor.predict(batch), start);
    }
    return out;
  }

  /** SHAP explanation of one 66-feature row scored `probability`. */
  explain(row: ArrayLike<number>, probability: number, topN = 5): SignalExplanation {
    return this.explainMany([row], [probability], topN)[0]!;
  }

  /** SHAP explanations of several rows with one native contributions call per `maxBatch` rows. */
  explainMany(rows: readonly ArrayLike<number>[], probabilities: ArrayLike<number>, topN = 5): SignalExplanation[] {
    const cols = this.#take.length;
    const out: SignalExplanation[] = [];
    for (let start = 0; start < rows.length; start += this.maxBatch) {
      const m = Math.min(this.maxBatch, rows.length - start);
      const values = new Float32Array(m * cols);
      for (let r = 0; r < m; r++) this.vector(rows[start + r]!, values.subarray(r * cols, (r + 1) * cols));
      const contributions = this.#treeShap ? this.#shapRows(values, m) : this.#predictor.contributions(values).values;
      for (let r = 0; r < m; r++) {
        out.push(
          explainSignal({
            featureColumns: this.featureColumns,
            values: values.subarray(r * cols, (r + 1) * cols),
            contributions: contributions.subarray(r * (cols + 1), (r + 1) * (cols + 1)),
            probability: probabilities[start + r]!,
            threshold: this.threshold,
            topN,
          }),
        );
      }
    }
    return out;
  }

  /** SHAP rows of `m` model-order vectors laid end to end, by {@link TreeShap}. */
  #shapRows(values: Float32Array, m: number): Float32Array {
    const cols = this.#take.length;
    const out = new Float32Array(m * (cols + 1));
    for (let r = 0; r < m; r++) this.#treeShap!.contributions(values.subarray(r * cols, (r + 1) * cols), out.subarray(r * (cols + 1), (r + 1) * (cols + 1)));
    return out;
  }

  dispose(): void {
    this.#predictor.dispose();
    this.#booster.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

// The tree walk needs the C library's expf (libm.so.6) for bit-equal probabilities; where it cannot
// be loaded, libxgboost scores.
function treePredictorOrNull(model: Uint8Array): TreePredictor | null {
  try {
    return TreePredictor.fromModelJson(model);
  } catch {
    return null;
  }
}
