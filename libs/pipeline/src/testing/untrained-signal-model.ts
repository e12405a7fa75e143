import { INCREMENTAL_FEATURE_COLUMNS } from '@spyglass/features';
import { trainBooster } from '@spyglass/ml';
import { SignalModel } from '../live-signal-model.js';

/**
 * A small model over the 66 live features trained on seeded noise, for tests of the live path's
 * plumbing (parity is about the same inputs giving the same output, so any trees will do).
 * `threshold: 0` flags every bar.
 *
 * @example
 * ```ts
 * const model = noiseSignalModel({ threshold: 0.5 });
 * const p = model.predict(new Float64Array(66).fill(Number.NaN), 1);
 * model.dispose();
 * ```
 */
export function noiseSignalModel(o: { readonly threshold: number; readonly seed?: number }): SignalModel {
  const width = INCREMENTAL_FEATURE_COLUMNS.length;
  let s = o.seed ?? 7;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const n = 400;
  const trained = trainBooster(
    { train: { data: Float32Array.from({ length: n * width }, () => r()), rows: n, cols: width, label: Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0)) } },
    { params: { objective: 'binary:logistic', max_depth: 3, nthread: 1 }, rounds: 10, featureNames: [...INCREMENTAL_FEATURE_COLUMNS] },
  );
  return new SignalModel({ model: trained.model, featureColumns: INCREMENTAL_FEATURE_COLUMNS, threshold: o.threshold, version: 'noise' });
}
