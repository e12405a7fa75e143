import { randomBytes } from 'node:crypto';
import { closeSync, fsync, linkSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { link, open, rename } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive, SpyglassError } from '@spyglass/core';

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
  /**
   * With `fsync`: fsync the directory after the rename (default true). False leaves that to the
   * caller, who syncs each directory once after a batch of files (see {@link fsyncDir}); the file's
   * content is fsync'd before it is linked in either way.
   */
  readonly syncDir?: boolean;
  /**
   * {@link createFileAtomic} only: create and write the temp file and link it through the thread
   * pool instead of synchronous calls (default false). Those calls wait behind other writers'
   * fsyncs committing the journal; when the caller has other work for the event loop meanwhile (a
   * backfill parsing and encoding other days), not blocking it is faster.
   */
  readonly nonBlocking?: boolean;
}

const fsyncFd = promisify(fsync);

// Creating, writing and renaming a file take microseconds each, so through the promise API a
// thread-pool round trip per call costs more than the call when thousands of new partitions are
// written (createFileAtomic: synchronous calls). But a create or rename waits while other writers'
// fsyncs commit the file system's journal (milliseconds, measured here), which stalled the event
// loop when a streaming flush rewrote a hundred partitions (writeFileAtomic: asynchronous calls,
// 20-25 % faster there). The fsyncs are always asynchronous.
async function fsyncPath(p: string, flags: string): Promise<void> {
  const fd = openSync(p, flags);
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

function tempPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Writes a new temp file with `data` (fsync'd when durable) and returns its path. `blocking` makes
 * the create and write synchronous calls (see the note above for when each way is faster).
 */
async function writeTemp(file: string, data: Uint8Array | string, durable: boolean, blocking: boolean): Promise<string> {
  const tmp = tempPath(file);
  try {
    return await fillTemp(tmp, data, durable, blocking);
  } catch (e) {
    // Disk full half-way (ENOSPC), I/O error: the caller never learns the name, so remove it here.
    rmSync(tmp, { force: true });
    throw e;
  }
}

async function fillTemp(tmp: string, data: Uint8Array | string, durable: boolean, blocking: boolean): Promise<string> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  if (blocking) {
    const fd = openSync(tmp, 'w');
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      if (durable) await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    return tmp;
  }
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    if (durable) await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
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
  const durable = opts.fsync !== false;
  let tmp: string | undefined;
  try {
    tmp = await writeTemp(file, data, durable, false);
    await rename(tmp, file);
    if (durable && opts.syncDir !== false) await fsyncPath(dir, 'r');
  } catch (cause) {
    if (tmp !== undefined) rmSync(tmp, { force: true });
    throw new SpyglassError('STORAGE', `${file}: atomic write failed (${(cause as Error).message})`, { cause, details: { file } });
  }
}

/**
 * Outcome of {@link createFileAtomic}.
 *
 * @example
 * ```ts
 * const r: CreateOutcome = await createFileAtomic(file, bytes); // 'created' | 'exists' | 'no-links'
 * ```
 */
export type CreateOutcome = 'created' | 'exists' | 'no-links';

// Errors of link(2) on file systems without hard links (some FUSE, SMB and exFAT mounts).
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);

/**
 * Like {@link writeFileAtomic} but only when `file` does not exist: the complete temp file is
 * hard-linked to the target, which fails if anything (another writer) created it meanwhile, so
 * an existing file is never replaced and no lock is needed to create one. `exists`: nothing
 * written, the file is there. `no-links`: nothing written, the file system has no hard links (the
 * caller then creates the file under its lock with writeFileAtomic).
 */
export async function createFileAtomic(file: string, data: Uint8Array | string, opts: AtomicWriteOptions = {}): Promise<CreateOutcome> {
  const dir = path.dirname(file);
  const durable = opts.fsync !== false;
  let tmp: string | undefined;
  try {
    tmp = await writeTemp(file, data, durable, opts.nonBlocking !== true);
    try {
      if (opts.nonBlocking) await link(tmp, file);
      else linkSync(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return 'exists';
      if (NO_LINKS.has(code)) return 'no-links';
      throw e;
    }
    rmSync(tmp, { force: true });
    tmp = undefined;
    if (durable && opts.syncDir !== false) await fsyncPath(dir, 'r');
    return 'created';
  } catch (cause) {
    throw new SpyglassError('STORAGE', `${file}: atomic create failed (${(cause as Error).message})`, { cause, details: { file } });
  } finally {
    if (tmp !== undefined) rmSync(tmp, { force: true });
  }
}

/** fsyncs a directory, so entries just created in it survive a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    await fsyncPath(dir, 'r');
  } catch (cause) {
    throw new SpyglassError('STORAGE', `${dir}: cannot sync directory (${(cause as Error).message})`, { cause, details: { dir } });
  }
}

/**
 * Removes temp files left in `dir` by writers that died mid-write: those whose process (the pid in
 * the name) is gone. A live writer's temp file is never touched: files are created without the
 * lock (see {@link createFileAtomic}), so holding the lock does not mean no one else is writing.
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
      const pid = Number(/\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) continue;
      rmSync(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
