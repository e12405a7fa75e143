import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { SpyglassError } from '@spyglass/core';
import { parseHiveSegment } from './partition-path.js';

/**
 * A file found by {@link walkFiles}.
 *
 * @example
 * ```ts
 * const f: WalkedFile = { path: 'data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', bytes: 41_230, mtimeMs: 1741132800000 };
 * ```
 */
export interface WalkedFile {
  readonly path: string;
  readonly bytes: number;
  readonly mtimeMs: number;
}

/** Every regular file under `dir` (recursively, sorted by path); a missing `dir` yields nothing. */
export async function walkFiles(dir: string): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  // Synchronous calls: a data root holds thousands of small directories and files, and a
  // thread-pool round trip per readdir and stat cost more than the calls themselves.
  const visit = (d: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || (code === 'ENOTDIR' && d !== dir)) return;
      throw new SpyglassError('STORAGE', `${d}: cannot list (${(e as Error).message})`, { cause: e, details: { dir: d } });
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        visit(p);
        continue;
      }
      // Symlinks and unknown types are resolved as before (stat follows links).
      let s;
      try {
        s = statSync(p);
      } catch {
        continue; // removed meanwhile
      }
      if (s.isDirectory()) visit(p);
      else if (s.isFile()) out.push({ path: p, bytes: s.size, mtimeMs: s.mtimeMs });
    }
  };
  visit(dir);
  return out;
}

/** The (unescaped) value of a `key=value` segment of a hive path, if any. */
export function hiveValue(file: string, key: string): string | undefined {
  for (const seg of file.split(path.sep)) {
    const v = parseHiveSegment(seg, key);
    if (v !== undefined) return v;
  }
  return undefined;
}
