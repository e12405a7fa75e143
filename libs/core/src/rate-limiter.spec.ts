import { ManualClock } from './clock.js';
import { SpyglassError } from './errors.js';
import { TokenBucket, createRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Starts concurrent acquires at t = 0, recording who got a permit when, in resolution order. */
function race(limiter: RateLimiter, names: string[]) {
  const got: Array<{ name: string; at: number; waited: number }> = [];
  const all = Promise.all(
    // Every caller arrives at t = 0, so its admission instant is its wait. (Reading clock.now() in the
    // callback would observe the clock after advance() has moved on.)
    names.map((name) => limiter.acquire().then((waited) => got.push({ name, at: waited, waited }))),
  );
  return { got, all };
}

describe('TokenBucket', () => {
  it('serves the free plan (5/min) one request every 12 s, in arrival order', async () => {
    const clock = new ManualClock(0);
    const limiter = createRateLimiter(5, clock);
    const { got, all } = race(limiter, ['a', 'b', 'c', 'd', 'e', 'f']);
    await clock.advance(60_000);
    await all;
    expect(got).toEqual([
      { name: 'a', at: 0, waited: 0 },
      { name: 'b', at: 12_000, waited: 12_000 },
      { name: 'c', at: 24_000, waited: 24_000 },
      { name: 'd', at: 36_000, waited: 36_000 },
      { name: 'e', at: 48_000, waited: 48_000 },
      { name: 'f', at: 60_000, waited: 60_000 },
    ]);
    expect(limiter.totalWaitedMs).toBe(180_000);
  });

  it('never lets more than 5 requests into any 60-second window on the free plan', async () => {
    const clock = new ManualClock(0);
    const limiter = createRateLimiter(5, clock);
    const { got, all } = race(limiter, Array.from({ length: 20 }, (_, i) => `r${i}`));
    await clock.advance(20 * 12_000);
    await all;
    const times = got.map((g) => g.at);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(5);
  });

  it('allows a burst up to capacity, then the refill rate', async () => {
    const clock = new ManualClock(0);
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2, clock });
    const { got, all } = race(bucket, ['1', '2', '3', '4', '5']);
    await clock.advance(2000);
    await all;
    expect(got.map((g) => [g.name, g.at])).toEqual([
      ['1', 0],
      ['2', 0],
      ['3', 0],
      ['4', 500],
      ['5', 1000],
    ]);
  });

  it('a late caller does not jump the queue even when a token has refilled', async () => {
    const clock = new ManualClock(0);
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    const { got, all } = race(bucket, ['first', 'second', 'third']);
    await clock.advance(999);
    const late = bucket.acquire().then((waited) => got.push({ name: 'late', at: 999 + waited, waited }));
    await clock.advance(5000);
    await Promise.all([all, late]);
    expect(got.map((g) => [g.name, g.at])).toEqual([
      ['first', 0],
      ['second', 1000],
      ['third', 2000],
      ['late', 3000],
    ]);
  });

  it('paid plans: 6000/min gives 100 at once, then one every 10 ms', async () => {
    const clock = new ManualClock(0);
    const limiter = createRateLimiter(6000, clock);
    const { got, all } = race(limiter, Array.from({ length: 102 }, (_, i) => String(i)));
    await clock.advance(100);
    await all;
    expect(got.filter((g) => g.at === 0)).toHaveLength(100);
    expect(got.slice(100).map((g) => g.at)).toEqual([10, 20]);
  });

  it('an aborted waiter leaves the queue with ABORTED and the next caller takes its slot', async () => {
    const clock = new ManualClock(0);
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    await bucket.acquire();
    const controller = new AbortController();
    const cancelled = bucket.acquire(controller.signal).then(
      () => undefined,
      (e: unknown) => e as SpyglassError,
    );
    const next = bucket.acquire();
    controller.abort();
    expect((await cancelled)?.code).toBe('ABORTED');
    await clock.advance(1000);
    await expect(next).resolves.toBe(1000);
  });

  it.each([[null], [undefined], [0]])('createRateLimiter(%p) is unlimited', async (rpm) => {
    const limiter = createRateLimiter(rpm, new ManualClock(0));
    const waits = await Promise.all(Array.from({ length: 1000 }, () => limiter.acquire()));
    expect(waits.every((w) => w === 0)).toBe(true);
    expect(limiter.totalWaitedMs).toBe(0);
  });

  it.each([[-5], [Number.NaN], [Number.POSITIVE_INFINITY]])('createRateLimiter(%p) is INVALID_ARGUMENT', (rpm) => {
    expect(() => createRateLimiter(rpm)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
