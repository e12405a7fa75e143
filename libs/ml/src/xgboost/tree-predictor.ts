import { SpyglassError } from '@spyglass/core';
import koffi from 'koffi';
import { MARGIN_OF_BASE_SCORE, parseModelJson, type ModelJson } from './tree-shap.js';

const f = Math.fround;

/** A float32 exp: libxgboost calls the C library's `expf`, so bit-equal output needs the same one. */
export type Expf = (x: number) => number;

// Objectives whose output transform is reproduced: the logistic ones apply XGBoost's float32
// sigmoid (common::Sigmoid, 1 / (1 + expf(−x))), the others return the margin. binary:logitraw is
// left out: libxgboost 1.6 does not take its base_score through ProbToMargin as
// MARGIN_OF_BASE_SCORE assumes (its margins differed by exactly that in the spec).
const LOGISTIC: Readonly<Record<string, boolean>> = {
  'binary:logistic': true,
  'reg:logistic': true,
  'reg:squarederror': false,
  'reg:linear': false,
};

let libmExpf: Expf | null = null;

// Math.exp rounded to float32 differs from glibc's expf in the last bit for about 0.06 % of
// arguments (glibc's expf is not correctly rounded, 0.502 ulp), so the C function is called: about
// 80 ns through koffi, and the same code libxgboost runs in this process.
function systemExpf(): Expf {
  libmExpf ??= koffi.load('libm.so.6').func('float expf(float)') as Expf;
  return libmExpf;
}

/**
 * Predictions of an XGBoost gbtree model by walking its trees in JavaScript: no native call, no
 * DMatrix, no allocation per row; about 1–3 µs per row for a few hundred trees of depth 6, against
 * about 11 µs for a one-row libxgboost in-place prediction through koffi.
 *
 * It reproduces libxgboost's CPU predictor (1.6 on this machine, unchanged in 1.7) operation for
 * operation, so its output is the same float32 bit for bit: the spec checks thousands of random
 * rows with missing values against `Booster.predict` and the in-place `DensePredictor`. Features
 * are float32; a split goes left when `x < split_condition`, and a missing value (NaN) follows
 * `default_left` (±Infinity, which libxgboost refuses as input, is compared as a value). The leaves
 * are added in float32 to the base margin tree by tree in model order. `binary:logistic` and
 * `reg:logistic` then apply XGBoost's float32 sigmoid `1 / (1 + expf(−x))` with the C library's
 * `expf`, the one libxgboost calls.
 *
 * Supports single-output gbtree models with numerical splits and the objectives binary:logistic,
 * reg:logistic and reg:squarederror; {@link TreePredictor.unsupported} says why not. Use libxgboost
 * (`Booster.predict`, `DensePredictor`) for the others.
 *
 * @example
 * ```ts
 * const predictor = TreePredictor.fromModelJson(artifact.model);
 * const probabilities = predictor.predict(rows); // rows: n × predictor.cols values, NaN = missing
 * const margin = predictor.margin(rows.subarray(0, predictor.cols));
 * ```
 */
export class TreePredictor {
  /** Number of input features per row. */
  readonly cols: number;
  /** Number of trees summed per row. */
  readonly trees: number;
  // Every tree's nodes end to end; a node's children are absolute indices, -1 marks a leaf whose
  // value is in #cond (XGBoost stores leaf values in split_conditions).
  readonly #roots: Int32Array;
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #split: Int32Array;
  readonly #cond: Float32Array;
  readonly #defaultLeft: Uint8Array;
  readonly #baseMargin: number;
  readonly #logistic: boolean;
  readonly #expf: Expf;

  private constructor(model: ModelJson, expf: Expf | undefined) {
    const learner = model.learner;
    const trees = learner.gradient_booster.model.trees;
    this.cols = Number(learner.learner_model_param.num_feature);
    this.trees = trees.length;
    const total = trees.reduce((n, t) => n + t.left_children.length, 0);
    this.#roots = new Int32Array(trees.length);
    this.#left = new Int32Array(total);
    this.#right = new Int32Array(total);
    this.#split = new Int32Array(total);
    this.#cond = new Float32Array(total);
    this.#defaultLeft = new Uint8Array(total);
    let offset = 0;
    trees.forEach((t, i) => {
      this.#roots[i] = offset;
      for (let n = 0; n < t.left_children.length; n++) {
        const l = t.left_children[n]!;
        this.#left[offset + n] = l < 0 ? -1 : offset + l;
        this.#right[offset + n] = l < 0 ? -1 : offset + t.right_children[n]!;
        this.#split[offset + n] = t.split_indices[n]!;
        this.#cond[offset + n] = t.split_conditions[n]!;
        this.#defaultLeft[offset + n] = t.default_left[n] ? 1 : 0;
        if (l >= 0 && (t.split_indices[n]! < 0 || t.split_indices[n]! >= this.cols)) {
          throw new SpyglassError('XGBOOST', `TreePredictor: tree ${i} node ${n} splits on feature ${t.split_indices[n]} of ${this.cols}`);
        }
      }
      offset += t.left_children.length;
    });
    const objective = learner.objective.name;
    this.#baseMargin = MARGIN_OF_BASE_SCORE[objective]!(f(Number(learner.learner_model_param.base_score)));
    this.#logistic = LOGISTIC[objective]!;
    this.#expf = this.#logistic ? (expf ?? systemExpf()) : Math.exp;
  }

  /** Why a model cannot be predicted here (`null` when it can). */
  static unsupported(model: string | Uint8Array): string | null {
    return unsupportedReason(parseModelJson(model));
  }

  /**
   * Parses an XGBoost JSON model (bytes or text); throws `XGBOOST` for unsupported models. The
   * logistic objectives use the C library's `expf` (libm.so.6, as libxgboost does) unless `expf`
   * is given; loading it throws where there is no such library.
   */
  static fromModelJson(model: string | Uint8Array, options: { expf?: Expf } = {}): TreePredictor {
    const json = parseModelJson(model);
    const reason = unsupportedReason(json);
    if (reason !== null) throw new SpyglassError('XGBOOST', `TreePredictor cannot predict with this model: ${reason}`, { details: { reason } });
    return new TreePredictor(json, options.expf);
  }

  /** The float32 margin (base margin + every tree's leaf) of one row of `cols` values. */
  margin(row: ArrayLike<number>, offset = 0): number {
    const left = this.#left;
    const right = this.#right;
    const split = this.#split;
    const cond = this.#cond;
    const defaultLeft = this.#defaultLeft;
    const roots = this.#roots;
    let sum = this.#baseMargin;
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t]!;
      let l = left[n]!;
      while (l >= 0) {
        const x = f(row[offset + split[n]!]!);
        n = x !== x ? (defaultLeft[n] ? l : right[n]!) : x < cond[n]! ? l : right[n]!;
        l = left[n]!;
      }
      sum = f(sum + cond[n]!); // XGBoost's float32 order: tree by tree
    }
    return sum;
  }

  /**
   * Predictions (probabilities for the logistic objectives, else margins; margins always with
   * `outputMargin`) of `rows.length / cols` rows laid end to end. Writes into `out` when given.
   */
  predict(rows: ArrayLike<number>, options: { outputMargin?: boolean; out?: Float32Array } = {}): Float32Array {
    const n = rows.length / this.cols;
    if (!Number.isInteger(n)) {
      throw new SpyglassError('INVALID_ARGUMENT', `TreePredictor: ${rows.length} values is not a whole number of rows of ${this.cols}`, {
        details: { length: rows.length, cols: this.cols },
      });
    }
    const out = options.out ?? new Float32Array(n);
    if (out.length < n) {
      throw new SpyglassError('INVALID_ARGUMENT', `TreePredictor: out holds ${out.length} values, ${n} rows need ${n}`, { details: { out: out.length, rows: n } });
    }
    const logistic = this.#logistic && options.outputMargin !== true;
    const expf = this.#expf;
    for (let r = 0; r < n; r++) {
      const margin = this.margin(rows, r * this.cols);
      out[r] = logistic ? f(1 / f(1 + f(expf(-margin)))) : margin;
    }
    return out;
  }
}

function unsupportedReason(json: ModelJson): string | null {
  const learner = json.learner;
  if (learner.gradient_booster.name !== 'gbtree') return `booster ${learner.gradient_booster.name} (only gbtree)`;
  if (Number(learner.learner_model_param.num_class) > 1) return 'multi-class model';
  if (!(learner.objective.name in LOGISTIC) || !(learner.objective.name in MARGIN_OF_BASE_SCORE)) return `objective ${learner.objective.name}`;
  if (learner.gradient_booster.model.trees.some((t) => t.split_type?.some((s) => s !== 0))) return 'categorical splits';
  return null;
}
