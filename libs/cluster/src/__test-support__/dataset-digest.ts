import { createHash } from 'node:crypto';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/** Rows and a digest of a raw dataset under `root` (ingestion times left out), plus duplicate keys. */
export async function datasetDigest(root: string, dataset: keyof typeof rawDatasetSpecs): Promise<{ rows: number; hash: string; duplicateKeys: number }> {
  const ds = new ParquetDataset<Record<string, unknown>>({ root, spec: rawDatasetSpecs[dataset] });
  const rows = (await ds.readAll()).map(({ ingestedAt: _i, ...r }) => JSON.stringify(r, Object.keys(r).sort())).sort();
  const keys = (await ds.readAll()).map((r) => `${String(r.ticker)}|${String(r.timestamp)}|${String(r.id ?? '')}`);
  return { rows: rows.length, hash: createHash('sha256').update(rows.join('\n')).digest('hex'), duplicateKeys: keys.length - new Set(keys).size };
}
