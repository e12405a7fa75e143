import path from 'node:path';
import { SpyglassError } from '@spyglass/core';
import type { DatasetSpec } from './dataset-spec.js';

/**
 * The one data file of a partition; rewritten whole on every merge.
 *
 * @example
 * ```ts
 * path.join(partitionDir(root, spec, { ticker: 'SPY', date: '2025-03-04' }), PARTITION_FILE);
 * ```
 */
export const PARTITION_FILE = 'part-0.parquet';

/**
 * A partition's hive keys: `ticker` (for datasets partitioned by ticker) and the `date`.
 *
 * @example
 * ```ts
 * const p: PartitionKey = { ticker: 'SPY', date: '2025-03-04' };
 * ```
 */
export interface PartitionKey {
  readonly ticker?: string;
  readonly date: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// Hive style escapes only what would break the path; `:` stays readable (O:SPY…, I:VIX) and DuckDB's
// hive partitioning reads it back unchanged.
function escapeValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[%/\\=\u0000-\u001f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function unescapeValue(v: string): string {
  return v.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * `<root>/<layer>/<name>`: the directory of a dataset.
 *
 * @example
 * ```ts
 * datasetDir('./data', rawDatasetSpecs.options); // 'data/raw/options'
 * ```
 */
export function datasetDir(root: string, spec: DatasetSpec): string {
  return path.join(root, spec.layer, spec.name);
}

/**
 * The hive-style directory of one partition.
 *
 * @throws SpyglassError `INVALID_ARGUMENT` when the date is not `YYYY-MM-DD`, or the ticker is missing
 *   (or present) against the dataset's partitioning.
 * @example
 * ```ts
 * partitionDir('./data', rawDatasetSpecs.stocks, { ticker: 'SPY', date: '2025-03-04' });
 * // 'data/raw/stocks/ticker=SPY/date=2025-03-04'
 * ```
 */
export function partitionDir(root: string, spec: DatasetSpec, p: PartitionKey): string {
  if (!DATE.test(p.date)) {
    throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': partition date '${p.date}' is not YYYY-MM-DD`, { details: { dataset: spec.name, date: p.date } });
  }
  const byTicker = spec.partitionBy[0] === 'ticker';
  if (byTicker && (p.ticker === undefined || p.ticker === '' || p.ticker === '.' || p.ticker === '..')) {
    throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}' is partitioned by ticker but got ticker '${p.ticker ?? ''}'`, { details: { dataset: spec.name } });
  }
  const dir = datasetDir(root, spec);
  return byTicker ? path.join(dir, `ticker=${escapeValue(p.ticker!)}`, `date=${p.date}`) : path.join(dir, `date=${p.date}`);
}

/** Parses `key=value` of one hive path segment, or undefined when the segment is not `key=…`. */
export function parseHiveSegment(segment: string, key: string): string | undefined {
  return segment.startsWith(`${key}=`) ? unescapeValue(segment.slice(key.length + 1)) : undefined;
}

/** True when `s` looks like a partition date. */
export function isPartitionDate(s: string): boolean {
  return DATE.test(s);
}
