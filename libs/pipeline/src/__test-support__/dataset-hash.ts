import { createHash } from 'node:crypto';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/**
 * A content hash of a stored raw dataset: every row (minus `ingestedAt`, which differs per run)
 * in key order, without `omit`ted fields. Two runs that stored the same bars, once each, hash equal.
 */
export async function datasetHash(
  root: string,
  dataset: keyof typeof rawDatasetSpecs,
  omit: readonly string[] = [],
): Promise<{ hash: string; rows: number }> {
  const ds = new ParquetDataset<Record<string, unknown>>({ root, spec: rawDatasetSpecs[dataset] });
  const drop = new Set(['ingestedAt', ...omit]);
  const rows = (await ds.readAll()).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.has(k))));
  const keyed = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  return { hash: createHash('sha256').update(keyed.join('\n')).digest('hex'), rows: keyed.length };
}
