import { join } from 'node:path';
import { FEATURE_COLUMNS, FEATURES_DATASET } from '@spyglass/processing';
import { readParquetTable } from '@spyglass/storage';

/**
 * The batch features of one day as the live engine lays them out: `keys[i]` = `ticker|timestamp`,
 * row i = its 66 features (`FEATURE_COLUMNS` order, NaN = missing), for parity checks.
 *
 * @example
 * ```ts
 * const { rows, keys } = await batchFeatureRows('data', '2025-03-04');
 * const first = rows.subarray(0, FEATURE_COLUMNS.length); // features of keys[0]
 * ```
 */
export async function batchFeatureRows(root: string, date: string): Promise<{ rows: Float64Array; keys: string[] }> {
  const t = await readParquetTable(join(root, 'processed', FEATURES_DATASET, `date=${date}`, 'part-0.parquet'), { columns: ['ticker', 'timestamp', ...FEATURE_COLUMNS] });
  const width = FEATURE_COLUMNS.length;
  const rows = new Float64Array(t.numRows * width);
  const keys: string[] = [];
  const cols = FEATURE_COLUMNS.map((c) => t.getChild(c)!);
  for (let i = 0; i < t.numRows; i++) {
    cols.forEach((c, j) => {
      const x = c.get(i) as number | null;
      rows[i * width + j] = x === null ? Number.NaN : x;
    });
    const ts = t.getChild('timestamp')!.get(i) as number | bigint | Date;
    keys.push(`${t.getChild('ticker')!.get(i) as string}|${ts instanceof Date ? ts.getTime() : Number(ts)}`);
  }
  return { rows, keys };
}
