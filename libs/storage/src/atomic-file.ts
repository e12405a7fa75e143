import { randomBytes } from 'node:crypto';
import { closeSync, fsync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
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

const fsyncFd = promisify(fsync);

// Small, fast calls (open, write of a partition-sized buffer, close, rename) are made synchronously:
// through the promise API each costs a thread-pool round trip that, over thousands of partitions,
// cost more than the work. The fsyncs, which do wait on the disk, stay asynchronous so other
// partitions are encoded meanwhile.
async function fsyncPath(p: string, flags: string): Promise<void> {
  const fd = openSync(p, flags);
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
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
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      if (durable) await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    if (durable) await fsyncPath(dir, 'r');
  } catch (cause) {
    rmSync(tmp, { force: true });
    throw new SpyglassError('STORAGE', `${file}: atomic write failed (${(cause as Error).message})`, { cause, details: { file } });
  }
}

/**
 * Removes temp files left in `dir` by writers that died mid-write. Call only while holding the
 * directory's lock, so no live writer's temp file is touched.
 */
export function removeStaleTempFiles(dir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      rmSync(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
