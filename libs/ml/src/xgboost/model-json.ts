import { SpyglassError } from '@spyglass/core/errors';

const BRACKETED_BASE_SCORE = /"base_score"\s*:\s*"\[([^\]]*)\]"/;

/**
 * Makes an XGBoost JSON model readable by libxgboost 1.7. XGBoost ≥ 3 writes `base_score` as a
 * bracketed vector (`"[5E-1]"`); 1.7 parses that string as 0.5 without complaint, which shifts
 * every margin of a regression model by `base_score − 0.5`. A single-value vector is rewritten to
 * its scalar; a multi-target vector cannot be represented in 1.7 and is rejected.
 *
 * The rewrite works on the text so every other number keeps its exact serialized form.
 *
 * @example
 * ```ts
 * normalizeModelJson('{"learner":{"learner_model_param":{"base_score":"[8.74E0]"}}}');
 * // '{"learner":{"learner_model_param":{"base_score":"8.74E0"}}}'
 * ```
 */
export function normalizeModelJson(text: string): string {
  const match = BRACKETED_BASE_SCORE.exec(text);
  if (!match) return text;
  const values = match[1]!.split(',').map((v) => v.trim());
  if (values.length !== 1 || values[0] === '' || !Number.isFinite(Number(values[0]))) {
    throw new SpyglassError(
      'XGBOOST',
      `model JSON has base_score "[${match[1]}]": a multi-target or non-numeric base_score cannot be loaded by libxgboost 1.7`,
      { details: { baseScore: match[1] } },
    );
  }
  return text.replace(BRACKETED_BASE_SCORE, `"base_score":"${values[0]}"`);
}

const f = Math.fround;

/**
 * margin = ProbToMargin(base_score) per objective, in float as libxgboost 1.7 computes it (the one
 * this project loads): the logit for the logistic objectives except `binary:logitraw`, whose
 * base_score is already a margin (libxgboost's pred_contribs bias and predict margins say so: the
 * TreeShap and TreePredictor specs check both).
 *
 * @example
 * ```ts
 * MARGIN_OF_BASE_SCORE['binary:logistic']!(0.5); // 0
 * ```
 */
export const MARGIN_OF_BASE_SCORE: Readonly<Record<string, (p: number) => number>> = {
  'binary:logistic': (p) => f(-Math.log(f(f(1 / p) - 1))),
  'binary:logitraw': (p) => p,
  'reg:logistic': (p) => f(-Math.log(f(f(1 / p) - 1))),
  'reg:squarederror': (p) => p,
  'reg:linear': (p) => p,
};

/**
 * The parts of an XGBoost JSON model TreeShap and TreePredictor read.
 *
 * @example
 * ```ts
 * const json: ModelJson = parseModelJson(artifact.model);
 * json.learner.gradient_booster.model.trees.length;
 * ```
 */
export interface ModelJson {
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

/**
 * Parses an XGBoost JSON model (bytes or text, `base_score` normalised for 1.7).
 *
 * @example
 * ```ts
 * parseModelJson(artifact.model).learner.objective.name; // 'binary:logistic'
 * ```
 */
export function parseModelJson(model: string | Uint8Array): ModelJson {
  const text = typeof model === 'string' ? model : Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString('utf8');
  return JSON.parse(normalizeModelJson(text)) as ModelJson;
}

/**
 * Every tree of a model end to end, nodes renumbered breadth first per tree (parents before
 * children, a node's right child is its left child + 1), so passes over a tree are loops over a
 * range: `roots[t] … roots[t + 1]`. `left` is -1 for a leaf; `cond` is the float32 split
 * condition (the leaf value for a leaf, as XGBoost stores it).
 *
 * @example
 * ```ts
 * const flat = flattenTrees(parseModelJson(artifact.model), 'TreeShap');
 * const firstTreeNodes = flat.roots[1]! - flat.roots[0]!;
 * ```
 */
export interface FlatTrees {
  readonly roots: Int32Array;
  readonly left: Int32Array;
  readonly split: Int32Array;
  readonly cond: Float32Array;
  readonly defaultLeft: Uint8Array;
  readonly hess: Float32Array;
  readonly parent: Int32Array;
  readonly maxDepth: number;
}

/**
 * Flattens a model's trees breadth first (see {@link FlatTrees}); throws `XGBOOST` (naming `who`)
 * for a node not reachable from its root or a split on a feature outside the model's.
 *
 * @example
 * ```ts
 * const { roots, left } = flattenTrees(parseModelJson(artifact.model), 'TreePredictor');
 * ```
 */
export function flattenTrees(model: ModelJson, who: string): FlatTrees {
  const trees = model.learner.gradient_booster.model.trees;
  const cols = Number(model.learner.learner_model_param.num_feature);
  const total = trees.reduce((n, t) => n + t.left_children.length, 0);
  const roots = new Int32Array(trees.length + 1);
  const left = new Int32Array(total);
  const split = new Int32Array(total);
  const cond = new Float32Array(total);
  const defaultLeft = new Uint8Array(total);
  const hess = new Float32Array(total);
  const parent = new Int32Array(total).fill(-1);
  const depth = new Int32Array(total);
  let offset = 0;
  let maxDepth = 0;
  trees.forEach((t, i) => {
    roots[i] = offset;
    // breadth first from the root: children get two consecutive numbers
    const order = [0];
    let next = offset + 1;
    for (let q = 0; q < order.length; q++) {
      const n = order[q]!;
      const id = offset + q;
      const l = t.left_children[n]!;
      split[id] = t.split_indices[n]!;
      cond[id] = t.split_conditions[n]!;
      defaultLeft[id] = t.default_left[n] ? 1 : 0;
      hess[id] = t.sum_hessian[n]!;
      maxDepth = Math.max(maxDepth, depth[id]!);
      if (l < 0) {
        left[id] = -1;
        continue;
      }
      if (split[id]! < 0 || split[id]! >= cols) throw new SpyglassError('XGBOOST', `${who}: tree ${i} node ${n} splits on feature ${split[id]} of ${cols}`);
      left[id] = next;
      parent[next] = parent[next + 1] = id;
      depth[next] = depth[next + 1] = depth[id]! + 1;
      next += 2;
      order.push(l, t.right_children[n]!);
    }
    if (order.length !== t.left_children.length) {
      throw new SpyglassError('XGBOOST', `${who}: tree ${i} has ${t.left_children.length} nodes but ${order.length} are reachable from its root`);
    }
    offset += t.left_children.length;
  });
  roots[trees.length] = total;
  return { roots, left, split, cond, defaultLeft, hess, parent, maxDepth };
}
