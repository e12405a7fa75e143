import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A token of a data root's modification state: the modification times of its directories down to
 * `depth` levels (datasets, tickers, partitions) and of the files directly in them. Writers rename
 * a new file into a partition directory, which changes that directory's mtime, so any write,
 * purge or new partition changes the token; reading never does.
 *
 * @example
 * ```ts
 * const before = await dataState('data');
 * // … a backfill writes …
 * (await dataState('data')) !== before; // true
 * ```
 */
export async function dataState(root: string, depth = 5): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      parts.push(`${dir}:absent`);
      return;
    }
    const s = await stat(dir).catch(() => null);
    parts.push(`${dir}:${s?.mtimeMs ?? 0}:${entries.length}`);
    if (level >= depth) return;
    await Promise.all(
      entries.map(async (e) => {
        const p = join(dir, e.name);
        if (e.isDirectory()) return walk(p, level + 1);
        if (e.isFile() && !e.name.endsWith('.parquet')) {
          // Parquet files arrive by rename (the directory's mtime says so); reports and quarantine
          // logs may be rewritten or appended in place, so their own mtime and size count.
          const f = await stat(p).catch(() => null);
          parts.push(`${p}:${f?.mtimeMs ?? 0}:${f?.size ?? 0}`);
        }
      }),
    );
  };
  await walk(root, 0);
  return createHash('sha1').update(parts.sort().join('\n')).digest('hex');
}
