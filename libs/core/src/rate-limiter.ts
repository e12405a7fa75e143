import { systemClock, type Clock } from './clock.js';
import { SpyglassError } from './errors.js';

/**
 * Admission control shared by every caller of one API key: `acquire()` resolves when a request may
 * be sent, with the milliseconds it waited.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter(5); // free plan: 5 requests a minute
 * await limiter.acquire();
 * await fetch(url);
 * ```
 */
export interface RateLimiter {
  /** Waits for a permit, first come first served; rejects with ABORTED when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<number>;
  /** Sum of all waits so far, for throughput reports. */
  readonly totalWaitedMs: number;
}

// Refill rates like 5/60000 per ms are not exact in binary floating point; without a tolerance a
// 12 000 ms wait would yield 0.9999999 tokens and a spurious extra 1 ms sleep.
const EPSILON = 1e-9;

interface Waiter {
  enqueuedAt: number;
  resolve: (waited: number) => void;
  reject: (e: unknown) => void;
  settled: boolean;
  /** Detaches the abort listener once granted: a run-long signal must not collect one per request. */
  detach?: () => void;
}

/**
 * A token bucket: holds at most `capacity` permits, refilled continuously at `refillPerSecond`.
 * Concurrent callers queue in arrival order (FIFO), so no caller starves. Starts full.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ capacity: 100, refillPerSecond: 100 }); // ~100 requests a second
 * const waited = await bucket.acquire();
 * ```
 */
export class TokenBucket implements RateLimiter {
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private readonly clock: Clock;
  private tokens: number;
  private lastRefill: number;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private waited = 0;

  constructor(opts: { capacity: number; refillPerSecond: number; clock?: Clock }) {
    if (!(opts.capacity >= 1) || !(opts.refillPerSecond > 0) || !Number.isFinite(opts.refillPerSecond)) {
      throw new SpyglassError(
        'INVALID_ARGUMENT',
        `TokenBucket needs capacity >= 1 and a finite refillPerSecond > 0, got ${opts.capacity} and ${opts.refillPerSecond}`,
        { details: { ...opts, clock: undefined } },
      );
    }
    this.capacity = opts.capacity;
    this.refillPerMs = opts.refillPerSecond / 1000;
    this.clock = opts.clock ?? systemClock;
    this.tokens = opts.capacity;
    this.lastRefill = this.clock.now();
  }

  get totalWaitedMs(): number {
    return this.waited;
  }

  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(new SpyglassError('ABORTED', 'rate limiter: aborted while waiting', { cause: signal.reason }));
    this.refill();
    // Fast path only when nobody is queued: jumping the queue would break FIFO fairness.
    if (this.queue.length === 0 && this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      return Promise.resolve(0);
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { enqueuedAt: this.clock.now(), resolve, reject, settled: false };
      this.queue.push(waiter);
      if (signal) {
        const onAbort = () => {
          if (waiter.settled) return;
          waiter.settled = true;
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(new SpyglassError('ABORTED', 'rate limiter: aborted while waiting', { cause: signal.reason }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.detach = () => signal.removeEventListener('abort', onAbort);
      }
      void this.pump();
    });
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) * this.refillPerMs);
    this.lastRefill = now;
  }

  /** One loop serves the queue head by head, sleeping exactly until the next token exists. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        this.refill();
        if (this.tokens >= 1 - EPSILON) {
          const waiter = this.queue.shift()!;
          this.tokens -= 1;
          waiter.settled = true;
          waiter.detach?.();
          const waited = this.clock.now() - waiter.enqueuedAt;
          this.waited += waited;
          waiter.resolve(waited);
          continue;
        }
        await this.clock.sleep(Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerMs - 1e-6)));
      }
    } finally {
      this.pumping = false;
    }
  }
}

class UnlimitedRateLimiter implements RateLimiter {
  readonly totalWaitedMs = 0;
  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(new SpyglassError('ABORTED', 'rate limiter: aborted', { cause: signal.reason }));
    return Promise.resolve(0);
  }
}

/**
 * The limiter for a plan's requests-per-minute: null, undefined or 0 means unlimited. Below 60 a
 * minute the bucket holds one permit, so requests are evenly spaced (5/min → one every 12 s) and no
 * 60-second window, sliding or fixed, ever sees more than the limit; at higher rates it holds one
 * second's worth (6000/min → bursts of 100).
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter(config.sources.massive.rateLimit.requestsPerMinute);
 * await limiter.acquire(signal);
 * ```
 */
export function createRateLimiter(requestsPerMinute: number | null | undefined, clock?: Clock): RateLimiter {
  if (requestsPerMinute == null || requestsPerMinute === 0) return new UnlimitedRateLimiter();
  if (!(requestsPerMinute > 0) || !Number.isFinite(requestsPerMinute)) {
    throw new SpyglassError('INVALID_ARGUMENT', `requestsPerMinute must be a positive number, null or 0, got ${requestsPerMinute}`, {
      details: { requestsPerMinute },
    });
  }
  const capacity = Math.max(1, Math.floor(requestsPerMinute / 60));
  return new TokenBucket({ capacity, refillPerSecond: requestsPerMinute / 60, ...(clock ? { clock } : {}) });
}
