import { randomUUID } from 'node:crypto';
import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import type { PartitionLock } from '@spyglass/storage';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Options of {@link RedisLock}.
 *
 * @example
 * ```ts
 * const opts: RedisLockOptions = { redis, ttlMs: 10_000, waitMs: 120_000 };
 * ```
 */
export interface RedisLockOptions {
  readonly redis: Redis;
  readonly namespace?: string;
  /** Lifetime of a lock whose holder stops renewing it (a killed process): default 10 s. */
  readonly ttlMs?: number;
  /** How long `run` waits for a held lock before failing (default 120 s). */
  readonly waitMs?: number;
  readonly clock?: Clock;
}

/**
 * A {@link PartitionLock} across machines: `SET key token NX PX ttl`, renewed every ttl/3 while the
 * holder runs, released only by its holder (compare-and-delete). A holder killed with `kill -9`
 * stops renewing, so its lock expires after `ttlMs` and the next writer goes on.
 *
 * @example
 * ```ts
 * const lock = new RedisLock({ redis });
 * await lock.run('s3://market/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', () => mergeAndPut());
 * ```
 */
export class RedisLock implements PartitionLock {
  private readonly redis: Redis;
  private readonly ns: string;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly clock: Clock;

  constructor(opts: RedisLockOptions) {
    this.redis = opts.redis;
    this.ns = opts.namespace ?? 'spyglass';
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.waitMs = opts.waitMs ?? 120_000;
    this.clock = opts.clock ?? systemClock;
  }

  /** The Redis key of a lock name. */
  keyOf(name: string): string {
    return `${this.ns}:lock:${name}`;
  }

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const key = this.keyOf(name);
    const token = randomUUID();
    const deadline = this.clock.now() + this.waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
      if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK') break;
      if (this.clock.now() > deadline) throw new SpyglassError('STORAGE', `lock '${name}' still held after ${this.waitMs} ms`, { details: { name } });
      await this.clock.sleep(delay);
    }
    const renew = setInterval(() => void this.redis.eval(EXTEND, 1, key, token, this.ttlMs).catch(() => undefined), Math.max(50, Math.floor(this.ttlMs / 3)));
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}
