import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../data/seeded-random.js';
import { Booster } from './booster.js';
import { DMatrix } from './dmatrix.js';
import { trainBooster } from './train-booster.js';
import { TreePredictor } from './tree-predictor.js';

const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));

// Bit-equality with libxgboost: the same float32 bits (Object.is also tells 0 from -0 and NaN),
// for probabilities and margins, through a DMatrix and through the in-place dense predictor the
// live engine used.
function expectBitEqual(model: string | Uint8Array, data: Float32Array, rows: number, cols: number): { distinct: number } {
  using booster = Booster.fromJson(model);
  booster.setParam('nthread', 1);
  using matrix = DMatrix.fromDense({ data, rows, cols });
  const predictor = TreePredictor.fromModelJson(model);
  expect(predictor.cols).toBe(cols);
  for (const outputMargin of [false, true]) {
    const want = booster.predict(matrix, { outputMargin });
    const got = predictor.predict(data, { outputMargin });
    const mismatches: string[] = [];
    for (let r = 0; r < rows; r++) if (!Object.is(got[r], want[r])) mismatches.push(`row ${r}: ${got[r]} vs libxgboost ${want[r]}`);
    expect({ outputMargin, mismatches: mismatches.slice(0, 5), count: mismatches.length }).toEqual({ outputMargin, mismatches: [], count: 0 });
  }
  using dense = booster.densePredictor(cols, 256);
  const got = predictor.predict(data);
  for (let start = 0; start < rows; start += 256) {
    const m = Math.min(256, rows - start);
    const want = dense.predict(data.subarray(start * cols, (start + m) * cols));
    for (let r = 0; r < m; r++) if (!Object.is(got[start + r], want[r])) throw new Error(`in-place row ${start + r}: ${got[start + r]} vs libxgboost ${want[r]}`);
  }
  // the comparison is not vacuous: the rows reach many different outputs
  return { distinct: new Set(got).size };
}

function randomData(rows: number, cols: number, seed: number, missing = 0.08): Float32Array {
  const rand = seededRandom(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rand() < missing ? Number.NaN : rand() * 4 - 2;
  return data;
}

const trainedModels = new Map<string, { model: Uint8Array; data: Float32Array }>();

// trained once per shape: two tests use the 300-tree model
function randomModel(cols: number, depth: number, rounds: number, seed: number, objective = 'binary:logistic'): { model: Uint8Array; data: Float32Array } {
  const key = [cols, depth, rounds, seed, objective].join();
  const known = trainedModels.get(key);
  if (known) return known;
  const rand = seededRandom(seed);
  const rows = 3000;
  const data = randomData(rows, cols, seed + 1);
  const label = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = data[r * cols]!;
    label[r] = (Number.isNaN(a) ? 0 : Math.sin(3 * a)) + 0.5 * (data[r * cols + 1]! || 0) + rand() > 0.6 ? 1 : 0;
  }
  const { model } = trainBooster(
    { train: { data, rows, cols, label } },
    { params: { objective, max_depth: depth, eta: 0.1, subsample: 0.8, colsample_bytree: 0.8, base_score: 0.3, nthread: 1 }, rounds },
  );
  trainedModels.set(key, { model, data });
  return { model, data };
}

describe('TreePredictor', () => {
  it.each(['regression', 'binary_logistic', 'binary_logistic_missing', 'single_tree'])('is bit-equal to libxgboost on the %s fixture (XGBoost 3.1 model), its inputs and 4,000 random rows', (name) => {
    const model = readFileSync(join(fixtures, `boosters_gbtree_${name}.model.json`), 'utf8');
    const input = JSON.parse(readFileSync(join(fixtures, `boosters_gbtree_${name}.input.json`), 'utf8')) as { features: Array<Array<number | null>>; num_features: number };
    const cols = input.num_features;
    const fixtureRows = Float32Array.from(input.features.flat().map((v) => (v === null ? Number.NaN : v)));
    expectBitEqual(model, fixtureRows, input.features.length, cols);
    // random rows on the fixture's own value ranges, so they cross its split conditions
    const lo = new Float64Array(cols).fill(Infinity);
    const hi = new Float64Array(cols).fill(-Infinity);
    for (const row of input.features) row.forEach((v, c) => v !== null && ((lo[c] = Math.min(lo[c]!, v)), (hi[c] = Math.max(hi[c]!, v))));
    const rand = seededRandom(11);
    const rows = 4000;
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) {
      const c = i % cols;
      const span = Number.isFinite(lo[c]!) ? hi[c]! - lo[c]! : 4;
      data[i] = rand() < 0.1 ? Number.NaN : (Number.isFinite(lo[c]!) ? lo[c]! : -2) + (rand() * 1.4 - 0.2) * span;
    }
    expect(expectBitEqual(model, data, rows, cols).distinct).toBeGreaterThan(name === 'single_tree' ? 1 : 10);
  });

  // 30 features × 300 trees of depth 6: the live model's shape; 4 features: deep re-splits;
  // reg:logistic (the same sigmoid) and reg:squarederror (margins)
  it.each([
    [30, 6, 300, 'binary:logistic'],
    [4, 6, 40, 'binary:logistic'],
    [12, 8, 60, 'reg:logistic'],
    [10, 6, 50, 'reg:squarederror'],
    // base_score 0.3 is the margin itself for logitraw (logit(0.3) = −0.85 before the fix)
    [10, 6, 50, 'binary:logitraw'],
  ])('is bit-equal to libxgboost on a trained model of %i features, depth %i, %i trees (%s), 5,000 rows with NaN', (cols, depth, rounds, objective) => {
    const { model } = randomModel(cols, depth, rounds, 5, objective);
    const data = randomData(5000, cols, 77, 0.1);
    // a row with every feature missing (libxgboost rejects ±Infinity, so it is not compared)
    data.fill(Number.NaN, 0, cols);
    expect(expectBitEqual(model, data, 5000, cols).distinct).toBeGreaterThan(1000);
  });

  // Math.exp rounded to float32 is not glibc's expf: the injected exp shows the system one matters
  it('needs the C library expf for bit-equal probabilities', () => {
    const { model } = randomModel(30, 6, 300, 5);
    const data = randomData(5000, 30, 77, 0.1);
    using booster = Booster.fromJson(model);
    using matrix = DMatrix.fromDense({ data, rows: 5000, cols: 30 });
    const want = booster.predict(matrix);
    const got = TreePredictor.fromModelJson(model, { expf: (x) => Math.fround(Math.exp(x)) }).predict(data);
    let differ = 0;
    for (let r = 0; r < 5000; r++) {
      if (got[r] !== want[r]) differ++;
      expect(Math.abs(got[r]! - want[r]!)).toBeLessThanOrEqual(2 ** -24 * Math.abs(want[r]!) * 2);
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('says why a model is not supported and checks row sizes', () => {
    const model = readFileSync(join(fixtures, 'boosters_gbtree_regression.model.json'), 'utf8');
    const dart = model.replace('"name":"gbtree"', '"name":"dart"');
    expect(TreePredictor.unsupported(dart)).toMatch(/dart/);
    expect(() => TreePredictor.fromModelJson(dart)).toThrow(/only gbtree/);
    expect(TreePredictor.unsupported(model)).toBeNull();
    expect(TreePredictor.unsupported(model.replace('"name":"reg:squarederror"', '"name":"rank:pairwise"'))).toMatch(/rank:pairwise/);
    const predictor = TreePredictor.fromModelJson(model);
    expect(() => predictor.predict(new Float32Array(predictor.cols + 1))).toThrow(/not a whole number of rows/);
    expect(() => predictor.predict(new Float32Array(2 * predictor.cols), { out: new Float32Array(1) })).toThrow(/out holds 1/);
  });
});
