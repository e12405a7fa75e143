import { explainSignal } from './signal-explainer.js';

const columns = Array.from({ length: 12 }, (_, i) => `f${i}`);

/** The ranking as a stable sort of every non-zero contribution by |SHAP|, largest first. */
const reference = (shap: readonly number[], topN: number) =>
  shap
    .slice(0, -1)
    .map((v, i) => ({ i, v }))
    .filter((x) => x.v !== 0)
    .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
    .slice(0, topN)
    .map((x) => columns[x.i]);

let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);

it.each([
  ['distinct values', [0.3, -0.1, 0.05, -0.7, 0.2, 0.01, -0.02, 0.4, -0.25, 0.15, 0.06, -0.33, 0.5], 3],
  ['ties keep feature order', [0.2, -0.2, 0.2, 0.1, -0.1, 0.2, 0, 0, 0.05, -0.2, 0.01, 0.02, 0], 4],
  ['zeros are never factors', [0, 0, 0.1, 0, 0, 0, -0.3, 0, 0, 0, 0, 0, 0.9], 5],
  ['topN larger than the features', [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9, -1, 1.1, -1.2, 0], 20],
  ...Array.from({ length: 20 }, (_, k) => [`random row ${k}`, Array.from({ length: 13 }, () => (rand() < 0.2 ? 0 : Math.round((rand() - 0.5) * 20) / 10)), 1 + (k % 6)] as const),
] as const)('ranks factors as a stable sort by |SHAP| would: %s', (_name, shap, topN) => {
  const e = explainSignal({ featureColumns: columns, values: new Float64Array(12).fill(1), contributions: Float32Array.from(shap), probability: 0.7, threshold: 0.6, topN });
  expect(e.factors.map((f) => f.feature)).toEqual(reference(Array.from(Float32Array.from(shap)), topN));
});
