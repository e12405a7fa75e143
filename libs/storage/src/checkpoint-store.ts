import { closeSync, fdatasync, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync, constants as fsc } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import type { FileLockOptions } from './file-lock.js';

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
  /**
   * Accepted for compatibility and ignored: appends need no lock (each is one `O_APPEND` write,
   * which the kernel never interleaves with another).
   */
  readonly lock?: FileLockOptions;
}

type DateState = { completedAt: number; meta?: Record<string, unknown> };

/** What has been read of one (job, ticker) log so far: reading resumes at `offset`. */
interface LogIndex {
  ino: number;
  offset: number;
  /** Entries of the log (legacy JSON file first, then log lines in order: later lines win). */
  dates: Map<string, DateState>;
  job: string;
  ticker: string;
}

// Every line starts with this (fixed key order), which is how a torn line left by a power cut is
// told apart from real damage.
const LINE_PREFIX = '{"date":';
const fdatasyncAsync = promisify(fdatasync);

// File names must not be able to escape the store, whatever a job or ticker is called.
function safeName(s: string, what: string): string {
  if (s === '') throw new SpyglassError('INVALID_ARGUMENT', `checkpoint ${what} must not be empty`, { details: { [what]: s } });
  return encodeURIComponent(s).replace(/\./g, '%2E');
}

function corrupt(file: string, why: string, cause?: unknown): SpyglassError {
  return new SpyglassError('CORRUPT_FILE', `${file}: checkpoint is damaged (${why})`, { cause, details: { file } });
}

/**
 * Which (job, ticker, date) units are done, so a restarted job skips them. One append-only log per
 * job and ticker (`<dir>/<job>/<ticker>.log`, one JSON line per completed date, fdatasync'd before
 * `markComplete` returns), so marking a date costs one small write whatever the length of the
 * backfill, and readers keep an in-memory index they extend by reading only the bytes appended since
 * (`isComplete` is a `stat` when nothing changed).
 *
 * Safety: each line is written by one `write(2)` on an `O_APPEND` descriptor, so a process killed
 * with SIGKILL has written the whole line or nothing, and parallel writers (workers of one job, even
 * of one ticker) never interleave or lose each other's lines. A power cut can leave an unsynced last
 * line torn; the reader ignores an unterminated last line and a torn line that a later writer
 * finished off with a newline, and reports anything else as `CORRUPT_FILE`. A `<ticker>.json` left
 * by earlier versions (one JSON object of every date) is still read, never rewritten.
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
  private readonly indexes = new Map<string, LogIndex>();
  /** Logs this instance has appended to: their tail was checked and their directory exists. */
  private readonly opened = new Set<string>();

  constructor(opts: CheckpointStoreOptions) {
    this.dir = opts.dir;
    this.clock = opts.clock ?? systemClock;
    this.fsync = opts.fsync ?? true;
  }

  private base(job: string, ticker: string): string {
    return path.join(this.dir, safeName(job, 'job'), safeName(ticker, 'ticker'));
  }

  /** True when (job, ticker, date) was marked complete. */
  async isComplete(job: string, ticker: string, date: string): Promise<boolean> {
    return this.index(this.base(job, ticker), job, ticker).dates.has(date);
  }

  /** The entry of (job, ticker, date) with its metadata, or undefined when it is not complete. */
  async get(job: string, ticker: string, date: string): Promise<CheckpointEntry | undefined> {
    const idx = this.index(this.base(job, ticker), job, ticker);
    const v = idx.dates.get(date);
    return v === undefined ? undefined : { job: idx.job, ticker: idx.ticker, date, completedAt: v.completedAt, ...(v.meta === undefined ? {} : { meta: v.meta }) };
  }

  /** Records (job, ticker, date) as complete, with optional metadata (row counts…); re-marking overwrites. */
  async markComplete(job: string, ticker: string, date: string, meta?: Record<string, unknown>): Promise<void> {
    const state: DateState = { completedAt: this.clock.now(), ...(meta === undefined ? {} : { meta }) };
    // Key order fixed, `date` first: see LINE_PREFIX.
    await this.append(job, ticker, date, `${JSON.stringify({ date, job, ticker, ...state })}\n`);
  }

  /**
   * Records several dates of (job, ticker) as complete at once: one append of all their lines and one
   * fdatasync, instead of one each (a backfill checkpoints a range of days together). A process
   * killed meanwhile has written all of the lines or none; a power cut may tear the last ones, which
   * the reader ignores, as with {@link markComplete}.
   *
   * @example
   * ```ts
   * await cp.markCompleteMany('backfill', 'SPY', [{ date: '2025-03-04', meta: { rows: 390 } }, { date: '2025-03-05' }]);
   * ```
   */
  async markCompleteMany(job: string, ticker: string, entries: ReadonlyArray<{ readonly date: string; readonly meta?: Record<string, unknown> }>): Promise<void> {
    if (entries.length === 0) return;
    const completedAt = this.clock.now();
    const text = entries.map(({ date, meta }) => `${JSON.stringify({ date, job, ticker, completedAt, ...(meta === undefined ? {} : { meta }) })}\n`).join('');
    await this.append(job, ticker, entries[0]!.date, text);
  }

  /**
   * Forgets (job, ticker, date) for each date (their data was purged): an appended `removed` line,
   * so the log stays append-only and a concurrent reader sees the removal in order.
   */
  async remove(job: string, ticker: string, dates: readonly string[]): Promise<void> {
    for (const date of dates) {
      if (!(await this.isComplete(job, ticker, date))) continue;
      await this.append(job, ticker, date, `${JSON.stringify({ date, job, ticker, completedAt: this.clock.now(), removed: true })}\n`);
    }
  }

  private async append(job: string, ticker: string, date: string, text: string): Promise<void> {
    const base = this.base(job, ticker);
    const file = `${base}.log`;
    let line = text;
    let created = false;
    let fd: number;
    try {
      if (!this.opened.has(file)) {
        mkdirSync(path.dirname(file), { recursive: true });
        try {
          fd = openSync(file, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_EXCL, 0o644);
          created = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          fd = openSync(file, fsc.O_RDWR | fsc.O_APPEND);
          // A torn last line (power cut) must not swallow this one: start on a fresh line.
          if (!endsWithNewline(fd)) line = `\n${line}`;
        }
        this.opened.add(file);
      } else {
        try {
          fd = openSync(file, fsc.O_WRONLY | fsc.O_APPEND);
        } catch (e) {
          // Reset (removed) by another instance or process since: start the log afresh.
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          this.opened.delete(file);
          return this.append(job, ticker, date, text);
        }
      }
    } catch (cause) {
      throw new SpyglassError('STORAGE', `${file}: cannot open checkpoint log (${(cause as Error).message})`, { cause, details: { file } });
    }
    try {
      const bytes = Buffer.from(line);
      // One write call for the whole line: appends of other writers land before or after it, never inside.
      const n = writeSync(fd, bytes);
      if (n !== bytes.length) throw new Error(`short write (${n} of ${bytes.length} bytes)`);
      if (this.fsync) await fdatasyncAsync(fd);
    } catch (cause) {
      // Part of the line may be in the file: the next append checks the tail again and starts a fresh line.
      this.opened.delete(file);
      throw new SpyglassError('STORAGE', `${file}: cannot append checkpoint (${(cause as Error).message})`, { cause, details: { file } });
    } finally {
      closeSync(fd);
    }
    // A new log is a new directory entry: make it durable too.
    if (created && this.fsync) await fsyncDir(path.dirname(file));
  }

  /** All entries, of one job or of every job, sorted by job, ticker and date. */
  async list(job?: string): Promise<CheckpointEntry[]> {
    const jobs = job === undefined ? await dirEntries(this.dir) : [safeName(job, 'job')];
    const out: CheckpointEntry[] = [];
    for (const j of jobs) {
      const bases = new Set<string>();
      for (const name of await dirEntries(path.join(this.dir, j))) {
        const m = /^(.*)\.(json|log)$/.exec(name);
        if (m) bases.add(m[1]);
      }
      for (const b of bases) {
        const idx = this.index(path.join(this.dir, j, b), decodeURIComponent(j), decodeURIComponent(b));
        for (const [date, v] of idx.dates) {
          out.push({ job: idx.job, ticker: idx.ticker, date, completedAt: v.completedAt, ...(v.meta === undefined ? {} : { meta: v.meta }) });
        }
      }
    }
    const key = (e: CheckpointEntry) => `${e.job}\u0000${e.ticker}\u0000${e.date}`;
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Forgets every checkpoint of a job (the next run redoes all its work). */
  async reset(job: string): Promise<void> {
    const dir = path.join(this.dir, safeName(job, 'job'));
    await rm(dir, { recursive: true, force: true });
    for (const k of this.indexes.keys()) if (path.dirname(k) === dir) this.indexes.delete(k);
    for (const k of this.opened) if (path.dirname(k) === dir) this.opened.delete(k);
  }

  /**
   * The index of one (job, ticker), brought up to date: a log that grew is read from where the last
   * read stopped, a log replaced or removed (reset by another process) is read again from the start.
   */
  private index(base: string, job: string, ticker: string): LogIndex {
    const file = `${base}.log`;
    let idx = this.indexes.get(base);
    let s: { ino: number; size: number } | undefined;
    try {
      s = statSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SpyglassError('STORAGE', `${file}: cannot stat (${(e as Error).message})`, { cause: e, details: { file } });
    }
    if (!idx || (s && (s.ino !== idx.ino || s.size < idx.offset)) || (!s && idx.offset > 0)) {
      idx = { ino: s?.ino ?? 0, offset: 0, dates: loadLegacy(`${base}.json`), job, ticker };
      this.indexes.set(base, idx);
    }
    if (s && s.size > idx.offset) this.readTail(file, idx);
    return idx;
  }

  private readTail(file: string, idx: LogIndex): void {
    let chunk: Buffer;
    try {
      const fd = openSync(file, 'r');
      try {
        const size = fstatSync(fd).size;
        chunk = Buffer.alloc(Math.max(0, size - idx.offset));
        let got = 0;
        while (got < chunk.length) {
          const n = readSync(fd, chunk, got, chunk.length - got, idx.offset + got);
          if (n === 0) break;
          got += n;
        }
        chunk = chunk.subarray(0, got);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new SpyglassError('STORAGE', `${file}: cannot read checkpoint (${(e as Error).message})`, { cause: e, details: { file } });
    }
    // Only whole lines: an unterminated tail is a line still being written (or torn) and is read later.
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) return;
    const lines = chunk.toString('utf8', 0, end).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i].replace(/\0+/g, '');
      if (text === '') continue;
      let rec: Record<string, unknown> | undefined;
      try {
        rec = JSON.parse(text) as Record<string, unknown>;
      } catch (cause) {
        // A power cut tore this line and a later writer started a fresh one after it: the date was
        // never acknowledged, so it is simply not complete.
        if (text.startsWith(LINE_PREFIX) || LINE_PREFIX.startsWith(text)) continue;
        throw corrupt(file, `line ${i + 1} after byte ${idx.offset} is not JSON`, cause);
      }
      if (typeof rec?.date !== 'string' || typeof rec.completedAt !== 'number') throw corrupt(file, `line ${i + 1} after byte ${idx.offset} lacks date or completedAt`);
      if (rec.removed === true) {
        idx.dates.delete(rec.date);
        continue;
      }
      const meta = rec.meta as Record<string, unknown> | undefined;
      idx.dates.set(rec.date, { completedAt: rec.completedAt, ...(meta === undefined ? {} : { meta }) });
      if (typeof rec.job === 'string') idx.job = rec.job;
      if (typeof rec.ticker === 'string') idx.ticker = rec.ticker;
    }
    idx.offset += end + 1;
  }
}

/** Dates of a `<ticker>.json` written by earlier versions, if there is one. */
function loadLegacy(file: string): Map<string, DateState> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new SpyglassError('STORAGE', `${file}: cannot read checkpoint (${(e as Error).message})`, { cause: e, details: { file } });
  }
  let parsed: { version?: unknown; dates?: Record<string, DateState> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
    if (parsed.version !== 1 || typeof parsed.dates !== 'object' || parsed.dates === null) throw new Error('unexpected layout');
  } catch (cause) {
    throw new SpyglassError('CORRUPT_FILE', `${file}: checkpoint is not valid JSON of version 1 (${(cause as Error).message})`, { cause, details: { file } });
  }
  return new Map(Object.entries(parsed.dates));
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0] === 0x0a;
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fdatasyncAsync(fd);
  } catch (cause) {
    throw new SpyglassError('STORAGE', `${dir}: cannot sync directory (${(cause as Error).message})`, { cause, details: { dir } });
  } finally {
    closeSync(fd);
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
