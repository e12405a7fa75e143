import { SpyglassError } from '@spyglass/core';
import type { Redis } from 'ioredis';

/**
 * One cluster worker as seen from any machine (`spyglass workers list --queue …`).
 *
 * @example
 * ```ts
 * for (const w: ClusterWorkerInfo of await queue.workers()) console.log(w.id, w.host, w.alive, w.processed);
 * ```
 */
export interface ClusterWorkerInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly startedAt: number;
  readonly lastSeen: number;
  readonly processed: number;
  readonly failed: number;
  /** Ids (checkpoint keys) of the jobs it runs now. */
  readonly active: readonly string[];
  readonly status: 'running' | 'stopping' | 'stopped';
  /** Seen within the last three heartbeats. */
  readonly alive: boolean;
}

/** Heartbeat period of workers; a worker silent for three periods is listed as gone. */
export const HEARTBEAT_MS = 1_000;

/**
 * The workers of one deployment in Redis: a hash of heartbeats and stop requests (per id, or
 * `all` with the time it was asked, so a worker started later is not stopped by it).
 *
 * @example
 * ```ts
 * const registry = new WorkerRegistry(redis, 'spyglass');
 * await registry.requestStop('all');
 * ```
 */
export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
  ) {}

  private get hash(): string {
    return `${this.ns}:workers`;
  }

  async beat(info: Omit<ClusterWorkerInfo, 'alive'>): Promise<void> {
    await this.redis.hset(this.hash, info.id, JSON.stringify(info));
  }

  async remove(id: string): Promise<void> {
    await this.redis.hdel(this.hash, id);
  }

  async list(now = Date.now()): Promise<ClusterWorkerInfo[]> {
    const all = Object.values(await this.redis.hgetall(this.hash)).map((v) => JSON.parse(v) as Omit<ClusterWorkerInfo, 'alive'>);
    return all.map((w) => ({ ...w, alive: w.status !== 'stopped' && now - w.lastSeen < 3 * HEARTBEAT_MS })).sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * Asks one worker (by id) or all live ones to finish their active jobs and exit; the ids asked.
   * An id that names no live worker is a NOT_FOUND error naming the live ones (a typo must not
   * read as "nothing to stop" while the worker runs on); `all` with none live asks nobody.
   */
  async requestStop(id: string, now = Date.now()): Promise<string[]> {
    const workers = await this.list(now);
    const live = workers.filter((w) => w.alive && (id === 'all' || w.id === id));
    if (id !== 'all' && live.length === 0) {
      const known = workers.find((w) => w.id === id);
      const others = workers.filter((w) => w.alive).map((w) => w.id);
      const why = known ? `worker ${id} is ${known.status === 'stopped' ? 'stopped' : 'gone (no heartbeat)'}` : `no worker with id ${id}`;
      throw new SpyglassError('NOT_FOUND', `${why} in namespace ${this.ns}; live workers: ${others.join(', ') || 'none'} (see \`spyglass workers list --queue …\`)`);
    }
    if (id === 'all') await this.redis.set(`${this.ns}:workers:stop:all`, String(now), 'PX', 24 * 3_600_000);
    for (const w of live) await this.redis.set(`${this.ns}:workers:stop:${w.id}`, String(now), 'PX', 24 * 3_600_000);
    return live.map((w) => w.id);
  }

  /** True when a stop was asked for this worker (by id, or for all after it started). */
  async stopRequested(id: string, startedAt: number): Promise<boolean> {
    const [mine, all] = await this.redis.mget(`${this.ns}:workers:stop:${id}`, `${this.ns}:workers:stop:all`);
    return mine !== null || (all !== null && Number(all) >= startedAt);
  }
}
