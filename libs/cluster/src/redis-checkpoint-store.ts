import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import type { CheckpointPort } from '@spyglass/pipeline';
import type { CheckpointEntry, ObjectStore } from '@spyglass/storage';
import type { Redis } from 'ioredis';

/**
 * Options of {@link RedisCheckpointStore}.
 *
 * @example
 * ```ts
 * const opts: RedisCheckpointStoreOptions = { redis, namespace: 'spyglass', durable: s3Store };
 * ```
 */
export interface RedisCheckpointStoreOptions {
  readonly redis: Redis;
  /** Key prefix shared by every machine of one deployment (default `spyglass`). */
  readonly namespace?: string;
  /**
   * Durable copy of each checkpoint (`checkpoints/<job>/<ticker>/<date>.json` in the object store):
   * Redis run without persistence loses its checkpoints on restart, and this copy brings them back.
   */
  readonly durable?: ObjectStore;
  readonly clock?: Clock;
}

/**
 * The cluster's checkpoints: one Redis hash per (job, ticker), field = date, value = the entry's
 * JSON, so every machine sees a checkpoint the moment it is written. With `durable` each mark is
 * also written to the object store before `markComplete` returns, and a date missing in Redis is
 * looked up there (and put back), so a Redis restart without persistence loses no checkpoint.
 *
 * @example
 * ```ts
 * const cp = new RedisCheckpointStore({ redis, durable: store });
 * if (!(await cp.isComplete('backfill:stocks', 'SPY', '2025-03-04'))) await cp.markComplete('backfill:stocks', 'SPY', '2025-03-04', { stored: 390 });
 * ```
 */
export class RedisCheckpointStore implements CheckpointPort {
  private readonly redis: Redis;
  private readonly ns: string;
  private readonly durable: ObjectStore | undefined;
  private readonly clock: Clock;

  constructor(opts: RedisCheckpointStoreOptions) {
    this.redis = opts.redis;
    this.ns = opts.namespace ?? 'spyglass';
    this.durable = opts.durable;
    this.clock = opts.clock ?? systemClock;
  }

  private key(job: string, ticker: string): string {
    if (!job || !ticker) throw new SpyglassError('INVALID_ARGUMENT', 'checkpoint job and ticker must not be empty', { details: { job, ticker } });
    return `${this.ns}:cp:${encodeURIComponent(job)}:${encodeURIComponent(ticker)}`;
  }

  private objectKey(job: string, ticker: string, date: string): string {
    return `checkpoints/${encodeURIComponent(job)}/${encodeURIComponent(ticker)}/${date}.json`;
  }

  async isComplete(job: string, ticker: string, date: string): Promise<boolean> {
    return (await this.get(job, ticker, date)) !== undefined;
  }

  /** The entry with its metadata, from Redis or (put back into Redis) from the durable copy. */
  async get(job: string, ticker: string, date: string): Promise<CheckpointEntry | undefined> {
    const text = await this.redis.hget(this.key(job, ticker), date);
    if (text !== null) return JSON.parse(text) as CheckpointEntry;
    if (!this.durable) return undefined;
    const body = await this.durable.get(this.objectKey(job, ticker, date));
    if (!body) return undefined;
    const restored = Buffer.from(body).toString('utf8');
    await this.redis.hset(this.key(job, ticker), date, restored);
    return JSON.parse(restored) as CheckpointEntry;
  }

  /**
   * Which of `dates` are complete: one round trip to Redis, then (unless `redisOnly`, for frequent
   * progress polls) a durable look-up for each date Redis lacks.
   */
  async completed(job: string, ticker: string, dates: readonly string[], redisOnly = false): Promise<Set<string>> {
    if (dates.length === 0) return new Set();
    const found = await this.redis.hmget(this.key(job, ticker), ...dates);
    const out = new Set<string>();
    for (const [i, v] of found.entries()) {
      if (v !== null) out.add(dates[i]!);
      else if (!redisOnly && this.durable && (await this.isComplete(job, ticker, dates[i]!))) out.add(dates[i]!);
    }
    return out;
  }

  async markComplete(job: string, ticker: string, date: string, meta?: Record<string, unknown>): Promise<void> {
    const entry: CheckpointEntry = { job, ticker, date, completedAt: this.clock.now(), ...(meta === undefined ? {} : { meta }) };
    const text = JSON.stringify(entry);
    // Durable copy first: a checkpoint Redis shows must never be one the object store lacks.
    if (this.durable) await this.durable.put(this.objectKey(job, ticker, date), new TextEncoder().encode(text));
    await this.redis.hset(this.key(job, ticker), date, text);
  }

  /** Every entry in Redis, of one job or of all, sorted by job, ticker and date. */
  async list(job?: string): Promise<CheckpointEntry[]> {
    const out: CheckpointEntry[] = [];
    const pattern = `${this.ns}:cp:${job === undefined ? '*' : `${encodeURIComponent(job)}:*`}`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const k of keys) for (const v of Object.values(await this.redis.hgetall(k))) out.push(JSON.parse(v) as CheckpointEntry);
    } while (cursor !== '0');
    const key = (e: CheckpointEntry) => `${e.job}\u0000${e.ticker}\u0000${e.date}`;
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
}
