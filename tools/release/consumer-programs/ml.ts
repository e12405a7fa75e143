// @spyglass/ml from the registry: XGBoost train (in its worker) + predict through libxgboost.
import assert from 'node:assert/strict';
import { Booster, DMatrix, trainInWorker } from '@spyglass/ml';

const rows = 2000;
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const data = Float32Array.from({ length: rows * 2 }, random);
const label = Array.from({ length: rows }, (_, r) => (data[2 * r]! + data[2 * r + 1]! > 1 ? 1 : 0));
const result = await trainInWorker(
  { train: { data, rows, cols: 2, label } },
  { params: { objective: 'binary:logistic', max_depth: 3 }, rounds: 20, featureNames: ['x0', 'x1'] },
);
using booster = Booster.fromJson(result.model);
using probe = DMatrix.fromDense({ data: new Float32Array([0.9, 0.8, 0.1, 0.2]), rows: 2, cols: 2 });
const [high, low] = booster.predict(probe);
assert.ok(high! > 0.8 && low! < 0.2, `predictions ${high} ${low}`);
console.log(`ml: p(high)=${high!.toFixed(3)} p(low)=${low!.toFixed(3)}`);
