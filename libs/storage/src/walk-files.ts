import { readdir, stat } from 'node:fs/promises';
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
  const visit = async (d: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(d)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new SpyglassError('STORAGE', `${d}: cannot list (${(e as Error).message})`, { cause: e, details: { dir: d } });
    }
    for (const name of names) {
      const p = path.join(d, name);
      const s = await stat(p).catch(() => undefined);
      if (!s) continue;
      if (s.isDirectory()) await visit(p);
      else if (s.isFile()) out.push({ path: p, bytes: s.size, mtimeMs: s.mtimeMs });
    }
  };
  await visit(dir);
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
