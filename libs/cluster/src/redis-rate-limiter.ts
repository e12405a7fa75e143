import { SpyglassError, systemClock, type Clock, type RateLimiter } from '@spyglass/core';
import type { Redis } from 'ioredis';

// KEYS[1] window counter, KEYS[2] pause flag; ARGV[1] max, ARGV[2] window ms.
// Returns 0 when a permit was taken, else the ms to wait (paused or window full).
const TAKE = `
local paused = redis.call('pttl', KEYS[2])
if paused > 0 then return paused end
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('pexpire', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local t = redis.call('pttl', KEYS[1])
if t < 0 then redis.call('pexpire', KEYS[1], ARGV[2]) return tonumber(ARGV[2]) end
return t`;

/**
 * Options of {@link RedisRateLimiter}.
 *
 * @example
 * ```ts
 * const opts: RedisRateLimiterOptions = { redis, max: 5, windowMs: 63_000 }; // a 5-a-minute plan + 5 %
 * ```
 */
export interface RedisRateLimiterOptions {
  readonly redis: Redis;
  readonly namespace?: string;
  /** Requests per window, across every process of every machine. */
  readonly max: number;
  /** Fixed window length in ms: the API's window plus 5 % (see {@link apiWindowWithMargin}). */
  readonly windowMs: number;
  readonly clock?: Clock;
}

/**
 * The API's window plus 5 %: a fixed window equal to the server's produced 429s (the two windows
 * start at slightly different moments); 5 % more produced none.
 *
 * @example
 * ```ts
 * apiWindowWithMargin(60_000); // 63_000
 * ```
 */
export function apiWindowWithMargin(windowMs: number): number {
  return Math.ceil(windowMs * 1.05);
}

/**
 * One request budget shared by every worker on every machine: a fixed window counter in Redis (one
 * Lua call per permit, millisecond windows; `rate-limiter-flexible` rounds windows down to whole
 * seconds, which loses the 5 % margin on short windows). {@link RedisRateLimiter.pause} stops every
 * holder's permits for a while: the answer to a 429.
 *
 * @example
 * ```ts
 * const permits = new RedisRateLimiter({ redis, max: 5, windowMs: apiWindowWithMargin(60_000) });
 * const rest = new MassiveRest({ apiKey, rateLimiter: permits });
 * ```
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly keys: [string, string];
  private readonly clock: Clock;
  private waited = 0;

  constructor(private readonly opts: RedisRateLimiterOptions) {
    if (!(opts.max >= 1) || !(opts.windowMs >= 1)) throw new SpyglassError('INVALID_ARGUMENT', `RedisRateLimiter needs max >= 1 and windowMs >= 1, got ${opts.max} and ${opts.windowMs}`);
    this.redis = opts.redis;
    const ns = opts.namespace ?? 'spyglass';
    this.keys = [`${ns}:rate:window`, `${ns}:rate:paused`];
    this.clock = opts.clock ?? systemClock;
  }

  get totalWaitedMs(): number {
    return this.waited;
  }

  async acquire(signal?: AbortSignal): Promise<number> {
    const started = this.clock.now();
    for (;;) {
      if (signal?.aborted) throw new SpyglassError('ABORTED', 'rate limiter: aborted while waiting', { cause: signal.reason });
      const wait = Number(await this.redis.eval(TAKE, 2, ...this.keys, this.opts.max, this.opts.windowMs));
      if (wait <= 0) {
        const waited = this.clock.now() - started;
        this.waited += waited;
        return waited;
      }
      await this.clock.sleep(wait + 1, signal).catch((e: unknown) => {
        throw new SpyglassError('ABORTED', 'rate limiter: aborted while waiting', { cause: e });
      });
    }
  }

  /**
   * Stops every process's permits for `ms` plus the 5 % margin (longer pauses win over shorter
   * ones) and starts a fresh window after it: permits left in the current window would otherwise
   * land in the server's next window together with that window's own.
   */
  async pause(ms: number): Promise<void> {
    const [window, paused] = this.keys;
    const until = apiWindowWithMargin(Math.max(1, ms));
    const left = await this.redis.pttl(paused);
    if (left < until) await this.redis.multi().set(paused, '1', 'PX', until).del(window).exec();
  }
}
