import { SpyglassError } from '@spyglass/core';
import { normalizeModelJson } from './model-json.js';

// XGBoost computes TreeSHAP in single precision, one rounding per operation (no FMA on x86-64
// builds). Every arithmetic step below is rounded with fround in the same order as XGBoost 1.7's
// tree_model.cc / cpu_predictor.cc, so the values are bit-equal to `pred_contribs`: a double
// operation on two floats rounded to float is the correctly rounded float operation.
const f = Math.fround;

// margin = ProbToMargin(base_score) per objective (XGBoost 1.7 regression_obj.cu)
const MARGIN_OF_BASE_SCORE: Readonly<Record<string, (p: number) => number>> = {
  'binary:logistic': (p) => f(-Math.log(f(f(1 / p) - 1))),
  'binary:logitraw': (p) => f(-Math.log(f(f(1 / p) - 1))),
  'reg:logistic': (p) => f(-Math.log(f(f(1 / p) - 1))),
  'reg:squarederror': (p) => p,
  'reg:linear': (p) => p,
};

interface ModelJson {
  learner: {
    learner_model_param: { base_score: string; num_class: string; num_feature: string };
    objective: { name: string };
    gradient_booster: {
      name: string;
      model: {
        tree_info: number[];
        trees: Array<{
          left_children: number[];
          right_children: number[];
          split_indices: number[];
          split_conditions: number[];
          default_left: number[] | boolean[];
          sum_hessian: number[];
          split_type?: number[];
        }>;
      };
    };
  };
}

// Tables above this many values (4 bytes each) are not built: such models (deep trees) are
// explained by libxgboost instead.
const MAX_TABLE_VALUES = 64 * 1024 * 1024;

/**
 * Exact TreeSHAP (`pred_contribs`) of an XGBoost gbtree model, evaluated in JavaScript: no DMatrix,
 * no native call, no allocation per row. Values are bit-equal to libxgboost's contributions (the
 * spec compares every value).
 *
 * Why it is fast: TreeSHAP visits every leaf of every tree and spends O(depth²) there, but what a
 * leaf adds to each feature depends only on which of its ancestors' splits the row follows (one
 * bit per ancestor). The constructor runs XGBoost's own path arithmetic once per leaf and bit
 * pattern and keeps the results; a row then walks each tree in XGBoost's order (hot child first),
 * looks its pattern up at every leaf and adds the stored values in the same order, so even the
 * float rounding matches. Sibling leaves share one table entry (their paths have the same
 * features), and a row is first located in every tree (small node arrays only) before its
 * table values are added, so the additions run as one tight loop. A 300-tree depth-6 model
 * (16k leaves): ≈ 19 MB of tables and ≈ 80k float additions per row — that count is the floor
 * of a bit-equal evaluation, since each addition is rounded in XGBoost's order.
 *
 * Supports single-output gbtree models with numerical splits, the objectives of
 * `MARGIN_OF_BASE_SCORE` and tables up to 256 MB; {@link TreeShap.unsupported} says why not.
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
  // Nodes renumbered so that a node's right child is its left child + 1 (one index to load).
  readonly #roots: Int32Array;
  readonly #left: Int32Array;
  readonly #split: Int32Array;
  readonly #cond: Float32Array;
  readonly #defaultLeft: Uint8Array;
  readonly #hess: Float32Array;
  readonly #depth: Int32Array;
  /** Expected value (mean over the training cover) of each tree: its share of the bias. */
  readonly #treeMeans: Float32Array;
  readonly #baseMargin: number;
  /**
   * Per node, the group of leaves explained at it (see #buildTables): first table value (-1 when
   * no group sits at the node), features per leaf and first index into #groupFeatureList.
   */
  readonly #group: Int32Array;
  readonly #groupCount: Int32Array;
  readonly #groupFeatures: Int32Array;
  #groupFeatureList: Int32Array = new Int32Array(0);
  #table: Float32Array = new Float32Array(0);
  /** Per tree, its distinct features: #treeFeatures[#treeFeatureStart[t] … #treeFeatureStart[t + 1]). */
  #treeFeatureStart: Int32Array = new Int32Array(0);
  #treeFeatures: Int32Array = new Int32Array(0);
  readonly #treeContribs: Float32Array;
  #stackNode = new Int32Array(0);
  #stackPattern = new Int32Array(0);
  /** Located groups of the current row (phase 1 → phase 2), and where each tree's end. */
  #unitValues = new Int32Array(0);
  #unitFeatures = new Int32Array(0);
  #unitCount = new Int32Array(0);
  readonly #treeUnitEnd: Int32Array;

  private constructor(model: ModelJson) {
    const learner = model.learner;
    const trees = learner.gradient_booster.model.trees;
    this.cols = Number(learner.learner_model_param.num_feature);
    const total = trees.reduce((n, t) => n + t.left_children.length, 0);
    this.#roots = new Int32Array(trees.length);
    this.#left = new Int32Array(total);
    this.#split = new Int32Array(total);
    this.#cond = new Float32Array(total);
    this.#defaultLeft = new Uint8Array(total);
    this.#hess = new Float32Array(total);
    this.#depth = new Int32Array(total);
    this.#treeMeans = new Float32Array(trees.length);
    let offset = 0;
    trees.forEach((t, i) => {
      this.#roots[i] = offset;
      // breadth first from the root: children get two consecutive numbers
      const order = [0];
      const depthOf = [0];
      let next = offset + 1;
      for (let q = 0; q < order.length; q++) {
        const n = order[q]!;
        const id = offset + q;
        const l = t.left_children[n]!;
        this.#split[id] = t.split_indices[n]!;
        this.#cond[id] = t.split_conditions[n]!;
        this.#defaultLeft[id] = t.default_left[n] ? 1 : 0;
        this.#hess[id] = t.sum_hessian[n]!;
        this.#depth[id] = depthOf[q]!;
        if (l < 0) {
          this.#left[id] = -1;
          continue;
        }
        this.#left[id] = next;
        next += 2;
        order.push(l, t.right_children[n]!);
        depthOf.push(depthOf[q]! + 1, depthOf[q]! + 1);
      }
      if (order.length !== t.left_children.length) {
        throw new SpyglassError('XGBOOST', `TreeShap: tree ${i} has ${t.left_children.length} nodes but ${order.length} are reachable from its root`);
      }
      this.#treeMeans[i] = this.#meanValue(offset);
      offset += t.left_children.length;
    });
    const baseScore = f(Number(learner.learner_model_param.base_score));
    this.#baseMargin = MARGIN_OF_BASE_SCORE[learner.objective.name]!(baseScore);
    this.#group = new Int32Array(total).fill(-1);
    this.#groupCount = new Int32Array(total);
    this.#groupFeatures = new Int32Array(total);
    this.#treeContribs = new Float32Array(this.cols + 1);
    this.#treeUnitEnd = new Int32Array(trees.length);
    this.#buildTables();
  }

  /** Why a model cannot be explained here (`null` when it can). */
  static unsupported(model: string | Uint8Array): string | null {
    return unsupportedReason(parse(model));
  }

  /** Parses an XGBoost JSON model (bytes or text); throws `XGBOOST` for unsupported models. */
  static fromModelJson(model: string | Uint8Array): TreeShap {
    const json = parse(model);
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
    this.#locate(row);
    this.#accumulate(out);
    return out;
  }

  // Phase 1: walks every tree in XGBoost's order (depth first, the hot child — the row's way —
  // before the cold one) and writes, per group of leaves, where its values and features start.
  // Only the small node arrays are touched here; the table reads are left to phase 2, whose
  // loads do not wait behind the walk's mispredicted branches, so many misses overlap.
  #locate(row: ArrayLike<number>): void {
    const left = this.#left;
    const split = this.#split;
    const cond = this.#cond;
    const defaultLeft = this.#defaultLeft;
    const group = this.#group;
    const groupFeatures = this.#groupFeatures;
    const groupCount = this.#groupCount;
    const unitValues = this.#unitValues;
    const unitFeatures = this.#unitFeatures;
    const unitCount = this.#unitCount;
    const treeUnitEnd = this.#treeUnitEnd;
    const stackNode = this.#stackNode;
    const stackPattern = this.#stackPattern;
    const roots = this.#roots;
    let units = 0;
    for (let t = 0; t < roots.length; t++) {
      let top = 0;
      stackNode[0] = roots[t]!;
      stackPattern[0] = 0;
      while (top >= 0) {
        const node = stackNode[top]!;
        const pattern = stackPattern[top]!;
        top--;
        const g = group[node]!;
        const k = groupCount[node]!;
        if (g >= 0) {
          // a leaf alone (pattern: one bit per ancestor) or a node whose two children are leaves
          // (entry per ancestor pattern × which child is hot: the hot leaf's values, then the cold one's)
          if (left[node]! >= 0) {
            const x = f(row[split[node]!]!);
            const hotIsLeft = x !== x ? defaultLeft[node]! : x < cond[node]! ? 1 : 0;
            unitValues[units] = g + (pattern * 2 + hotIsLeft) * 2 * k;
            unitCount[units] = -k;
          } else {
            unitValues[units] = g + pattern * k;
            unitCount[units] = k;
          }
          unitFeatures[units] = groupFeatures[node]!;
          units++;
          continue;
        }
        const l = left[node]!;
        const x = f(row[split[node]!]!);
        const hotIsLeft = x !== x ? defaultLeft[node] === 1 : x < cond[node]!;
        const r = l + 1;
        // pushed cold first so the hot child is visited first
        stackNode[++top] = hotIsLeft ? r : l;
        stackPattern[top] = pattern << 1;
        stackNode[++top] = hotIsLeft ? l : r;
        stackPattern[top] = (pattern << 1) | 1;
      }
      treeUnitEnd[t] = units;
    }
  }

  // Phase 2: per tree, the located values are added in visit order into the tree's contributions
  // (XGBoost's per-tree buffer), which are then added to the row's; only the tree's own features
  // are added and cleared again (adding a zero changes no float).
  #accumulate(out: Float32Array): void {
    out.fill(0);
    const { cols } = this;
    const phi = this.#treeContribs;
    phi.fill(0);
    const table = this.#table;
    const groupFeatureList = this.#groupFeatureList;
    const unitValues = this.#unitValues;
    const unitFeatures = this.#unitFeatures;
    const unitCount = this.#unitCount;
    const treeUnitEnd = this.#treeUnitEnd;
    const treeFeatureStart = this.#treeFeatureStart;
    const treeFeatures = this.#treeFeatures;
    const treeMeans = this.#treeMeans;
    let u = 0;
    for (let t = 0; t < treeUnitEnd.length; t++) {
      const fs = treeFeatureStart[t]!;
      const fe = treeFeatureStart[t + 1]!;
      const end = treeUnitEnd[t]!;
      for (; u < end; u++) {
        const v = unitValues[u]!;
        const fl = unitFeatures[u]!;
        const k = unitCount[u]!;
        if (k > 0) {
          for (let i = 0; i < k; i++) {
            const c = groupFeatureList[fl + i]!;
            phi[c] = phi[c]! + table[v + i]!;
          }
        } else {
          // two sibling leaves share their path's features: hot then cold value per feature,
          // rounded in between as two separate float additions
          for (let i = 0; i < -k; i++) {
            const c = groupFeatureList[fl + i]!;
            phi[c] = f(phi[c]! + table[v + 2 * i]!) + table[v + 2 * i + 1]!;
          }
        }
      }
      for (let i = fs; i < fe; i++) {
        const c = treeFeatures[i]!;
        out[c] = out[c]! + phi[c]!;
        phi[c] = 0; // clean for the next tree
      }
      out[cols] = out[cols]! + treeMeans[t]!;
    }
    out[cols] = out[cols]! + this.#baseMargin;
  }

  #meanValue(node: number): number {
    const l = this.#left[node]!;
    if (l < 0) return this.#cond[node]!;
    const r = l + 1;
    let result = f(this.#meanValue(l) * this.#hess[l]!);
    result = f(result + f(this.#meanValue(r) * this.#hess[r]!));
    return f(result / this.#hess[node]!);
  }

  // Tables: TreeShap visits every leaf of every tree and spends O(depth²) there, but what a leaf
  // adds to each feature depends only on which of its ancestors' splits the row follows (one bit
  // per ancestor). XGBoost's own path arithmetic is run once per leaf and bit pattern, and the
  // results kept. Two sibling leaves are stored as one group at their parent, one entry per
  // ancestor pattern and hot side holding the hot leaf's values then the cold one's, so a row
  // reads one place per leaf pair instead of two; a leaf whose sibling is a subtree is a group
  // of its own at the leaf.
  #buildTables(): void {
    const total = this.#left.length;
    const left = this.#left;
    // per leaf: its unique path features (XGBoost's order) and 2^depth × unique values
    const leafStart = new Int32Array(total);
    const leafUnique = new Int32Array(total);
    const leafFeatureStart = new Int32Array(total);
    let values = 0;
    let features = 0;
    let maxDepth = 0;
    const size = (node: number, depth: number, seen: readonly number[]): void => {
      const l = left[node]!;
      if (l < 0) {
        leafFeatureStart[node] = features;
        leafUnique[node] = seen.length;
        leafStart[node] = values;
        features += seen.length;
        values += 2 ** depth * seen.length;
        maxDepth = Math.max(maxDepth, depth);
        return;
      }
      const split = this.#split[node]!;
      const next = seen.includes(split) ? [...seen.filter((s) => s !== split), split] : [...seen, split];
      size(l, depth + 1, next);
      size(l + 1, depth + 1, next);
    };
    for (const root of this.#roots) size(root, 0, []);
    if (values > MAX_TABLE_VALUES) {
      throw new SpyglassError('XGBOOST', `TreeShap: the model needs ${values} table values (limit ${MAX_TABLE_VALUES}); explain it with libxgboost`, {
        details: { values, limit: MAX_TABLE_VALUES },
      });
    }
    const leafFeatures = new Int32Array(features);
    const leafTable = new Float32Array(values);
    const path = new UniquePath(maxDepth + 2);
    for (const root of this.#roots) this.#fill({ path, leafStart, leafFeatureStart, leafFeatures, leafTable }, root, 0, 0, 1, 1, -1, 0);

    // regroup: same values, sibling leaves side by side
    this.#table = new Float32Array(values);
    const list: number[] = [];
    let v = 0;
    const isLeaf = (n: number) => left[n]! < 0;
    const featuresOf = (leaf: number) => leafFeatures.subarray(leafFeatureStart[leaf]!, leafFeatureStart[leaf]! + leafUnique[leaf]!);
    const parent = new Int32Array(total).fill(-1);
    for (let node = 0; node < total; node++) if (left[node]! >= 0) parent[left[node]!] = parent[left[node]! + 1] = node;
    // sibling leaves have the same path, hence the same features in the same order
    const isPair = (node: number) => {
      const l = left[node]!;
      if (l < 0 || !isLeaf(l) || !isLeaf(l + 1)) return false;
      const a = featuresOf(l);
      const b = featuresOf(l + 1);
      return a.length === b.length && a.every((c, i) => c === b[i]);
    };
    const inPair = (leaf: number) => parent[leaf]! >= 0 && isPair(parent[leaf]!);
    const copy = (leaf: number, pattern: number): void => {
      const k = leafUnique[leaf]!;
      this.#table.set(leafTable.subarray(leafStart[leaf]! + pattern * k, leafStart[leaf]! + pattern * k + k), v);
      v += k;
    };
    for (let node = 0; node < total; node++) {
      const l = left[node]!;
      if (l >= 0 && isPair(node)) {
        const r = l + 1;
        const k = leafUnique[l]!;
        this.#group[node] = v;
        this.#groupCount[node] = k;
        this.#groupFeatures[node] = list.length;
        list.push(...featuresOf(l));
        // per ancestor pattern: right hot, then left hot; hot and cold values interleaved
        for (let pattern = 0; pattern < 2 ** this.#depth[node]!; pattern++) {
          for (const [hot, cold] of [[r, l], [l, r]] as const) {
            const hotAt = leafStart[hot]! + (pattern * 2 + 1) * k;
            const coldAt = leafStart[cold]! + pattern * 2 * k;
            for (let i = 0; i < k; i++) {
              this.#table[v++] = leafTable[hotAt + i]!;
              this.#table[v++] = leafTable[coldAt + i]!;
            }
          }
        }
      }
    }
    for (let node = 0; node < total; node++) {
      if (!isLeaf(node) || inPair(node)) continue;
      this.#group[node] = v;
      this.#groupCount[node] = leafUnique[node]!;
      this.#groupFeatures[node] = list.length;
      list.push(...featuresOf(node));
      for (let pattern = 0; pattern < 2 ** this.#depth[node]!; pattern++) copy(node, pattern);
    }
    this.#groupFeatureList = Int32Array.from(list);

    // per tree: its distinct features; buffers sized for the largest walk
    const treeFeatures: number[] = [];
    this.#treeFeatureStart = new Int32Array(this.#roots.length + 1);
    let leaves = 0;
    this.#roots.forEach((root, t) => {
      const end = t + 1 < this.#roots.length ? this.#roots[t + 1]! : total;
      const set = new Set<number>();
      for (let n = root; n < end; n++) {
        if (isLeaf(n)) {
          leaves++;
          for (const c of featuresOf(n)) set.add(c);
        }
      }
      this.#treeFeatureStart[t] = treeFeatures.length;
      treeFeatures.push(...[...set].sort((a, b) => a - b));
    });
    this.#treeFeatureStart[this.#roots.length] = treeFeatures.length;
    this.#treeFeatures = Int32Array.from(treeFeatures);
    this.#stackNode = new Int32Array(maxDepth + 2);
    this.#stackPattern = new Int32Array(maxDepth + 2);
    this.#unitValues = new Int32Array(leaves);
    this.#unitFeatures = new Int32Array(leaves);
    this.#unitCount = new Int32Array(leaves);
  }

  // RegTree::TreeShap (condition 0) for every hot/cold choice at once: both children are entered
  // once as the row's way (one fraction kept) and once as the other way (one fraction 0).
  #fill(out: LeafTables, node: number, parent: number, depth: number, parentZero: number, parentOne: number, parentFeature: number, pattern: number): void {
    const path = out.path;
    const p = path.copy(parent, depth);
    path.extend(p, depth, parentZero, parentOne, parentFeature);
    const left = this.#left[node]!;
    if (left < 0) {
      const leaf = this.#cond[node]!;
      const start = out.leafStart[node]! + pattern * depth;
      const features = out.leafFeatureStart[node]!;
      for (let i = 1; i <= depth; i++) {
        const w = path.unwoundSum(p, depth, i);
        out.leafFeatures[features + i - 1] = path.feature[p + i]!;
        out.leafTable[start + i - 1] = f(f(w * f(path.one[p + i]! - path.zero[p + i]!)) * leaf);
      }
      return;
    }
    const split = this.#split[node]!;
    const w = this.#hess[node]!;
    let incomingZero = 1;
    let incomingOne = 1;
    let index = 0;
    for (; index <= depth; index++) if (path.feature[p + index] === split) break;
    if (index !== depth + 1) {
      incomingZero = path.zero[p + index]!;
      incomingOne = path.one[p + index]!;
      path.unwind(p, depth, index);
      depth -= 1;
    }
    for (const child of [left, left + 1]) {
      const zero = f(f(this.#hess[child]! / w) * incomingZero);
      this.#fill(out, child, p, depth + 1, zero, incomingOne, split, pattern * 2 + 1);
      this.#fill(out, child, p, depth + 1, zero, 0, split, pattern * 2);
    }
  }
}

interface LeafTables {
  readonly path: UniquePath;
  readonly leafStart: Int32Array;
  readonly leafFeatureStart: Int32Array;
  readonly leafFeatures: Int32Array;
  readonly leafTable: Float32Array;
}

/** XGBoost's PathElement triangle (tree_model.cc), as parallel typed arrays. */
class UniquePath {
  readonly feature: Int32Array;
  readonly zero: Float32Array;
  readonly one: Float32Array;
  readonly weight: Float32Array;

  constructor(maxd: number) {
    const size = (maxd * (maxd + 1)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float32Array(size);
    this.one = new Float32Array(size);
    this.weight = new Float32Array(size);
  }

  /** Copies the parent's `depth + 1` elements after it; returns the child's offset. */
  copy(parent: number, depth: number): number {
    const p = parent + depth + 1;
    for (let i = 0; i <= depth; i++) {
      this.feature[p + i] = this.feature[parent + i]!;
      this.zero[p + i] = this.zero[parent + i]!;
      this.one[p + i] = this.one[parent + i]!;
      this.weight[p + i] = this.weight[parent + i]!;
    }
    return p;
  }

  extend(p: number, d: number, zeroFraction: number, oneFraction: number, featureIndex: number): void {
    const weight = this.weight;
    this.feature[p + d] = featureIndex;
    this.zero[p + d] = zeroFraction;
    this.one[p + d] = oneFraction;
    weight[p + d] = d === 0 ? 1 : 0;
    for (let i = d - 1; i >= 0; i--) {
      weight[p + i + 1] = weight[p + i + 1]! + f(f(f(oneFraction * weight[p + i]!) * (i + 1)) / (d + 1));
      weight[p + i] = f(f(f(zeroFraction * weight[p + i]!) * (d - i)) / (d + 1));
    }
  }

  unwind(p: number, d: number, pathIndex: number): void {
    const weight = this.weight;
    const oneFraction = this.one[p + pathIndex]!;
    const zeroFraction = this.zero[p + pathIndex]!;
    let nextOnePortion = weight[p + d]!;
    for (let i = d - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = weight[p + i]!;
        weight[p + i] = f(f(nextOnePortion * (d + 1)) / f((i + 1) * oneFraction));
        nextOnePortion = f(tmp - f(f(f(weight[p + i]! * zeroFraction) * (d - i)) / (d + 1)));
      } else {
        weight[p + i] = f(f(weight[p + i]! * (d + 1)) / f(zeroFraction * (d - i)));
      }
    }
    for (let i = pathIndex; i < d; i++) {
      this.feature[p + i] = this.feature[p + i + 1]!;
      this.zero[p + i] = this.zero[p + i + 1]!;
      this.one[p + i] = this.one[p + i + 1]!;
    }
  }

  unwoundSum(p: number, d: number, pathIndex: number): number {
    const weight = this.weight;
    const oneFraction = this.one[p + pathIndex]!;
    const zeroFraction = this.zero[p + pathIndex]!;
    let nextOnePortion = weight[p + d]!;
    let total = 0;
    for (let i = d - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = f(f(nextOnePortion * (d + 1)) / f((i + 1) * oneFraction));
        total = f(total + tmp);
        nextOnePortion = f(weight[p + i]! - f(f(tmp * zeroFraction) * f((d - i) / (d + 1))));
      } else if (zeroFraction !== 0) {
        total = f(total + f(f(weight[p + i]! / zeroFraction) / f((d - i) / (d + 1))));
      }
    }
    return total;
  }
}

function unsupportedReason(json: ModelJson): string | null {
  const learner = json.learner;
  if (learner.gradient_booster.name !== 'gbtree') return `booster ${learner.gradient_booster.name} (only gbtree)`;
  if (Number(learner.learner_model_param.num_class) > 1) return 'multi-class model';
  if (!(learner.objective.name in MARGIN_OF_BASE_SCORE)) return `objective ${learner.objective.name}`;
  if (learner.gradient_booster.model.trees.some((t) => t.split_type?.some((s) => s !== 0))) return 'categorical splits';
  return null;
}

function parse(model: string | Uint8Array): ModelJson {
  const text = typeof model === 'string' ? model : Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString('utf8');
  return JSON.parse(normalizeModelJson(text)) as ModelJson;
}
