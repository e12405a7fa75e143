import { SpyglassError } from '@spyglass/core';
import koffi from 'koffi';
import { MARGIN_OF_BASE_SCORE, flattenTrees, parseModelJson, type ModelJson } from './model-json.js';

const f = Math.fround;

/** A float32 exp: libxgboost calls the C library's `expf`, so bit-equal output needs the same one. */
export type Expf = (x: number) => number;

// Objectives whose output transform is reproduced: the logistic ones apply XGBoost's float32
// sigmoid (common::Sigmoid, 1 / (1 + expf(−x))), the others (binary:logitraw included) return the
// margin.
const LOGISTIC: Readonly<Record<string, boolean>> = {
  'binary:logistic': true,
  'binary:logitraw': false,
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
 * DMatrix, no allocation per call beyond the output. Rows are walked a block at a time, tree by
 * tree, four rows at once. Per row it costs about what libxgboost's batched in-place prediction
 * costs (5–11 µs for 157 trees of depth 6 and 66 features, measured under load), but it has no
 * per-call cost (koffi, the array-interface JSON, XGBoost's setup), so small batches and single
 * rows are several times cheaper (about 11 against 50–80 µs for one row).
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
 * binary:logitraw, reg:logistic and reg:squarederror; {@link TreePredictor.unsupported} says why not. Use libxgboost
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
  // Every tree's nodes end to end, renumbered breadth first so a node's right child is its left
  // child + 1, four 32-bit slots a node (one cache line holds four nodes): the left child's index
  // (-1 for a leaf), the split feature, default_left, and the float32 split condition (the leaf
  // value for a leaf, as XGBoost stores it) in #cond, a Float32Array over the same buffer.
  readonly #roots: Int32Array;
  readonly #nodes: Int32Array;
  readonly #cond: Float32Array;
  readonly #baseMargin: number;
  readonly #logistic: boolean;
  readonly #expf: Expf;
  /** Rows copied to float32 (XGBoost's feature type), a block at a time. */
  #block = new Float32Array(0);

  private constructor(model: ModelJson, expf: Expf | undefined) {
    const learner = model.learner;
    const trees = learner.gradient_booster.model.trees;
    this.cols = Number(learner.learner_model_param.num_feature);
    this.trees = trees.length;
    const flat = flattenTrees(model, 'TreePredictor');
    const total = flat.left.length;
    this.#roots = flat.roots.subarray(0, trees.length);
    this.#nodes = new Int32Array(total * NODE);
    this.#cond = new Float32Array(this.#nodes.buffer);
    for (let n = 0; n < total; n++) {
      const id = n * NODE;
      this.#cond[id + COND] = flat.cond[n]!;
      this.#nodes[id + LEFT] = flat.left[n]!;
      if (flat.left[n]! < 0) continue;
      this.#nodes[id + SPLIT] = flat.split[n]!;
      this.#nodes[id + DEFAULT_LEFT] = flat.defaultLeft[n]!;
    }
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
  margin(row: ArrayLike<number>): number {
    const out = new Float32Array(1);
    this.#margins(row, 0, 1, out, 0);
    return out[0]!;
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
    for (let start = 0; start < n; start += BLOCK) this.#margins(rows, start, Math.min(BLOCK, n - start), out, start);
    if (this.#logistic && options.outputMargin !== true) {
      const expf = this.#expf;
      for (let r = 0; r < n; r++) out[r] = f(1 / f(1 + f(expf(-out[r]!))));
    }
    return out;
  }

  // Margins of rows [start, start + m) into out[at …]: tree by tree over the block, as XGBoost's
  // PredictBatchByBlockOfRowsKernel does, so a tree's nodes stay in cache while the rows walk it.
  // Each row's sum still adds its trees in model order, in float32.
  #margins(rows: ArrayLike<number>, start: number, m: number, out: Float32Array, at: number): void {
    const cols = this.cols;
    if (this.#block.length < m * cols) this.#block = new Float32Array(BLOCK * cols);
    const x = this.#block;
    for (let i = 0, base = start * cols; i < m * cols; i++) x[i] = rows[base + i]!;
    const nodes = this.#nodes;
    const cond = this.#cond;
    const roots = this.#roots;
    out.fill(this.#baseMargin, at, at + m);
    const m4 = m - (m % 4);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]! * NODE;
      // four rows at a time: four independent chains of dependent loads overlap in the CPU
      for (let r = 0; r < m4; r += 4) {
        const b0 = r * cols;
        const b1 = b0 + cols;
        const b2 = b1 + cols;
        const b3 = b2 + cols;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        let l0 = nodes[root]!;
        let l1 = l0;
        let l2 = l0;
        let l3 = l0;
        while ((l0 & l1 & l2 & l3) >= 0) {
          // some row is still at a split: the AND is negative only when every child index is -1
          if (l0 >= 0) {
            const v = x[b0 + nodes[n0 + SPLIT]!]!;
            n0 = (l0 + 1 - (+(v < cond[n0 + COND]!) | (+(v !== v) & nodes[n0 + DEFAULT_LEFT]!))) * NODE;
            l0 = nodes[n0]!;
          }
          if (l1 >= 0) {
            const v = x[b1 + nodes[n1 + SPLIT]!]!;
            n1 = (l1 + 1 - (+(v < cond[n1 + COND]!) | (+(v !== v) & nodes[n1 + DEFAULT_LEFT]!))) * NODE;
            l1 = nodes[n1]!;
          }
          if (l2 >= 0) {
            const v = x[b2 + nodes[n2 + SPLIT]!]!;
            n2 = (l2 + 1 - (+(v < cond[n2 + COND]!) | (+(v !== v) & nodes[n2 + DEFAULT_LEFT]!))) * NODE;
            l2 = nodes[n2]!;
          }
          if (l3 >= 0) {
            const v = x[b3 + nodes[n3 + SPLIT]!]!;
            n3 = (l3 + 1 - (+(v < cond[n3 + COND]!) | (+(v !== v) & nodes[n3 + DEFAULT_LEFT]!))) * NODE;
            l3 = nodes[n3]!;
          }
        }
        out[at + r] = f(out[at + r]! + cond[n0 + COND]!);
        out[at + r + 1] = f(out[at + r + 1]! + cond[n1 + COND]!);
        out[at + r + 2] = f(out[at + r + 2]! + cond[n2 + COND]!);
        out[at + r + 3] = f(out[at + r + 3]! + cond[n3 + COND]!);
      }
      for (let r = m4; r < m; r++) {
        const base = r * cols;
        let n = root;
        let l = nodes[n]!;
        while (l >= 0) {
          const v = x[base + nodes[n + SPLIT]!]!;
          // NaN fails `<`: missing values take default_left. Arithmetic, not branches: the
          // direction is data-dependent and mispredicts about half the time.
          const left = +(v < cond[n + COND]!) | (+(v !== v) & nodes[n + DEFAULT_LEFT]!);
          n = (l + 1 - left) * NODE;
          l = nodes[n]!;
        }
        out[at + r] = f(out[at + r]! + cond[n + COND]!);
      }
    }
  }
}

// node layout (32-bit slots) and rows per block
const NODE = 4;
const LEFT = 0;
const SPLIT = 1;
const DEFAULT_LEFT = 2;
const COND = 3;
const BLOCK = 64;

function unsupportedReason(json: ModelJson): string | null {
  const learner = json.learner;
  if (learner.gradient_booster.name !== 'gbtree') return `booster ${learner.gradient_booster.name} (only gbtree)`;
  if (Number(learner.learner_model_param.num_class) > 1) return 'multi-class model';
  if (!(learner.objective.name in LOGISTIC) || !(learner.objective.name in MARGIN_OF_BASE_SCORE)) return `objective ${learner.objective.name}`;
  if (learner.gradient_booster.model.trees.some((t) => t.split_type?.some((s) => s !== 0))) return 'categorical splits';
  return null;
}
