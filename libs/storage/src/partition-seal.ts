import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isSpyglassError } from '@spyglass/core';
import { readParquetInfo } from './parquet-file.js';

/**
 * What a checkpoint vouches for: the partition file a completed unit wrote (path relative to the
 * data root, so a moved root still verifies), its row count from the Parquet footer, its size and
 * its SHA-256.
 *
 * @example
 * ```ts
 * const seal: PartitionSeal = { file: 'raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', rows: 390, bytes: 41_200, sha256: 'ab12…' };
 * ```
 */
export interface PartitionSeal {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Why a partition no longer matches its seal.
 *
 * @example
 * ```ts
 * const p: SealProblem = { kind: 'changed', file: 'data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', reason: 'size 120 bytes, sealed 41200' };
 * ```
 */
export interface SealProblem {
  readonly kind: 'missing' | 'corrupt' | 'changed';
  /** The file as found on disk (root joined). */
  readonly file: string;
  readonly reason: string;
}

/**
 * Seals the partition file `file` (relative to `root`) as it is now; undefined when there is none
 * (a day whose records were all quarantined, or an empty day).
 *
 * @example
 * ```ts
 * const seal = await sealPartition('./data', 'raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet');
 * ```
 */
export async function sealPartition(root: string, file: string): Promise<PartitionSeal | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(root, file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const info = await readParquetInfo(path.join(root, file));
  return { file, rows: info.rows, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Checks a partition against its seal: present, a readable Parquet footer, the sealed row count,
 * size and hash. Returns undefined when it matches.
 *
 * @example
 * ```ts
 * const problem = await checkSeal('./data', seal);
 * if (problem) console.warn(`${problem.file}: ${problem.kind} (${problem.reason})`);
 * ```
 */
export async function checkSeal(root: string, seal: PartitionSeal): Promise<SealProblem | undefined> {
  const file = path.join(root, seal.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', file, reason: 'the file is gone' };
    return { kind: 'corrupt', file, reason: (e as Error).message };
  }
  let rows: number;
  try {
    rows = (await readParquetInfo(file)).rows;
  } catch (e) {
    if (!isSpyglassError(e)) throw e;
    return { kind: 'corrupt', file, reason: e.message.replace(`${file}: `, '') };
  }
  if (rows !== seal.rows) return { kind: 'changed', file, reason: `${rows} rows, sealed ${seal.rows}` };
  if (bytes.length !== seal.bytes) return { kind: 'changed', file, reason: `${bytes.length} bytes, sealed ${seal.bytes}` };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== seal.sha256) return { kind: 'changed', file, reason: 'content hash differs from the sealed one' };
  return undefined;
}

/**
 * Reads a seal out of a checkpoint's metadata (undefined for checkpoints written before seals, or
 * for a unit that wrote nothing).
 *
 * @example
 * ```ts
 * const seal = sealOfMeta(entry.meta);
 * ```
 */
export function sealOfMeta(meta: Readonly<Record<string, unknown>> | undefined): PartitionSeal | undefined {
  const p = meta?.partition as Partial<PartitionSeal> | undefined | null;
  if (!p || typeof p.file !== 'string' || typeof p.rows !== 'number' || typeof p.bytes !== 'number' || typeof p.sha256 !== 'string') return undefined;
  return { file: p.file, rows: p.rows, bytes: p.bytes, sha256: p.sha256 };
}
