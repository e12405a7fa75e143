import { SpyglassError } from '@spyglass/core';
import { loadModelArtifact, type ModelArtifact } from '../training/model-artifact.js';
import { Booster, type DensePredictor } from '../xgboost/booster.js';
import type { XGBoostLibraryOptions } from '../xgboost/native-library.js';
import { TreePredictor } from '../xgboost/tree-predictor.js';
import { TreeShap } from '../xgboost/tree-shap.js';
import { explainSignal, type ExplanationFactor, type SignalExplanation } from './signal-explainer.js';

/**
 * Options of {@link Scorer}.
 *
 * @example
 * ```ts
 * const opts: ScorerOptions = { threshold: 0.7, nthread: 1 };
 * using scorer = Scorer.load('data/models/xgboost_v1', opts);
 * ```
 */
export interface ScorerOptions extends XGBoostLibraryOptions {
  /**
   * XGBoost threads per prediction; default 1, because a single row cannot use more and
   * OpenMP's hand-off costs more than the tree walk.
   */
  readonly nthread?: number;
  /** Override the artifact's threshold. */
  readonly threshold?: number;
  /**
   * Who computes SHAP contributions: `'tree-shap'` (default) the JavaScript {@link TreeShap},
   * exact in double precision and equal to libxgboost's float32 `pred_contribs` within a few
   * float32 ulps of the row's Σ|contribution|, several times faster than a native call per row;
   * `'libxgboost'` libxgboost's own `pred_contribs` (bit-for-bit XGBoost's float32 values, a
   * DMatrix per call). Models TreeShap does not support always use libxgboost.
   */
  readonly shap?: 'tree-shap' | 'libxgboost';
  /**
   * Who computes probabilities: `'auto'` (default) the JavaScript {@link TreePredictor} (bit-equal
   * to libxgboost's predict, no native call: about 10 µs a row against 70-250 µs through koffi)
   * when it supports the model, else libxgboost; `'libxgboost'` always libxgboost.
   */
  readonly predictor?: 'auto' | 'libxgboost';
}

/**
 * A scored row.
 *
 * @example
 * ```ts
 * const s: Score = scorer.score(row, { explain: true, topN: 3 });
 * if (s.isSignal) console.log(s.probability, s.factors?.map((f) => f.feature));
 * ```
 */
export interface Score {
  readonly probability: number;
  readonly isSignal: boolean;
  /** Top SHAP factors when requested. */
  readonly factors?: readonly ExplanationFactor[];
}

/**
 * A feature row: values in `featureColumns` order, or a record by name (absent/null = missing).
 *
 * @example
 * ```ts
 * const row: FeatureRow = { spy_rsi_14: 71.2, iv: 0.18, moneyness: 1.002 }; // absent features count as missing
 * scorer.probability(row);
 * ```
 */
export type FeatureRow = ArrayLike<number> | Readonly<Record<string, number | null | undefined>>;

/**
 * Live scoring with a saved model: load the artifact once, then score one row at a time
 * (probability, signal flag and optional SHAP top factors). Probabilities go through XGBoost's
 * in-place dense prediction with a preallocated native buffer.
 *
 * @example
 * ```ts
 * using scorer = Scorer.load('data/models/xgboost_v1');
 * const s = scorer.score({ spy_rsi_14: 71.2, iv: 0.23 }, { explain: true });
 * if (s.isSignal) console.log(s.probability, s.factors?.[0]?.reading);
 * ```
 */
export class Scorer implements Disposable {
  readonly artifact: Omit<ModelArtifact, 'model'>;
  readonly featureColumns: readonly string[];
  readonly threshold: number;
  readonly #booster: Booster;
  readonly #predictor: DensePredictor;
  readonly #treePredictor: TreePredictor | null;
  readonly #probability = new Float32Array(1);
  readonly #row: Float32Array;
  readonly #index: Map<string, number>;
  readonly #model: ModelArtifact['model'];
  /** Built on the first explanation; null when unsupported or not chosen (`shap: 'libxgboost'`). */
  #treeShap: TreeShap | null | undefined;
  readonly #contributions: Float32Array;
  /** The explained row's values, kept apart from #row (contributions() writes #row again). */
  readonly #explained: Float32Array;

  private constructor(artifact: ModelArtifact, options: ScorerOptions) {
    const { model, ...meta } = artifact;
    this.#model = model;
    if (options.shap === 'libxgboost') this.#treeShap = null;
    this.#contributions = new Float32Array(artifact.featureColumns.length + 1);
    this.#explained = new Float32Array(artifact.featureColumns.length);
    this.artifact = meta;
    this.featureColumns = artifact.featureColumns;
    this.threshold = options.threshold ?? artifact.threshold;
    this.#booster = Booster.fromJson(model, options.libraryPath === undefined ? {} : { libraryPath: options.libraryPath });
    this.#booster.setParam('nthread', options.nthread ?? 1);
    this.#predictor = this.#booster.densePredictor(this.featureColumns.length);
    this.#treePredictor = options.predictor !== 'libxgboost' && TreePredictor.unsupported(model) === null ? TreePredictor.fromModelJson(model) : null;
    this.#row = new Float32Array(this.featureColumns.length);
    this.#index = new Map(this.featureColumns.map((c, i) => [c, i]));
  }

  /** A scorer for an artifact directory written by `saveModelArtifact`. */
  static load(dir: string, options: ScorerOptions = {}): Scorer {
    return new Scorer(loadModelArtifact(dir), options);
  }

  /** A scorer for an in-memory artifact (e.g. straight from the trainer). */
  static fromArtifact(artifact: ModelArtifact, options: ScorerOptions = {}): Scorer {
    return new Scorer(artifact, options);
  }

  /** The model's feature vector for a row (records: missing names become NaN). */
  toVector(row: FeatureRow): Float32Array {
    if (typeof (row as ArrayLike<number>).length === 'number') {
      const values = row as ArrayLike<number>;
      if (values.length !== this.featureColumns.length) {
        throw new SpyglassError('INVALID_ARGUMENT', `row has ${values.length} values, the model expects ${this.featureColumns.length} (${this.artifact.version})`);
      }
      this.#row.set(values);
    } else {
      const record = row as Readonly<Record<string, number | null | undefined>>;
      for (const [name, i] of this.#index) {
        const v = record[name];
        this.#row[i] = v === null || v === undefined ? Number.NaN : v;
      }
    }
    return this.#row;
  }

  /** The probability of a ≥ 20 % move within 120 minutes for one row. */
  probability(row: FeatureRow): number {
    return this.#probabilityOf(this.toVector(row));
  }

  #probabilityOf(vector: Float32Array): number {
    if (this.#treePredictor) return this.#treePredictor.predict(vector, { out: this.#probability })[0]!;
    return this.#predictor.predict(vector)[0]!;
  }

  /** Probability, signal flag and (with `explain`) the top SHAP factors. */
  score(row: FeatureRow, options: { explain?: boolean; topN?: number } = {}): Score {
    const probability = this.probability(row);
    const isSignal = probability >= this.threshold;
    if (!options.explain) return { probability, isSignal };
    return { probability, isSignal, factors: this.explain(row, options.topN === undefined ? {} : { topN: options.topN }).factors };
  }

  /** The full SHAP explanation of one row. */
  explain(row: FeatureRow, options: { topN?: number; closeCallMargin?: number } = {}): SignalExplanation {
    const values = this.#explained;
    values.set(this.toVector(row));
    const probability = this.#probabilityOf(values);
    const contributions = this.contributions(values);
    return explainSignal({ featureColumns: this.featureColumns, values, contributions, probability, threshold: this.threshold, ...options });
  }

  /**
   * Exact SHAP contributions (`pred_contribs`, bias last) of one row, computed by {@link TreeShap}
   * (no DMatrix per call; see {@link ScorerOptions.shap}) or by libxgboost for models it does not
   * support or when chosen. The returned array is reused by the next call.
   */
  contributions(row: FeatureRow): Float32Array {
    const values = this.toVector(row);
    if (this.#treeShap === undefined) this.#treeShap = TreeShap.unsupported(this.#model) === null ? TreeShap.fromModelJson(this.#model) : null;
    if (this.#treeShap) return this.#treeShap.contributions(values, this.#contributions);
    this.#contributions.set(this.#predictor.contributions(values).values);
    return this.#contributions;
  }

  /** Frees the native model and buffers. */
  dispose(): void {
    this.#predictor.dispose();
    this.#booster.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
