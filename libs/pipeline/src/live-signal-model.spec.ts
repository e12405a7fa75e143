import { INCREMENTAL_FEATURE_COLUMNS } from '@spyglass/features';
import { Booster, trainBooster } from '@spyglass/ml';
import { SignalModel } from './live-signal-model.js';

const width = INCREMENTAL_FEATURE_COLUMNS.length;

// TreeShap works in double precision; libxgboost sums float32 over the trees: equal within a few
// float32 ulps of the row's scale (see ml's tree-shap.spec), the bias bit-equal.
it('explains with SHAP values equal to libxgboost pred_contribs within float32 rounding, the bias bit for bit (NaN features too)', () => {
  let s = 11;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const n = 300;
  const trained = trainBooster(
    { train: { data: Float32Array.from({ length: n * width }, () => (r() < 0.1 ? Number.NaN : r())), rows: n, cols: width, label: Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0)) } },
    { params: { objective: 'binary:logistic', max_depth: 4, nthread: 1 }, rounds: 12, featureNames: [...INCREMENTAL_FEATURE_COLUMNS] },
  );
  const model = new SignalModel({ model: trained.model, featureColumns: INCREMENTAL_FEATURE_COLUMNS, threshold: 0.5 });
  const booster = Booster.fromJson(trained.model);
  const native = booster.densePredictor(width, 64);
  try {
    const rows = Array.from({ length: 40 }, () => Float64Array.from({ length: width }, () => (r() < 0.15 ? Number.NaN : r())));
    const probabilities = model.predict(Float64Array.from(rows.flatMap((x) => [...x])), rows.length);
    const explained = model.explainMany(rows, probabilities, width);
    const contributions = native.contributions(Float32Array.from(rows.flatMap((x) => [...x]))).values;
    rows.forEach((_, k) => {
      const want = contributions.subarray(k * (width + 1), (k + 1) * (width + 1));
      const tolerance = 1e-6 + 2 ** -20 * Array.from(want).reduce((a, v) => a + Math.abs(v), 0);
      for (const f of explained[k]!.factors) expect(Math.abs(f.shap - want[INCREMENTAL_FEATURE_COLUMNS.indexOf(f.feature as never)]!)).toBeLessThanOrEqual(tolerance);
      expect(explained[k]!.baseMargin).toBe(want[width]);
      expect(explained[k]!.factors.length).toBe(Array.from(want.subarray(0, width)).filter((v) => v !== 0).length);
    });
  } finally {
    native.dispose();
    booster.dispose();
    model.dispose();
  }
});

// The live model scores with ml's TreePredictor; the probabilities must be libxgboost's, bit for
// bit, whatever the burst size (chunks of maxBatch) and with missing features.
it('scores bursts with the JavaScript tree walk, bit-equal to libxgboost in-place prediction', () => {
  let s = 23;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const n = 600;
  const trained = trainBooster(
    { train: { data: Float32Array.from({ length: n * width }, () => (r() < 0.1 ? Number.NaN : r())), rows: n, cols: width, label: Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0)) } },
    { params: { objective: 'binary:logistic', max_depth: 6, nthread: 1 }, rounds: 60, featureNames: [...INCREMENTAL_FEATURE_COLUMNS] },
  );
  using model = new SignalModel({ model: trained.model, featureColumns: INCREMENTAL_FEATURE_COLUMNS, threshold: 0.5 }, { maxBatch: 64 });
  using native = new SignalModel({ model: trained.model, featureColumns: INCREMENTAL_FEATURE_COLUMNS, threshold: 0.5 }, { maxBatch: 64, predictor: 'libxgboost' });
  expect(model.predictor).toBe('javascript');
  expect(native.predictor).toBe('libxgboost');
  const rows = 1000;
  // wider than float32 on purpose: the model must round each feature to float32 as libxgboost does
  const data = Float64Array.from({ length: rows * width }, () => (r() < 0.15 ? Number.NaN : r() * 1.2 - 0.1 + r() * 1e-9));
  const got = model.predict(data, rows);
  const want = native.predict(data, rows);
  let mismatches = 0;
  for (let k = 0; k < rows; k++) if (!Object.is(got[k], want[k])) mismatches++;
  expect(mismatches).toBe(0);
  expect(new Set(got).size).toBeGreaterThan(500);
});
