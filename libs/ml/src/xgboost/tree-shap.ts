import { SpyglassError } from '@spyglass/core';
import { MARGIN_OF_BASE_SCORE, flattenTrees, parseModelJson, type ModelJson } from './model-json.js';

const f = Math.fround;

/**
 * Exact TreeSHAP (`pred_contribs`) of an XGBoost gbtree model, evaluated in JavaScript: no DMatrix,
 * no native call, no allocation per row, O(nodes × ⌈depth/2⌉) per tree instead of TreeSHAP's
 * O(leaves × depth²).
 *
 * Why it is exact: for a leaf of value v whose path has the unique features F (zero fraction z,
 * one fraction o ∈ {0, 1} per feature, merged over repeats as XGBoost does), feature i's Shapley
 * share is v·(oᵢ − zᵢ)·∫₀¹ ∏_{j∈F∖i} (zⱼ(1−t) + oⱼt) dt — the Shapley weights |S|!(k−|S|−1)!/k!
 * are Beta integrals (the Linear TreeSHAP identity, Yu et al. 2022). The integrand is a polynomial
 * of degree < depth, so ⌈depth/2⌉-point Gauss–Legendre quadrature integrates it exactly. Sums over
 * the leaves below a node factor through the nodes: a row costs one top-down pass (path products
 * at the quadrature points), one bottom-up pass (leaf value × path product summed per subtree)
 * and, per split, one dot product of ⌈depth/2⌉ terms. The per-row scratch is one tree's worth
 * (indexed node − root), so it stays in L1 while the model's tables stream past.
 *
 * Why not Fast TreeSHAP v2 (Yang 2021: per leaf, weights over the 2^d subsets of its path's
 * features, precomputed): its per-row cost is O(leaves × depth) table look-ups, no fewer
 * operations than the passes here (≈ 2 × leaves × 3 at depth 6), with 2^depth doubles per leaf
 * to keep in cache (about 19 MB for 300 trees of depth 6); the bit-equal per-leaf tables this
 * replaced cost 3.6 ms a row against 0.6–0.8 ms here on the bench model.
 *
 * Values are computed in double precision and returned as float32. libxgboost computes in float32
 * with its own rounding order, so the two differ by float32 rounding only: the spec checks every
 * value within 1e-6 absolute (+ 2⁻²⁰ × the row's Σ|contribution|), the sum rule against
 * libxgboost's margin, and the top-10 features and their order. The bias (the trees' expected
 * values plus the base margin) is accumulated in float32 in XGBoost's order, bit-equal.
 * For bit-equal contributions use libxgboost (`Booster.contributions`, or the Scorer's
 * `shap: 'libxgboost'`).
 *
 * Supports single-output gbtree models with numerical splits, the objectives of
 * `MARGIN_OF_BASE_SCORE` and nodes of positive cover; {@link TreeShap.unsupported} says why not.
 *
 * @example
 * ```ts
 * const shap = TreeShap.fromModelJson(artifact.model);
 * const contributions = shap.contributions(row); // cols + 1 values, the last one the bias
 * ```
 */
export class TreeShap {
  /** Number of input features; `contributions` returns `cols + 1` values. */
  readonly cols: number;
  /** Quadrature points per node: 3 up to depth 6 (the unrolled #tree3), else ⌈max depth / 2⌉. */
  readonly #q: number;
  // Nodes renumbered breadth first per tree (parents before children, a node's right child is its
  // left child + 1), so the top-down pass runs forwards and the bottom-up pass backwards.
  readonly #roots: Int32Array;
  readonly #left: Int32Array;
  readonly #split: Int32Array;
  readonly #cond: Float32Array;
  readonly #defaultLeft: Uint8Array;
  /** Expected value (mean over the training cover) of each tree: its share of the bias. */
  readonly #treeMeans: Float32Array;
  readonly #baseMargin: number;
  /**
   * Per node c (not a root), ×q: the path factor z(1−t) + o·t of c's split feature at the
   * quadrature points, with z the merged zero fraction (product over the feature's occurrences on
   * the path) and o = 1 (`#hotFactor`) or o = 0 (`#coldFactor`).
   */
  #hotFactor = new Float64Array(0);
  #coldFactor = new Float64Array(0);
  /** Per node c ×q: w_q (o − z) / factor for o = 1 and o = 0: the share weights at a split. */
  #hotShare = new Float64Array(0);
  #coldShare = new Float64Array(0);
  /** Per node c: the child of the nearest ancestor splitting on the same feature as c's parent on c's path, or -1. */
  #previous = new Int32Array(0);
  /**
   * Per node c: the topmost nodes of c's subtree (c included) that split on c's parent's feature
   * again, as #excluded[#excludedStart[c] … #excludedStart[c + 1]): their leaves are credited there.
   */
  #excludedStart = new Int32Array(0);
  #excluded = new Int32Array(0);
  /**
   * Nodes whose two children are leaves (#tree3 only): see #buildPairs.
   */
  #pairSlot = new Int32Array(0);
  /** Internal nodes, tree by tree in breadth-first order: #internal[#internalStart[t] … #internalStart[t + 1]). */
  #internal = new Int32Array(0);
  #internalStart = new Int32Array(0);
  /**
   * Per internal node, in #internal's order, RECORD slots: split feature, default_left, the node's,
   * its left child's and its feature's previous occurrence's (or -1) tree-local numbers, pair slot
   * (or -1), 1 when its children's subtrees hold re-splits on its feature (#excluded); #recordCond its float32 split condition.
   */
  #record = new Int32Array(0);
  #recordCond = new Float32Array(0);
  /** The internal nodes that are not pair nodes (their #internal indices, per tree): the only ones the bottom-up pass visits. */
  #unpaired = new Int32Array(0);
  #unpairedStart = new Int32Array(0);
  #pairData = new Float64Array(0);
  /** Per node: the merged zero fraction of its parent's feature on its path (#tree3). */
  #zero = new Float64Array(0);
  /** Quadrature points and −w/(1 − t) per point. */
  #t: Float64Array = new Float64Array(0);
  #coldWeight: Float64Array = new Float64Array(0);
  // per-row scratch, one entry (×q) per node
  #up = new Float64Array(0);
  #below = new Float64Array(0);
  #hot = new Uint8Array(0);
  readonly #phi: Float64Array;

  private constructor(model: ModelJson) {
    const learner = model.learner;
    const trees = learner.gradient_booster.model.trees;
    this.cols = Number(learner.learner_model_param.num_feature);
    const flat = flattenTrees(model, 'TreeShap');
    this.#roots = flat.roots;
    this.#left = flat.left;
    this.#split = flat.split;
    this.#cond = flat.cond;
    this.#defaultLeft = flat.defaultLeft;
    const { hess, parent, maxDepth } = flat;
    this.#treeMeans = new Float32Array(trees.length);
    for (let i = 0; i < trees.length; i++) this.#treeMeans[i] = meanValue(this.#left, this.#cond, hess, this.#roots[i]!);
    const baseScore = f(Number(learner.learner_model_param.base_score));
    this.#baseMargin = MARGIN_OF_BASE_SCORE[learner.objective.name]!(baseScore);
    // 3 points are exact up to depth 6 (the usual depths): one unrolled path serves them all
    this.#q = maxDepth <= 6 ? 3 : Math.ceil(maxDepth / 2);
    this.#phi = new Float64Array(this.cols);
    this.#buildFactors(hess, parent);
  }

  /** Why a model cannot be explained here (`null` when it can). */
  static unsupported(model: string | Uint8Array): string | null {
    return unsupportedReason(parseModelJson(model));
  }

  /** Parses an XGBoost JSON model (bytes or text); throws `XGBOOST` for unsupported models. */
  static fromModelJson(model: string | Uint8Array): TreeShap {
    const json = parseModelJson(model);
    const reason = unsupportedReason(json);
    if (reason !== null) throw new SpyglassError('XGBOOST', `TreeShap cannot explain this model: ${reason}`, { details: { reason } });
    return new TreeShap(json);
  }

  /**
   * SHAP contributions of one row (`cols` values, NaN = missing): `cols + 1` values whose sum is
   * the margin, the last one the bias. Writes into `out` when given.
   */
  contributions(row: ArrayLike<number>, out: Float32Array = new Float32Array(this.cols + 1)): Float32Array {
    if (row.length !== this.cols || out.length !== this.cols + 1) {
      throw new SpyglassError('INVALID_ARGUMENT', `TreeShap: row has ${row.length} values and out ${out.length}, the model expects ${this.cols} and ${this.cols + 1}`, {
        details: { row: row.length, out: out.length, cols: this.cols },
      });
    }
    const phi = this.#phi;
    phi.fill(0);
    let bias = 0;
    const trees = this.#treeMeans.length;
    for (let t = 0; t < trees; t++) {
      if (this.#q === 3) this.#tree3(row, this.#roots[t]!, t);
      else this.#tree(row, this.#roots[t]!, this.#roots[t + 1]!);
      bias = f(bias + this.#treeMeans[t]!); // XGBoost's float order
    }
    for (let c = 0; c < this.cols; c++) out[c] = phi[c]!;
    out[this.cols] = f(bias + this.#baseMargin);
    return out;
  }

  // One tree: path products top-down, subtree sums bottom-up, shares at every split.
  #tree(row: ArrayLike<number>, root: number, end: number): void {
    const Q = this.#q;
    const left = this.#left;
    const split = this.#split;
    const cond = this.#cond;
    const defaultLeft = this.#defaultLeft;
    const hot = this.#hot;
    const previous = this.#previous;
    const hotFactor = this.#hotFactor;
    const coldFactor = this.#coldFactor;
    const up = this.#up;
    const below = this.#below;
    // top-down: up[c] = ∏ path factors (merged per feature) from the root to c
    for (let q = 0; q < Q; q++) up[q] = 1;
    hot[0] = 1;
    for (let n = root; n < end; n++) {
      const l = left[n]!;
      if (l < 0) continue;
      const x = f(row[split[n]!]!);
      const hotIsLeft = x !== x ? defaultLeft[n]! : x < cond[n]! ? 1 : 0;
      for (let side = 0; side < 2; side++) {
        const c = l + side;
        const p = previous[c]!;
        // o of the merged feature: hot only if the row follows every occurrence on the path
        const o = (side === 0 ? hotIsLeft : 1 - hotIsLeft) & (p < 0 ? 1 : hot[p - root]!);
        hot[c - root] = o;
        const factor = o ? hotFactor : coldFactor;
        if (p < 0) {
          for (let q = 0; q < Q; q++) up[(c - root) * Q + q] = up[(n - root) * Q + q]! * factor[c * Q + q]!;
        } else {
          // the feature's earlier merged factor is replaced by this one
          const before = hot[p - root] ? hotFactor : coldFactor;
          for (let q = 0; q < Q; q++) up[(c - root) * Q + q] = (up[(n - root) * Q + q]! * factor[c * Q + q]!) / before[p * Q + q]!;
        }
      }
    }
    // bottom-up: below[n] = Σ over n's leaves of value × up[leaf]; each split credits its feature
    // with Σ_q w_q (o − z)/factor × below[child] (leaves under a deeper split on the same feature
    // excluded: they are credited there, with the feature's factor merged further)
    const phi = this.#phi;
    const hotShare = this.#hotShare;
    const coldShare = this.#coldShare;
    const excludedStart = this.#excludedStart;
    const excluded = this.#excluded;
    for (let n = end - 1; n >= root; n--) {
      const l = left[n]!;
      if (l < 0) {
        const v = cond[n]!;
        for (let q = 0; q < Q; q++) below[(n - root) * Q + q] = v * up[(n - root) * Q + q]!;
        continue;
      }
      let share = 0;
      for (let side = 0; side < 2; side++) {
        const c = l + side;
        const weights = hot[c - root] ? hotShare : coldShare;
        const xs = excludedStart[c]!;
        const xe = excludedStart[c + 1]!;
        for (let q = 0; q < Q; q++) {
          let s = below[(c - root) * Q + q]!;
          for (let k = xs; k < xe; k++) s -= below[(excluded[k]! - root) * Q + q]!;
          share += weights[c * Q + q]! * s;
        }
      }
      phi[split[n]!] += share;
      for (let q = 0; q < Q; q++) below[(n - root) * Q + q] = below[(l - root) * Q + q]! + below[(l + 1 - root) * Q + q]!;
    }
  }

  // #tree with three quadrature points in locals (depth ≤ 6), the path factors z(1−t) + o·t
  // computed from the merged zero fraction z, and the pair nodes (both children leaves) added from
  // their precomputed record: the same passes with fewer loads.
  #tree3(row: ArrayLike<number>, root: number, tree: number): void {
    const start = this.#internalStart[tree]!;
    const end = this.#internalStart[tree + 1]!;
    const left = this.#left;
    const cond = this.#cond;
    const hot = this.#hot;
    const zero = this.#zero;
    const up = this.#up;
    const below = this.#below;
    const phi = this.#phi;
    const pair = this.#pairData;
    const t0 = this.#t[0]!;
    const t1 = this.#t[1]!;
    const t2 = this.#t[2]!;
    // scratch (up, below, hot) is indexed per tree (node − root): a tree's few KB stay in L1
    up[0] = 1;
    up[1] = 1;
    up[2] = 1;
    hot[0] = 1;
    const record = this.#record;
    const recordCond = this.#recordCond;
    for (let j = start; j < end; j++) {
      // the node's record: split feature, default_left, its and its children's and its feature's
      // previous occurrence's tree-local numbers, pair slot; read in order, one stream
      const r = j * RECORD;
      const feature = record[r]!;
      const x = f(row[feature]!);
      // branch-free: the row's way is data, a branch on it would be mispredicted half the time
      const hotIsLeft = Number(x < recordCond[j]!) | (Number(x !== x) & record[r + 1]!);
      const ni = record[r + 2]! * 3;
      const u0 = up[ni]!;
      const u1 = up[ni + 1]!;
      const u2 = up[ni + 2]!;
      const pl = record[r + 4]!;
      // o of the merged feature: hot only if the row follows every occurrence on the path
      const op = pl < 0 ? 1 : hot[pl]!;
      const slot = record[r + 5]!;
      if (slot >= 0) {
        const k = slot + (hotIsLeft + (pl < 0 ? 0 : 2 * op)) * 6;
        below[ni] = u0 * pair[k]!;
        below[ni + 1] = u1 * pair[k + 1]!;
        below[ni + 2] = u2 * pair[k + 2]!;
        phi[feature] += u0 * pair[k + 3]! + u1 * pair[k + 4]! + u2 * pair[k + 5]!;
        continue;
      }
      const l = record[r + 3]! + root;
      const p = pl < 0 ? -1 : pl + root;
      let d0 = 1;
      let d1 = 1;
      let d2 = 1;
      if (p >= 0) {
        // the feature's earlier merged factor is replaced by this one
        const zp = zero[p]!;
        d0 = 1 / (zp - zp * t0 + op * t0);
        d1 = 1 / (zp - zp * t1 + op * t1);
        d2 = 1 / (zp - zp * t2 + op * t2);
      }
      for (let c = l, side = hotIsLeft; c <= l + 1; c++, side ^= 1) {
        const o = side & op;
        const ci = c - root;
        hot[ci] = o;
        const z = zero[c]!;
        const i = ci * 3;
        const f0 = (z - z * t0 + o * t0) * d0;
        const f1 = (z - z * t1 + o * t1) * d1;
        const f2 = (z - z * t2 + o * t2) * d2;
        if (left[c]! < 0) {
          // a leaf: its subtree sum is its value × its path product
          const v = cond[c]!;
          below[i] = v * u0 * f0;
          below[i + 1] = v * u1 * f1;
          below[i + 2] = v * u2 * f2;
        } else {
          up[i] = u0 * f0;
          up[i + 1] = u1 * f1;
          up[i + 2] = u2 * f2;
        }
      }
    }
    const hotShare = this.#hotShare;
    // a cold child's share weight w(0 − z)/(z(1 − t)) does not depend on z
    const c0 = this.#coldWeight[0]!;
    const c1 = this.#coldWeight[1]!;
    const c2 = this.#coldWeight[2]!;
    const excludedStart = this.#excludedStart;
    const excluded = this.#excluded;
    const unpaired = this.#unpaired;
    for (let j = this.#unpairedStart[tree + 1]! - 1, first = this.#unpairedStart[tree]!; j >= first; j--) {
      const r = unpaired[j]! * RECORD;
      const ll = record[r + 3]!;
      const l = ll + root;
      const i = record[r + 2]! * 3;
      const a = ll * 3;
      const b = a + 3;
      let a0 = below[a]!;
      let a1 = below[a + 1]!;
      let a2 = below[a + 2]!;
      let b0 = below[b]!;
      let b1 = below[b + 1]!;
      let b2 = below[b + 2]!;
      below[i] = a0 + b0;
      below[i + 1] = a1 + b1;
      below[i + 2] = a2 + b2;
      if (record[r + 6]! !== 0) {
        for (let k = excludedStart[l]!, mid = excludedStart[l + 1]!, xe = excludedStart[l + 2]!; k < xe; k++) {
          const x = (excluded[k]! - root) * 3;
          if (k < mid) {
            a0 -= below[x]!;
            a1 -= below[x + 1]!;
            a2 -= below[x + 2]!;
          } else {
            b0 -= below[x]!;
            b1 -= below[x + 1]!;
            b2 -= below[x + 2]!;
          }
        }
      }
      // at most one child is hot: every child weighted cold, plus the hot one's difference
      const ha = l * 3;
      const hb = ha + 3;
      const cold = c0 * (a0 + b0) + c1 * (a1 + b1) + c2 * (a2 + b2);
      const hotA = hot[ll]! * (hotShare[ha]! * a0 + hotShare[ha + 1]! * a1 + hotShare[ha + 2]! * a2 - (c0 * a0 + c1 * a1 + c2 * a2));
      const hotB = hot[ll + 1]! * (hotShare[hb]! * b0 + hotShare[hb + 1]! * b1 + hotShare[hb + 2]! * b2 - (c0 * b0 + c1 * b1 + c2 * b2));
      phi[record[r]!] += cold + hotA + hotB;
    }
  }

  // #pairData: a pair node's children are leaves (no subtree, nothing excluded), so all it adds
  // per unit of its path product is fixed by which child is hot and, when its feature occurred
  // earlier on the path, whether that occurrence is hot: 2 or 4 cases of
  // [subtree sum ×3, share ×3], at #pairSlot[n].
  #buildPairs(): void {
    const total = this.#left.length;
    const left = this.#left;
    this.#pairSlot = new Int32Array(total).fill(-1);
    const data: number[] = [];
    const factor = (c: number, o: number, q: number) => (o ? this.#hotFactor : this.#coldFactor)[c * 3 + q]!;
    for (let n = 0; n < total; n++) {
      const l = left[n]!;
      if (l < 0 || left[l]! >= 0 || left[l + 1]! >= 0) continue;
      this.#pairSlot[n] = data.length;
      const p = this.#previous[l]!;
      for (let earlierHot = p < 0 ? 1 : 0; earlierHot < 2; earlierHot++) {
        for (let hotIsLeft = 0; hotIsLeft < 2; hotIsLeft++) {
          const below = [0, 0, 0];
          const share = [0, 0, 0];
          for (let q = 0; q < 3; q++) {
            for (const [c, side] of [[l, hotIsLeft], [l + 1, 1 - hotIsLeft]] as const) {
              const o = side & earlierHot;
              const leaf = (this.#cond[c]! * factor(c, o, q)) / (p < 0 ? 1 : factor(p, earlierHot, q));
              below[q] += leaf;
              share[q] += (o ? this.#hotShare : this.#coldShare)[c * 3 + q]! * leaf;
            }
          }
          data.push(...below, ...share);
        }
      }
    }
    this.#pairData = Float64Array.from(data);
    const internal: number[] = [];
    const trees = this.#treeMeans.length;
    this.#internalStart = new Int32Array(trees + 1);
    for (let t = 0; t < trees; t++) {
      this.#internalStart[t] = internal.length;
      for (let n = this.#roots[t]!; n < this.#roots[t + 1]!; n++) if (left[n]! >= 0) internal.push(n);
    }
    this.#internalStart[trees] = internal.length;
    this.#internal = Int32Array.from(internal);
    this.#record = new Int32Array(internal.length * RECORD);
    this.#recordCond = new Float32Array(internal.length);
    for (let t = 0; t < trees; t++) {
      const root = this.#roots[t]!;
      for (let j = this.#internalStart[t]!; j < this.#internalStart[t + 1]!; j++) {
        const n = internal[j]!;
        const l = left[n]!;
        const p = this.#previous[l]!;
        const excludes = Number(this.#excludedStart[l]! < this.#excludedStart[l + 2]!);
        this.#record.set([this.#split[n]!, this.#defaultLeft[n]!, n - root, l - root, p < 0 ? -1 : p - root, this.#pairSlot[n]!, excludes], j * RECORD);
        this.#recordCond[j] = this.#cond[n]!;
      }
    }
    // indices into #internal / #record
    const unpaired: number[] = [];
    this.#unpairedStart = new Int32Array(trees + 1);
    for (let t = 0; t < trees; t++) {
      this.#unpairedStart[t] = unpaired.length;
      for (let j = this.#internalStart[t]!; j < this.#internalStart[t + 1]!; j++) if (this.#pairSlot[internal[j]!]! < 0) unpaired.push(j);
    }
    this.#unpairedStart[trees] = unpaired.length;
    this.#unpaired = Int32Array.from(unpaired);
  }

  // Per node: merged zero fractions and their factors and share weights at the quadrature points,
  // the previous occurrence of the parent's feature on the path and the deeper ones below.
  #buildFactors(hess: Float32Array, parent: Int32Array): void {
    const Q = this.#q;
    const total = this.#left.length;
    const { t, w } = gaussLegendre01(Q);
    this.#hotFactor = new Float64Array(total * Q);
    this.#coldFactor = new Float64Array(total * Q);
    this.#hotShare = new Float64Array(total * Q);
    this.#coldShare = new Float64Array(total * Q);
    this.#previous = new Int32Array(total).fill(-1);
    const mergedZero = new Float64Array(total).fill(1);
    const excludedOf: number[][] = Array.from({ length: total }, () => []);
    for (let c = 0; c < total; c++) {
      const p = parent[c]!;
      if (p < 0) continue;
      const feature = this.#split[p]!;
      // nearest ancestor split on the same feature: its child on this path
      let previous = -1;
      for (let child = p, a = parent[p]!; a >= 0; child = a, a = parent[a]!) {
        if (this.#split[a] === feature && this.#left[a]! >= 0) {
          previous = child;
          break;
        }
      }
      this.#previous[c] = previous;
      const z = (hess[c]! / hess[p]!) * (previous < 0 ? 1 : mergedZero[previous]!);
      mergedZero[c] = z;
      if (previous >= 0 && c === this.#left[p]) excludedOf[previous]!.push(p);
      for (let q = 0; q < Q; q++) {
        const hotF = z * (1 - t[q]!) + t[q]!;
        const coldF = z * (1 - t[q]!);
        this.#hotFactor[c * Q + q] = hotF;
        this.#coldFactor[c * Q + q] = coldF;
        this.#hotShare[c * Q + q] = (w[q]! * (1 - z)) / hotF;
        this.#coldShare[c * Q + q] = (w[q]! * -z) / coldF;
      }
    }
    // excludedOf[previous] holds every deeper split on the feature whose nearest same-feature
    // ancestor is previous's parent: exactly the topmost re-splits below `previous`
    this.#excludedStart = new Int32Array(total + 1);
    const list: number[] = [];
    for (let c = 0; c < total; c++) {
      this.#excludedStart[c] = list.length;
      list.push(...excludedOf[c]!);
    }
    this.#excludedStart[total] = list.length;
    this.#excluded = Int32Array.from(list);
    this.#zero = mergedZero;
    this.#t = t;
    this.#coldWeight = w.map((wq, q) => -wq / (1 - t[q]!));
    if (Q === 3) this.#buildPairs();
    let largest = 0;
    for (let i = 0; i + 1 < this.#roots.length; i++) largest = Math.max(largest, this.#roots[i + 1]! - this.#roots[i]!);
    this.#up = new Float64Array(largest * Q);
    this.#below = new Float64Array(largest * Q);
    this.#hot = new Uint8Array(largest);
  }
}

// Int32 slots per internal node in TreeShap's #record (6 used, 8 for alignment).
const RECORD = 8;

// XGBoost's node_mean_values (tree_model.cc FillNodeMeanValue), in float.
function meanValue(left: Int32Array, cond: Float32Array, hess: Float32Array, node: number): number {
  const l = left[node]!;
  if (l < 0) return cond[node]!;
  const r = l + 1;
  let result = f(meanValue(left, cond, hess, l) * hess[l]!);
  result = f(result + f(meanValue(left, cond, hess, r) * hess[r]!));
  return f(result / hess[node]!);
}

// Gauss–Legendre nodes and weights on [0, 1]: exact for polynomials of degree < 2n.
function gaussLegendre01(n: number): { t: Float64Array; w: Float64Array } {
  const t = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Newton iteration on the Legendre polynomial P_n from Tricomi's initial guess
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    t[i] = (1 - x) / 2;
    w[i] = 1 / ((1 - x * x) * derivative * derivative);
  }
  return { t, w };
}

function unsupportedReason(json: ModelJson): string | null {
  const learner = json.learner;
  if (learner.gradient_booster.name !== 'gbtree') return `booster ${learner.gradient_booster.name} (only gbtree)`;
  if (Number(learner.learner_model_param.num_class) > 1) return 'multi-class model';
  if (!(learner.objective.name in MARGIN_OF_BASE_SCORE)) return `objective ${learner.objective.name}`;
  const trees = learner.gradient_booster.model.trees;
  if (trees.some((t) => t.split_type?.some((s) => s !== 0))) return 'categorical splits';
  // a zero cover makes a zero fraction 0, which the factorised form divides by
  if (trees.some((t) => t.sum_hessian.some((h) => !(h > 0)))) return 'a node with zero cover';
  return null;
}
