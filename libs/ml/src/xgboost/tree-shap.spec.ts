import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../data/seeded-random.js';
import { Booster } from './booster.js';
import { DMatrix } from './dmatrix.js';
import { trainBooster } from './train-booster.js';
import { TreeShap } from './tree-shap.js';

const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));

// "Equal to pred_contribs": libxgboost computes in float32 (its own rounding order), TreeShap in
// double rounded to float32 once. Every value within 1e-6 + 2⁻²⁰ × the row's Σ|contribution|
// (a few float32 ulps of the row's scale), the bias bit-equal, the sum rule (contributions + bias
// = libxgboost's margin) within float32 precision, and the top-10 features by |SHAP| in the same
// order wherever libxgboost's own values are not tied within that tolerance.
function compareWithXGBoost(model: string | Uint8Array, data: Float32Array, rows: number, cols: number): { maxAbsDiff: number; maxScaledUlps: number } {
  using booster = Booster.fromJson(model);
  using matrix = DMatrix.fromDense({ data, rows, cols });
  const expected = booster.contributions(matrix).values;
  const margins = booster.predict(matrix, { outputMargin: true });
  const shap = TreeShap.fromModelJson(model);
  const out = new Float32Array(cols + 1);
  let maxAbsDiff = 0;
  let maxScaledUlps = 0;
  for (let r = 0; r < rows; r++) {
    shap.contributions(data.subarray(r * cols, (r + 1) * cols), out);
    const want = expected.subarray(r * (cols + 1), (r + 1) * (cols + 1));
    let scale = 0;
    for (let c = 0; c <= cols; c++) scale += Math.abs(want[c]!);
    const tolerance = 1e-6 + scale * 2 ** -20;
    for (let c = 0; c < cols; c++) {
      const diff = Math.abs(out[c]! - want[c]!);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      maxScaledUlps = Math.max(maxScaledUlps, diff / (scale * 2 ** -23));
      if (diff > tolerance) throw new Error(`row ${r} feature ${c}: ${out[c]} vs libxgboost ${want[c]} (tolerance ${tolerance})`);
    }
    expect(out[cols]).toBe(want[cols]); // the bias
    let sum = 0;
    for (let c = 0; c <= cols; c++) sum += out[c]!;
    // two float32 results (the margin is libxgboost's float32 sum over the trees): twice the tolerance
    expect(Math.abs(sum - margins[r]!)).toBeLessThanOrEqual(2 * tolerance);
    expect(topFeatureGroups(out, want, cols, tolerance)).toEqual(topFeatureGroups(want, want, cols, tolerance));
  }
  return { maxAbsDiff, maxScaledUlps };
}

// The 10 largest |contributions| in order, as groups of libxgboost's values tied within
// `tolerance` (its own rounding could order them either way): both sides are cut into the same
// groups, each compared as a set.
function topFeatureGroups(values: ArrayLike<number>, reference: ArrayLike<number>, cols: number, tolerance: number): string[] {
  const byMagnitude = (v: ArrayLike<number>) =>
    Array.from({ length: cols }, (_, c) => c)
      .filter((c) => v[c] !== 0)
      .sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!) || a - b);
  const order = byMagnitude(values);
  const sizes: number[] = [];
  let previous = Number.NaN;
  let covered = 0;
  for (const c of byMagnitude(reference)) {
    const magnitude = Math.abs(reference[c]!);
    if (sizes.length > 0 && Math.abs(previous - magnitude) <= 2 * tolerance) sizes[sizes.length - 1]!++;
    else if (covered >= 10) break;
    else sizes.push(1);
    covered++;
    previous = magnitude;
  }
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(order.slice(at, at + size).sort((a, b) => a - b).join('|'));
    at += size;
  }
  return groups;
}

function randomModel(cols: number, depth: number, rounds: number, seed: number, objective = 'binary:logistic'): { model: Uint8Array; data: Float32Array } {
  const rand = seededRandom(seed);
  const rows = 3000;
  const data = new Float32Array(rows * cols);
  const label = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = rand() < 0.08 ? Number.NaN : rand() * 4 - 2;
    const a = data[r * cols]!;
    label[r] = (Number.isNaN(a) ? 0 : Math.sin(3 * a)) + 0.5 * (data[r * cols + 1]! || 0) + rand() > 0.6 ? 1 : 0;
  }
  const { model } = trainBooster(
    { train: { data, rows, cols, label } },
    { params: { objective, max_depth: depth, eta: 0.1, subsample: 0.8, colsample_bytree: 0.8, base_score: 0.3, nthread: 1 }, rounds },
  );
  return { model, data };
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

describe('TreeShap', () => {
  it.each(['regression', 'binary_logistic', 'binary_logistic_missing', 'single_tree'])('equals pred_contribs on the %s fixture (XGBoost 3.1 model)', (name) => {
    const model = readFileSync(join(fixtures, `boosters_gbtree_${name}.model.json`), 'utf8');
    const input = JSON.parse(readFileSync(join(fixtures, `boosters_gbtree_${name}.input.json`), 'utf8')) as { features: Array<Array<number | null>>; num_features: number };
    const cols = input.num_features;
    const data = Float32Array.from(input.features.flat().map((v) => (v === null ? Number.NaN : v)));
    const { maxScaledUlps } = compareWithXGBoost(model, data, input.features.length, cols);
    expect(maxScaledUlps).toBeLessThanOrEqual(8);
  });

  // 4 features: paths split on the same feature again and again (merged path elements);
  // 30 features × 300 trees of depth 6: the bench's shape; depth 8: more than 3 quadrature points;
  // binary:logitraw: its base_score is a margin (the bias was off by logit(0.3) before)
  it.each([
    [4, 6, 40, 'binary:logistic', 400],
    [30, 6, 300, 'binary:logistic', 1000],
    [12, 8, 40, 'binary:logistic', 400],
    [30, 8, 300, 'binary:logistic', 600],
    [10, 6, 50, 'binary:logitraw', 400],
    [10, 6, 50, 'reg:squarederror', 400],
  ])('equals pred_contribs on a model of %i features, depth %i, %i trees (%s), %i rows with missing values', (cols, depth, rounds, objective, rows) => {
    const { model, data } = randomModel(cols, depth, rounds, 5, objective);
    // a row with every feature missing
    data.fill(Number.NaN, 0, cols);
    const { maxAbsDiff, maxScaledUlps } = compareWithXGBoost(model, data.subarray(0, rows * cols), rows, cols);
    // libxgboost's float32 sums over hundreds of trees: a few float32 ulps of the row's scale
    expect(maxScaledUlps).toBeLessThanOrEqual(8);
    expect(maxAbsDiff).toBeGreaterThan(0); // different arithmetic: the comparison is not vacuous
  });

  // Independent of libxgboost: Shapley values by enumerating every subset of the features, with
  // E[f | x_S] by the cover-weighted recursion (path-dependent TreeSHAP's definition), in double.
  it('equals brute-force Shapley values of the path-dependent expectation', () => {
    const cols = 6;
    const { model, data } = randomModel(cols, 6, 20, 9);
    const json = JSON.parse(Buffer.from(model).toString('utf8')) as {
      learner: { gradient_booster: { model: { trees: Array<{ left_children: number[]; right_children: number[]; split_indices: number[]; split_conditions: number[]; default_left: number[]; sum_hessian: number[] }> } } };
    };
    const trees = json.learner.gradient_booster.model.trees;
    const expectation = (row: Float32Array, inS: (c: number) => boolean): number => {
      let total = 0;
      for (const t of trees) {
        const walk = (n: number): number => {
          const l = t.left_children[n]!;
          if (l < 0) return Math.fround(t.split_conditions[n]!);
          const r = t.right_children[n]!;
          const c = t.split_indices[n]!;
          if (inS(c)) {
            const x = row[c]!;
            return walk(Number.isNaN(x) ? (t.default_left[n] ? l : r) : x < Math.fround(t.split_conditions[n]!) ? l : r);
          }
          const h = (k: number) => Math.fround(t.sum_hessian[k]!); // the model's float32 covers
          return (h(l) * walk(l) + h(r) * walk(r)) / h(n);
        };
        total += walk(0);
      }
      return total;
    };
    const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
    const shap = TreeShap.fromModelJson(model);
    for (let r = 0; r < 15; r++) {
      const row = data.subarray(r * cols, (r + 1) * cols);
      const got = shap.contributions(row);
      for (let i = 0; i < cols; i++) {
        let phi = 0;
        for (let mask = 0; mask < 1 << cols; mask++) {
          if (mask & (1 << i)) continue;
          const size = popcount(mask);
          const weight = (factorial(size) * factorial(cols - size - 1)) / factorial(cols);
          phi += weight * (expectation(row, (c) => c === i || (mask & (1 << c)) !== 0) - expectation(row, (c) => (mask & (1 << c)) !== 0));
        }
        // float32 output: half an ulp of the value, plus double-precision noise
        expect(Math.abs(got[i]! - phi)).toBeLessThanOrEqual(Math.abs(phi) * 2 ** -24 + 1e-12);
      }
    }
  });

  it('says why a model is not supported and checks row sizes', () => {
    const model = readFileSync(join(fixtures, 'boosters_gbtree_regression.model.json'), 'utf8');
    const dart = model.replace('"name":"gbtree"', '"name":"dart"');
    expect(TreeShap.unsupported(dart)).toMatch(/dart/);
    expect(() => TreeShap.fromModelJson(dart)).toThrow(/only gbtree/);
    expect(TreeShap.unsupported(model)).toBeNull();
    expect(() => TreeShap.fromModelJson(model).contributions([1])).toThrow(/row has 1 values/);
  });
});
