import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { SpyglassError, dataRootLayout, nyDate, type DataRootLayout } from '@spyglass/core';
import { hiveValue, walkFiles } from './walk-files.js';

/**
 * Data categories with their own retention, each a directory under the data root.
 *
 * @example
 * ```ts
 * const c: PurgeCategory = 'checkpoints'; // <root>/checkpoints
 * ```
 */
export type PurgeCategory = 'raw' | 'processed' | 'metrics' | 'schema_drift' | 'checkpoints' | 'heartbeat';

/** Every {@link PurgeCategory}; its directory is the data-root layout's (core `dataRootLayout`). */
export const PURGE_CATEGORIES: readonly PurgeCategory[] = ['raw', 'processed', 'metrics', 'schema_drift', 'checkpoints', 'heartbeat'];

const CATEGORY_DIR: Record<PurgeCategory, (at: DataRootLayout) => string> = {
  raw: (at) => at.raw,
  processed: (at) => at.processed,
  metrics: (at) => at.metrics,
  schema_drift: (at) => at.schemaDrift,
  checkpoints: (at) => at.checkpoints,
  heartbeat: (at) => at.heartbeats,
};

const categoryDir = (opts: PurgeOptions, category: PurgeCategory): string => {
  const override = opts.dirs?.[category];
  return override === undefined ? CATEGORY_DIR[category](dataRootLayout(opts.root)) : path.join(opts.root, override);
};

/**
 * Options of {@link purge}.
 *
 * @example
 * ```ts
 * const opts: PurgeOptions = { root: './data', retentionDays: { raw: 365, checkpoints: 30 }, patterns: ['*.parquet'], dryRun: false };
 * ```
 */
export interface PurgeOptions {
  readonly root: string;
  /** Days to keep per category; a category left out (or `Infinity`) is never purged. */
  readonly retentionDays: Partial<Record<PurgeCategory, number>>;
  /** File-name globs (`*`, `?`); when given, only matching files are candidates. */
  readonly patterns?: readonly string[];
  /** Report without deleting (default true: deleting needs an explicit `dryRun: false`). */
  readonly dryRun?: boolean;
  /** "Now" in UTC epoch ms (default `Date.now()`), injectable for tests. */
  readonly now?: number;
  /** Directory per category relative to the root, when it differs from the category name. */
  readonly dirs?: Partial<Record<PurgeCategory, string>>;
}

/**
 * A file selected for deletion and why.
 *
 * @example
 * ```ts
 * const f: PurgedFile = { path: 'data/raw/stocks/ticker=SPY/date=2024-01-02/part-0.parquet', category: 'raw', bytes: 40_000, age: 'partition date 2024-01-02 < 2025-01-02' };
 * ```
 */
export interface PurgedFile {
  readonly path: string;
  readonly category: PurgeCategory;
  readonly bytes: number;
  /** What made it old: its partition date or its modification time. */
  readonly age: string;
}

/**
 * What {@link purge} deleted (or, in a dry run, would delete).
 *
 * @example
 * ```ts
 * const s: PurgeSummary = await purge({ root: './data', retentionDays: { raw: 365 } });
 * console.log(`${s.dryRun ? 'would free' : 'freed'} ${s.totalBytes} bytes in ${s.totalFiles} files`);
 * ```
 */
export interface PurgeSummary {
  readonly dryRun: boolean;
  readonly now: number;
  readonly files: readonly PurgedFile[];
  readonly byCategory: Readonly<Record<PurgeCategory, { files: number; bytes: number; cutoff?: string }>>;
  readonly totalFiles: number;
  readonly totalBytes: number;
  /** Directories removed because the purge emptied them (none in a dry run). */
  readonly removedDirs: readonly string[];
}

const DAY = 86_400_000;

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Deletes data older than its category's retention. Files inside a hive `date=YYYY-MM-DD`
 * partition age by that date (the data's New York date: a backfill of old days is old data even if
 * written today); other files age by modification time. Lock files and schema baselines are never
 * touched. Dry run by default; emptied partition directories are removed.
 *
 * @throws SpyglassError `INVALID_ARGUMENT` for a negative or non-numeric retention.
 * @example
 * ```ts
 * const preview = await purge({ root: './data', retentionDays: { raw: 365, processed: 365, metrics: 30, schema_drift: 90, checkpoints: 30, heartbeat: 7 } });
 * if (preview.totalFiles > 0) await purge({ root: './data', retentionDays: { raw: 365 }, dryRun: false });
 * ```
 */
export async function purge(opts: PurgeOptions): Promise<PurgeSummary> {
  const dryRun = opts.dryRun ?? true;
  const now = opts.now ?? Date.now();
  const patterns = opts.patterns?.map(globToRegExp);
  const files: PurgedFile[] = [];
  const byCategory = {} as Record<PurgeCategory, { files: number; bytes: number; cutoff?: string }>;
  for (const category of PURGE_CATEGORIES) {
    byCategory[category] = { files: 0, bytes: 0 };
    const days = opts.retentionDays[category];
    if (days === undefined || days === Infinity) continue;
    if (typeof days !== 'number' || Number.isNaN(days) || days < 0) {
      throw new SpyglassError('INVALID_ARGUMENT', `purge: retentionDays.${category} must be a number ≥ 0, got ${String(days)}`, { details: { category, days } });
    }
    const cutoffMs = now - days * DAY;
    // Data of date D is older than the retention when D is before the New York date of the cutoff.
    const cutoffDate = nyDate(cutoffMs);
    byCategory[category].cutoff = cutoffDate;
    const dir = categoryDir(opts, category);
    for (const f of await walkFiles(dir)) {
      const name = path.basename(f.path);
      if (name === '.lock' || name.endsWith('.lock')) continue;
      if (patterns && !patterns.some((p) => p.test(name))) continue;
      const date = hiveValue(f.path, 'date');
      let age: string | undefined;
      if (date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
        if (date < cutoffDate) age = `partition date ${date} < ${cutoffDate}`;
      } else if (f.mtimeMs < cutoffMs) {
        age = `modified ${new Date(f.mtimeMs).toISOString()} < ${new Date(cutoffMs).toISOString()}`;
      }
      if (age === undefined) continue;
      files.push({ path: f.path, category, bytes: f.bytes, age });
      byCategory[category].files++;
      byCategory[category].bytes += f.bytes;
    }
  }
  const removedDirs: string[] = [];
  if (!dryRun) {
    const parents = new Set<string>();
    for (const f of files) {
      await rm(f.path, { force: true });
      parents.add(path.dirname(f.path));
    }
    for (const category of PURGE_CATEGORIES) {
      const top = path.resolve(categoryDir(opts, category));
      for (const p of parents) {
        // Walk up while the directory is empty, stopping at the category root. A directory holding a
        // lock file is left alone: a writer may be about to put a partition there.
        let d = path.resolve(p);
        while (d.startsWith(top + path.sep)) {
          const left = await readdir(d).catch(() => undefined);
          if (left === undefined || left.length > 0) break;
          await rmdir(d).catch(() => undefined);
          removedDirs.push(d);
          d = path.dirname(d);
        }
      }
    }
  }
  return {
    dryRun, now, files, byCategory,
    totalFiles: files.length,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    removedDirs,
  };
}
