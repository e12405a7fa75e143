import { selectColumns, type FeatureTable } from '../data/feature-table.js';
import type { Booster, PredictOptions } from '../xgboost/booster.js';
import { DMatrix } from '../xgboost/dmatrix.js';

/**
 * Probabilities (or margins) of a booster for every row of a table, using `featureColumns` in
 * the model's order (a table may carry extra or reordered columns).
 *
 * @example
 * ```ts
 * const p = predictTable(booster, split.test, artifact.featureColumns);
 * ```
 */
export function predictTable(
  booster: Booster,
  table: FeatureTable,
  featureColumns: readonly string[] = table.columns,
  options: PredictOptions = {},
): Float32Array {
  if (table.rows === 0) return new Float32Array(0);
  const same = featureColumns.length === table.columns.length && featureColumns.every((c, i) => c === table.columns[i]);
  const input = same ? table : selectColumns(table, featureColumns);
  using matrix = DMatrix.fromDense(
    { data: input.data, rows: input.rows, cols: featureColumns.length },
    { libraryPath: booster.native.libraryPath },
  );
  return booster.predict(matrix, options);
}
