import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../data/seeded-random.js';
import { Booster } from './booster.js';
import { DMatrix } from './dmatrix.js';
import { trainBooster } from './train-booster.js';
import { TreeShap } from './tree-shap.js';

const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));

// Bit-equality with libxgboost's pred_contribs for every value of every row.
function expectSameAsXGBoost(model: string | Uint8Array, data: Float32Array, rows: number, cols: number): void {
  using booster = Booster.fromJson(model);
  using matrix = DMatrix.fromDense({ data, rows, cols });
  const expected = booster.contributions(matrix).values;
  const shap = TreeShap.fromModelJson(model);
  const out = new Float32Array(cols + 1);
  for (let r = 0; r < rows; r++) {
    shap.contributions(data.subarray(r * cols, (r + 1) * cols), out);
    expect(Array.from(out)).toEqual(Array.from(expected.subarray(r * (cols + 1), (r + 1) * (cols + 1))));
  }
}

describe('TreeShap', () => {
  it.each(['regression', 'binary_logistic', 'binary_logistic_missing', 'single_tree'])('equals pred_contribs bit for bit on the %s fixture (XGBoost 3.1 model)', (name) => {
    const model = readFileSync(join(fixtures, `boosters_gbtree_${name}.model.json`), 'utf8');
    const input = JSON.parse(readFileSync(join(fixtures, `boosters_gbtree_${name}.input.json`), 'utf8')) as { features: Array<Array<number | null>>; num_features: number };
    const cols = input.num_features;
    const data = Float32Array.from(input.features.flat().map((v) => (v === null ? Number.NaN : v)));
    expectSameAsXGBoost(model, data, input.features.length, cols);
  });

  // 4 features: paths split on the same feature again (XGBoost's unwind path); 30 features:
  // mostly full trees, where sibling leaves share a table entry
  it.each([4, 30])('equals pred_contribs bit for bit on a depth-6 model of %i features with missing values', (cols) => {
    const rand = seededRandom(5);
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
      { params: { objective: 'binary:logistic', max_depth: 6, eta: 0.3, base_score: 0.3, nthread: 1 }, rounds: 25 },
    );
    expectSameAsXGBoost(model, data.subarray(0, 400 * cols), 400, cols);
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
