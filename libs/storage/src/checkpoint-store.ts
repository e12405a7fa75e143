import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { writeFileAtomic } from './atomic-file.js';
import { FileLock, type FileLockOptions } from './file-lock.js';

/**
 * One completed unit of work.
 *
 * @example
 * ```ts
 * const e: CheckpointEntry = { job: 'backfill-stocks', ticker: 'SPY', date: '2025-03-04', completedAt: 1741132800000, meta: { rows: 390 } };
 * ```
 */
export interface CheckpointEntry {
  readonly job: string;
  readonly ticker: string;
  readonly date: string;
  /** When it was marked complete (UTC epoch ms, from the store's clock). */
  readonly completedAt: number;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/**
 * Options of {@link CheckpointStore}.
 *
 * @example
 * ```ts
 * const opts: CheckpointStoreOptions = { dir: './data/checkpoints', clock: new ManualClock(0) };
 * ```
 */
export interface CheckpointStoreOptions {
  /** Directory of the store, e.g. `<root>/checkpoints`. */
  readonly dir: string;
  readonly clock?: Clock;
  /** fsync each checkpoint (default true). */
  readonly fsync?: boolean;
  readonly lock?: FileLockOptions;
}

interface CheckpointFile {
  version: 1;
  job: string;
  ticker: string;
  dates: Record<string, { completedAt: number; meta?: Record<string, unknown> }>;
}

// File names must not be able to escape the store, whatever a job or ticker is called.
function safeName(s: string, what: string): string {
  if (s === '') throw new SpyglassError('INVALID_ARGUMENT', `checkpoint ${what} must not be empty`, { details: { [what]: s } });
  return encodeURIComponent(s).replace(/\./g, '%2E');
}

/**
 * Which (job, ticker, date) units are done, so a restarted job skips them. One JSON file per job
 * and ticker (`<dir>/<job>/<ticker>.json`), replaced atomically (temp file, fsync, rename) under a
 * lock file: a process killed with SIGKILL at any moment leaves either the previous or the new
 * checkpoint, and parallel workers of one job (one ticker each, or even the same ticker) do not
 * lose each other's updates.
 *
 * @example
 * ```ts
 * const cp = new CheckpointStore({ dir: './data/checkpoints' });
 * if (!(await cp.isComplete('backfill', 'SPY', '2025-03-04'))) {
 *   await fetchAndStore('SPY', '2025-03-04');
 *   await cp.markComplete('backfill', 'SPY', '2025-03-04', { rows: 390 });
 * }
 * ```
 */
export class CheckpointStore {
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly fsync: boolean;
  private readonly lock: FileLock;

  constructor(opts: CheckpointStoreOptions) {
    this.dir = opts.dir;
    this.clock = opts.clock ?? systemClock;
    this.fsync = opts.fsync ?? true;
    // The lock waits in real time: a test's manual clock stamps checkpoints but must not stall lock polling.
    this.lock = new FileLock(opts.lock);
  }

  private file(job: string, ticker: string): string {
    return path.join(this.dir, safeName(job, 'job'), `${safeName(ticker, 'ticker')}.json`);
  }

  private async load(file: string): Promise<CheckpointFile | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SpyglassError('STORAGE', `${file}: cannot read checkpoint (${(e as Error).message})`, { cause: e, details: { file } });
    }
    try {
      const parsed = JSON.parse(text) as CheckpointFile;
      if (parsed.version !== 1 || typeof parsed.dates !== 'object' || parsed.dates === null) throw new Error('unexpected layout');
      return parsed;
    } catch (cause) {
      throw new SpyglassError('CORRUPT_FILE', `${file}: checkpoint is not valid JSON of version 1 (${(cause as Error).message})`, { cause, details: { file } });
    }
  }

  /** True when (job, ticker, date) was marked complete. */
  async isComplete(job: string, ticker: string, date: string): Promise<boolean> {
    const cp = await this.load(this.file(job, ticker));
    return cp !== undefined && Object.prototype.hasOwnProperty.call(cp.dates, date);
  }

  /** Records (job, ticker, date) as complete, with optional metadata (row counts…); re-marking overwrites. */
  async markComplete(job: string, ticker: string, date: string, meta?: Record<string, unknown>): Promise<void> {
    const file = this.file(job, ticker);
    await mkdir(path.dirname(file), { recursive: true });
    await this.lock.run(`${file}.lock`, async () => {
      const cp: CheckpointFile = (await this.load(file)) ?? { version: 1, job, ticker, dates: {} };
      cp.dates[date] = { completedAt: this.clock.now(), ...(meta === undefined ? {} : { meta }) };
      await writeFileAtomic(file, JSON.stringify(cp), { fsync: this.fsync });
    });
  }

  /** All entries, of one job or of every job, sorted by job, ticker and date. */
  async list(job?: string): Promise<CheckpointEntry[]> {
    const jobs = job === undefined ? await dirEntries(this.dir) : [safeName(job, 'job')];
    const out: CheckpointEntry[] = [];
    for (const j of jobs) {
      for (const name of await dirEntries(path.join(this.dir, j))) {
        if (!name.endsWith('.json')) continue;
        const cp = await this.load(path.join(this.dir, j, name));
        if (!cp) continue;
        for (const [date, v] of Object.entries(cp.dates)) {
          out.push({ job: cp.job, ticker: cp.ticker, date, completedAt: v.completedAt, ...(v.meta === undefined ? {} : { meta: v.meta }) });
        }
      }
    }
    const key = (e: CheckpointEntry) => `${e.job}\u0000${e.ticker}\u0000${e.date}`;
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Forgets every checkpoint of a job (the next run redoes all its work). */
  async reset(job: string): Promise<void> {
    await rm(path.join(this.dir, safeName(job, 'job')), { recursive: true, force: true });
  }
}

async function dirEntries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `${dir}: cannot list (${(e as Error).message})`, { cause: e, details: { dir } });
  }
}
