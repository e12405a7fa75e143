import { randomBytes } from 'node:crypto';
import { closeSync, fdatasync, fsync, linkSync, openSync, readdirSync, rmSync, writeSync, writevSync } from 'node:fs';
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
const fdatasyncFd = promisify(fdatasync);

/**
 * Content produced while it is written: called once per write with a function taking the bytes in
 * order (a Parquet encoder hands over each page as it is encoded). May throw: then nothing is
 * linked or renamed into place and the temp file is removed.
 *
 * @example
 * ```ts
 * const content: StreamedContent = (write) => {
 *   for (const line of ['a,b\n', '1,2\n']) write(new TextEncoder().encode(line));
 * };
 * await writeFileAtomic('data/export.csv', content);
 * ```
 */
export type StreamedContent = (write: (chunk: Uint8Array) => void) => void;

/** What {@link writeFileAtomic} and {@link createFileAtomic} write: bytes, text, or bytes produced meanwhile. */
export type FileContent = Uint8Array | string | StreamedContent;

/** Small chunks are gathered up to this many bytes into one writev. */
const GATHER_BYTES = 1 << 20;
/** A data sync is started on the thread pool after every this many bytes handed to the kernel. */
const SYNC_EVERY_BYTES = 4 << 20;

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
async function writeTemp(file: string, data: FileContent, durable: boolean, blocking: boolean): Promise<string> {
  const tmp = tempPath(file);
  try {
    return await fillTemp(tmp, data, durable, blocking);
  } catch (e) {
    // Disk full half-way (ENOSPC), I/O error: the caller never learns the name, so remove it here.
    rmSync(tmp, { force: true });
    throw e;
  }
}

async function fillTemp(tmp: string, data: FileContent, durable: boolean, blocking: boolean): Promise<string> {
  if (typeof data === 'function') return fillStreamed(tmp, data, durable, blocking);
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
 * Writes streamed content to a new temp file as it is produced. The produce call is synchronous
 * (encoding), so with `durable` an fdatasync is started on the thread pool after every few MB
 * handed to the kernel: the disk writes back the first pages while the next are encoded, and the
 * final fsync (before the caller links or renames the file into place) finds little left to do.
 * Every sync has finished, and the descriptor is closed, before this settles, whatever happened.
 */
async function fillStreamed(tmp: string, produce: StreamedContent, durable: boolean, blocking: boolean): Promise<string> {
  const fh = blocking ? undefined : await open(tmp, 'w');
  const fd = fh ? fh.fd : openSync(tmp, 'w');
  const syncs: Array<Promise<void>> = [];
  try {
    writeContentSync(fd, produce, durable ? syncs : undefined);
    await Promise.all(syncs);
    if (durable) await fsyncFd(fd);
  } finally {
    // A data sync still running must not see its descriptor closed (and its number reused).
    await Promise.allSettled(syncs);
    if (fh) await fh.close();
    else closeSync(fd);
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
export async function writeFileAtomic(file: string, data: FileContent, opts: AtomicWriteOptions = {}): Promise<void> {
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
export async function createFileAtomic(file: string, data: FileContent, opts: AtomicWriteOptions = {}): Promise<CreateOutcome> {
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

/**
 * New files written by {@link stageNewFiles}, waiting to be linked into place by `commit`.
 *
 * @example
 * ```ts
 * const outcomes: CreateOutcome[] = await (await stageNewFiles([{ file, content: bytes }])).commit();
 * ```
 */
export interface StagedFiles {
  /**
   * Waits for the data syncs started at staging, then links each temp file to its target as
   * {@link createFileAtomic} does (never replacing an existing file) and removes the temp files.
   * Outcomes in the order staged. Directories are not synced: the caller syncs each once.
   */
  commit(): Promise<CreateOutcome[]>;
}

/**
 * Writes the temp files of several new files now (synchronous calls, content streamed) and starts
 * their fsyncs on the thread pool together, without waiting: the caller encodes the next files
 * while the disk syncs these, and many syncs share one journal commit instead of queuing one
 * after another behind the file creations. Nothing is visible under the targets' names until
 * `commit`, and then only files whose data is durable (with `fsync`).
 *
 * @throws SpyglassError `STORAGE` naming the file when the disk refuses (the temp files made so
 *   far are removed).
 */
export async function stageNewFiles(items: ReadonlyArray<{ readonly file: string; readonly content: FileContent }>, opts: Pick<AtomicWriteOptions, 'fsync'> = {}): Promise<StagedFiles> {
  const durable = opts.fsync !== false;
  const staged: Array<{ file: string; tmp: string; fd: number }> = [];
  const early: Array<Promise<void>> = [];
  const cleanup = () => {
    for (const t of staged) {
      closeQuietly(t.fd);
      rmSync(t.tmp, { force: true });
    }
  };
  let current = '';
  try {
    for (const { file, content } of items) {
      current = file;
      const tmp = tempPath(file);
      const fd = openSync(tmp, 'w');
      staged.push({ file, tmp, fd });
      writeContentSync(fd, content, durable ? early : undefined);
    }
  } catch (cause) {
    // Data syncs still running must not see their descriptors closed (and the numbers reused).
    await Promise.allSettled(early);
    cleanup();
    throw new SpyglassError('STORAGE', `${current}: atomic create failed (${(cause as Error).message})`, { cause, details: { file: current } });
  }
  // Final fsyncs after the data syncs started while writing (those made them cheap).
  const each = durable ? [...early, ...staged.map((t) => fsyncFd(t.fd))] : [];
  const syncs = Promise.all(each);
  // Observed at once: a failed sync is reported by commit, not as an unhandled rejection.
  syncs.catch(() => undefined);
  return {
    async commit(): Promise<CreateOutcome[]> {
      const outcomes: CreateOutcome[] = [];
      try {
        await syncs;
      } catch (cause) {
        // Every sync has finished before its descriptor is closed (and its number reused).
        await Promise.allSettled(each);
        cleanup();
        throw new SpyglassError('STORAGE', `${staged[0]?.file ?? ''}: atomic create failed (${(cause as Error).message})`, { cause, details: { file: staged[0]?.file } });
      }
      for (const t of staged) closeQuietly(t.fd);
      try {
        for (const t of staged) {
          current = t.file;
          try {
            linkSync(t.tmp, t.file);
            outcomes.push('created');
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? '';
            if (code === 'EEXIST') outcomes.push('exists');
            else if (NO_LINKS.has(code)) outcomes.push('no-links');
            else throw e;
          }
          rmSync(t.tmp, { force: true });
        }
      } catch (cause) {
        for (const t of staged) rmSync(t.tmp, { force: true });
        throw new SpyglassError('STORAGE', `${current}: atomic create failed (${(cause as Error).message})`, { cause, details: { file: current } });
      }
      return outcomes;
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/**
 * Writes content to an open descriptor with synchronous calls, small chunks gathered into writevs.
 * With `syncs`, streamed content gets an fdatasync started on the thread pool after every few MB
 * handed to the kernel (pushed to `syncs`): the content is produced synchronously (encoding), so
 * the disk writes back the first pages while the next are encoded, and the final fsync (before
 * the file is linked or renamed into place) finds little left to do.
 */
function writeContentSync(fd: number, content: FileContent, syncs?: Array<Promise<void>>): void {
  if (typeof content !== 'function') {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    return;
  }
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let sinceSync = 0;
  const flush = () => {
    let chunks = pending;
    let left = pendingBytes;
    pending = [];
    pendingBytes = 0;
    while (left > 0) {
      const n = chunks.length === 1 ? writeSync(fd, chunks[0]!) : writevSync(fd, chunks);
      left -= n;
      if (left > 0) chunks = [Buffer.concat(chunks).subarray(n)];
    }
    if (syncs && sinceSync >= SYNC_EVERY_BYTES) {
      sinceSync = 0;
      const sync = fdatasyncFd(fd);
      // Observed at once: a failure is reported where the syncs are awaited, not as unhandled.
      sync.catch(() => undefined);
      syncs.push(sync);
    }
  };
  content((chunk) => {
    if (chunk.length === 0) return;
    pending.push(chunk);
    pendingBytes += chunk.length;
    sinceSync += chunk.length;
    if (pendingBytes >= GATHER_BYTES) flush();
  });
  flush();
}

/**
 * fsyncs a directory, so entries just created in it survive a power cut. Opened through the thread
 * pool: an open waits while other fsyncs commit the file system's journal, and thousands of
 * partition directories are synced at once after a write.
 */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
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
