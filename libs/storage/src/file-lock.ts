import { hostname } from 'node:os';
import { readFileSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isProcessAlive, SpyglassError, systemClock, type Clock } from '@spyglass/core';

/**
 * Options of {@link FileLock}.
 *
 * @example
 * ```ts
 * const opts: FileLockOptions = { timeoutMs: 60_000, staleMs: 10 * 60_000, pollMs: 25 };
 * ```
 */
export interface FileLockOptions {
  /** Give up after waiting this long (default 120 s). */
  readonly timeoutMs?: number;
  /** A lock older than this is considered abandoned even if its pid seems alive (default 10 min). */
  readonly staleMs?: number;
  /** Wait between attempts (default 20 ms). */
  readonly pollMs?: number;
  readonly clock?: Clock;
}

interface LockBody {
  pid: number;
  host: string;
  at: number;
  token: string;
}

const UNREADABLE_GRACE_MS = 5_000;

// Serialises holders inside this process; the lock file serialises processes.
const inProcess = new Map<string, Promise<void>>();

/**
 * A lock on a path shared by threads of this process and by other processes: an in-process queue,
 * then a lock file created with O_EXCL holding pid, host and time. A lock whose process is dead (on
 * this host) or that is older than `staleMs` is broken, so a writer killed with SIGKILL does not
 * block the partition forever.
 *
 * @example
 * ```ts
 * const lock = new FileLock();
 * await lock.run('data/raw/stocks/ticker=SPY/date=2025-03-04/.lock', async () => { ... });
 * ```
 */
export class FileLock {
  private readonly timeoutMs: number;
  private readonly staleMs: number;
  private readonly pollMs: number;
  private readonly clock: Clock;

  constructor(opts: FileLockOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.staleMs = opts.staleMs ?? 600_000;
    this.pollMs = opts.pollMs ?? 20;
    this.clock = opts.clock ?? systemClock;
  }

  /** Runs `fn` while holding the lock at `lockFile` (whose directory must exist). */
  async run<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
    const before = inProcess.get(lockFile) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    inProcess.set(lockFile, tail);
    await before;
    try {
      const token = await this.acquire(lockFile);
      try {
        return await fn();
      } finally {
        await this.release(lockFile, token);
      }
    } finally {
      release();
      if (inProcess.get(lockFile) === tail) inProcess.delete(lockFile);
    }
  }

  private async acquire(lockFile: string): Promise<string> {
    const token = randomBytes(8).toString('hex');
    const body: LockBody = { pid: process.pid, host: hostname(), at: this.clock.now(), token };
    const deadline = this.clock.now() + this.timeoutMs;
    for (;;) {
      try {
        // Asynchronous: creating a file waits while other writers' fsyncs commit the file system's
        // journal (milliseconds, measured here), which must not stall the event loop.
        const fh = await open(lockFile, 'wx');
        try {
          await fh.writeFile(JSON.stringify(body));
        } finally {
          await fh.close();
        }
        return token;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new SpyglassError('STORAGE', `${lockFile}: cannot create lock (${(e as Error).message})`, { cause: e, details: { file: lockFile } });
        }
      }
      const holder = await this.readHolder(lockFile);
      if (holder === 'missing') continue;
      if (holder === 'unreadable' ? await this.abandonedEmpty(lockFile) : this.isStale(holder)) {
        await this.breakLock(lockFile, holder === 'unreadable' ? undefined : holder);
        continue;
      }
      if (this.clock.now() >= deadline) {
        const who = holder === 'unreadable' ? 'a process that has not written its pid yet' : `pid ${holder.pid} on ${holder.host}`;
        throw new SpyglassError('STORAGE', `${lockFile}: still locked by ${who} after ${this.timeoutMs} ms`, { details: { file: lockFile } });
      }
      await this.clock.sleep(this.pollMs);
    }
  }

  private async readHolder(lockFile: string): Promise<LockBody | 'missing' | 'unreadable'> {
    let text: string;
    try {
      text = await readFile(lockFile, 'utf8');
    } catch {
      return 'missing';
    }
    try {
      return JSON.parse(text) as LockBody;
    } catch {
      // Just created and not yet written, or its holder was killed between create and write.
      return 'unreadable';
    }
  }

  // An unreadable lock file is abandoned only once it has been so for a while (file times are the
  // only witness, so this uses the wall clock rather than the injected one).
  private async abandonedEmpty(lockFile: string): Promise<boolean> {
    const s = await stat(lockFile).catch(() => undefined);
    return s !== undefined && Date.now() - s.mtimeMs > UNREADABLE_GRACE_MS;
  }

  private isStale(h: LockBody): boolean {
    if (this.clock.now() - h.at > this.staleMs) return true;
    return h.host === hostname() && !isProcessAlive(h.pid);
  }

  private async breakLock(lockFile: string, seen: LockBody | undefined): Promise<void> {
    // Move the lock aside, then check it is the one judged stale: another process may have broken
    // it and taken a fresh lock in between, which must then be put back.
    const aside = `${lockFile}.${randomBytes(4).toString('hex')}.broken`;
    try {
      await rename(lockFile, aside);
    } catch {
      return;
    }
    const moved = await this.readHolder(aside);
    if (typeof moved === 'object' && moved.token !== seen?.token) {
      await rename(aside, lockFile).catch(() => undefined);
      return;
    }
    await rm(aside, { force: true });
  }

  private async release(lockFile: string, token: string): Promise<void> {
    // Still ours? Another process may have judged it stale (held past staleMs) and taken it.
    let text: string | undefined;
    try {
      text = readFileSync(lockFile, 'utf8');
    } catch {
      return;
    }
    if (text.includes(`"token":"${token}"`)) rmSync(lockFile, { force: true });
  }
}
