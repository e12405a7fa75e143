import { statSync } from 'node:fs';
import { SpyglassError } from '@spyglass/core';
import { readParquetInfo, type ParquetInfo } from './parquet-file.js';

/**
 * Size and modification time of a file, as `fs.stat` reports them.
 *
 * @example
 * ```ts
 * const v: FileVersion = { size: 41_230, mtimeMs: 1741132800000 };
 * ```
 */
export interface FileVersion {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Options of {@link ParquetInfoCache}.
 *
 * @example
 * ```ts
 * const opts: ParquetInfoCacheOptions = { maxEntries: 50_000 };
 * ```
 */
export interface ParquetInfoCacheOptions {
  /** Files remembered at most (default 100,000); the least recently used go first. */
  readonly maxEntries?: number;
}

/**
 * {@link readParquetInfo} remembered per file and version (size and mtime): partition files are
 * replaced by rename, which changes both, so a refresh of a dashboard or space report re-reads only
 * the footers of files written since. Unreadable files are not remembered (they are re-tried).
 *
 * @example
 * ```ts
 * const cache = new ParquetInfoCache();
 * const report = await spaceReport({ root: './data', cache }); // reads every footer
 * const again = await spaceReport({ root: './data', cache });  // reads none that did not change
 * ```
 */
export class ParquetInfoCache {
  private readonly max: number;
  private readonly entries = new Map<string, { version: string; info: ParquetInfo }>();

  constructor(opts: ParquetInfoCacheOptions = {}) {
    this.max = Math.max(1, opts.maxEntries ?? 100_000);
  }

  /** Files remembered now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The footer info of `file`, from memory when `version` (stat'ed when omitted) is the one read.
   *
   * @throws SpyglassError as {@link readParquetInfo}: `CORRUPT_FILE`, `NOT_FOUND`, `STORAGE`.
   */
  async read(file: string, version?: FileVersion): Promise<ParquetInfo> {
    const v = version ?? statOf(file);
    const key = `${v.size}:${v.mtimeMs}`;
    const hit = this.entries.get(file);
    if (hit?.version === key) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(file);
      this.entries.set(file, hit);
      return hit.info;
    }
    const info = await readParquetInfo(file);
    this.entries.delete(file);
    this.entries.set(file, { version: key, info });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return info;
  }
}

function statOf(file: string): FileVersion {
  try {
    return statSync(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'STORAGE';
    throw new SpyglassError(code, `${file}: cannot stat (${(cause as Error).message})`, { cause, details: { file } });
  }
}
