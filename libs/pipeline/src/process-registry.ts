import { mkdir, readdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { SpyglassError, systemClock, type Clock } from '@spyglass/core';

/**
 * Lifecycle of a registered worker.
 *
 * @example
 * ```ts
 * const finished = (s: WorkerStatus) => s === 'completed' || s === 'failed' || s === 'stopped';
 * ```
 */
export type WorkerStatus = 'starting' | 'running' | 'completed' | 'failed' | 'stopped';

/**
 * One worker as recorded on disk, readable by any CLI invocation.
 *
 * @example
 * ```ts
 * const entry: WorkerEntry = await registry.update('stocks-SPY', { status: 'running', progress: { done: 3, total: 5, bars: 1170 } });
 * ```
 */
export interface WorkerEntry {
  readonly id: string;
  readonly pid: number;
  readonly ticker: string;
  readonly job: string;
  readonly status: WorkerStatus;
  /** Completed units (e.g. dates) out of `total`. */
  readonly progress: { readonly done: number; readonly total: number; readonly bars: number };
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly error?: string;
}

/**
 * A worker entry plus whether its process is still alive right now.
 *
 * @example
 * ```ts
 * for (const w of await registry.list()) if (!w.alive && w.status === 'running') console.warn(`${w.id} (pid ${w.pid}) died`);
 * ```
 */
export interface WorkerView extends WorkerEntry {
  readonly alive: boolean;
  /** `status`, except `dead` for a process recorded running that is gone (crashed or killed). */
  readonly state: WorkerStatus | 'dead';
}

/**
 * A process registry kept as one atomic JSON file per worker under `<dir>/`, so that
 * `spyglass workers list` and `workers stop` work across CLI invocations and survive crashes
 * (a dead pid is reported as not alive rather than silently forgotten).
 *
 * @example
 * ```ts
 * const registry = new ProcessRegistry({ dir: 'data/workers' });
 * await registry.register({ id: 'spy-1', pid: process.pid, ticker: 'SPY', job: 'backfill',
 *   status: 'running', progress: { done: 0, total: 5, bars: 0 } });
 * console.table(await registry.list());
 * ```
 */
export class ProcessRegistry {
  private readonly dir: string;
  private readonly clock: Clock;

  constructor(opts: { dir: string; clock?: Clock }) {
    this.dir = opts.dir;
    this.clock = opts.clock ?? systemClock;
  }

  /** Records a new worker (or replaces an entry with the same id). */
  async register(entry: Omit<WorkerEntry, 'startedAt' | 'updatedAt'> & { startedAt?: number }): Promise<WorkerEntry> {
    const now = this.clock.now();
    const full: WorkerEntry = { ...entry, startedAt: entry.startedAt ?? now, updatedAt: now };
    await this.save(full);
    return full;
  }

  /** Merges `patch` into the worker's entry. */
  async update(id: string, patch: Partial<Omit<WorkerEntry, 'id' | 'startedAt'>>): Promise<WorkerEntry> {
    const current = await this.get(id);
    if (!current) throw new SpyglassError('NOT_FOUND', `worker ${id} is not registered in ${this.dir}`);
    const next: WorkerEntry = { ...current, ...patch, updatedAt: this.clock.now() };
    await this.save(next);
    return next;
  }

  /** The entry of one worker, or undefined. */
  async get(id: string): Promise<WorkerEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as WorkerEntry;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SpyglassError('CORRUPT_FILE', `worker registry entry ${this.file(id)} is unreadable`, { cause: e });
    }
  }

  /** Every registered worker with its liveness, oldest first. */
  async list(): Promise<WorkerView[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const entries = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map((n) => this.get(n.slice(0, -'.json'.length))),
    );
    return entries
      .filter((e): e is WorkerEntry => e !== undefined)
      .map((e) => {
        const alive = isAlive(e.pid);
        return { ...e, alive, state: !alive && (e.status === 'running' || e.status === 'starting') ? ('dead' as const) : e.status };
      })
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  /**
   * Sends SIGTERM to the worker (or to every live worker with `'all'`) and marks it stopped.
   * Returns the ids that were signalled.
   */
  async stop(target: string | 'all'): Promise<string[]> {
    const workers = await this.list();
    const chosen = target === 'all' ? workers.filter((w) => w.alive) : workers.filter((w) => w.id === target);
    if (target !== 'all' && chosen.length === 0) {
      throw new SpyglassError('NOT_FOUND', `no worker with id ${target}; see \`spyglass workers list\``);
    }
    const stopped: string[] = [];
    for (const w of chosen) {
      if (w.alive) {
        try {
          process.kill(w.pid, 'SIGTERM');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
        }
      }
      if (w.status === 'running' || w.status === 'starting') await this.update(w.id, { status: 'stopped' });
      stopped.push(w.id);
    }
    return stopped;
  }

  /**
   * Removes what provably belongs to processes that are gone: temp files of interrupted saves
   * (`<id>.json.<pid>.<random>.tmp` whose pid is dead) and the entries of dead processes, whatever
   * their last status. Run at the start of a new run, so the registry holds that run only.
   * Returns how many files it removed.
   */
  async sweep(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
    const stale = names.filter((n) => {
      const m = /\.json\.(\d+)\.[a-z0-9]*\.tmp$/.exec(n);
      return m !== null && !isAlive(Number(m[1]));
    });
    const dead = (await this.list()).filter((w) => !w.alive).map((w) => `${w.id}.json`);
    await Promise.all([...stale, ...dead].map((n) => rm(join(this.dir, n), { force: true })));
    return stale.length + dead.length;
  }

  /** Removes entries of workers that are no longer alive and have finished. */
  async prune(): Promise<number> {
    const done = (await this.list()).filter((w) => !w.alive && w.status !== 'running' && w.status !== 'starting');
    await Promise.all(done.map((w) => rm(this.file(w.id), { force: true })));
    return done.length;
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9._:-]+$/.test(id)) throw new SpyglassError('INVALID_ARGUMENT', `bad worker id '${id}'`);
    return join(this.dir, `${id}.json`);
  }

  private async save(entry: WorkerEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(entry.id);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(entry, null, 2));
    const fh = await open(tmp, 'r');
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
