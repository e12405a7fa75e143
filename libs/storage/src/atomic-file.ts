import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { SpyglassError } from '@spyglass/core';

/** Suffix of in-flight temp files; readers ignore them and the next writer of the directory removes them. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Options of {@link writeFileAtomic}.
 *
 * @example
 * ```ts
 * const opts: AtomicWriteOptions = { fsync: false }; // tests and benchmarks of throughput without durability
 * ```
 */
export interface AtomicWriteOptions {
  /** fsync the temp file before the rename and the directory after it (default true). */
  readonly fsync?: boolean;
}

async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Writes `data` to `file` so that readers see either the old or the new content, never a part:
 * a temp file in the same directory, fsync, rename over the target, fsync of the directory (so the
 * rename itself survives a power cut). A process killed at any point leaves the old file intact.
 *
 * @throws SpyglassError `STORAGE` naming the file when the disk refuses.
 * @example
 * ```ts
 * await writeFileAtomic('data/checkpoints/backfill/SPY.json', JSON.stringify(state));
 * ```
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  const durable = opts.fsync !== false;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      if (durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    if (durable) await fsyncDir(dir);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new SpyglassError('STORAGE', `${file}: atomic write failed (${(cause as Error).message})`, { cause, details: { file } });
  }
}

/**
 * Removes temp files left in `dir` by writers that died mid-write. Call only while holding the
 * directory's lock, so no live writer's temp file is touched.
 */
export async function removeStaleTempFiles(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      await rm(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
