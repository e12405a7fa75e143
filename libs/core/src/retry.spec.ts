import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ManualClock, systemClock } from './clock.js';
import { SpyglassError, type ErrorCode } from './errors.js';
import { errorFromHttpStatus } from './http-error.js';
import { backoffDelay, defaultRetryPolicy, withRetry, type RetryInfo, type RetryPolicy } from './retry.js';

const policy: RetryPolicy = { maxAttempts: 4, initialDelayMs: 1000, backoffBase: 2, maxDelayMs: 5000, jitter: 0 };
const URL_WITH_KEY = 'https://api.massive.com/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?apiKey=CANARYKEY123';

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Runs withRetry on a ManualClock, returning the outcome, the attempt instants and the retries. */
async function drive(outcomes: Array<Error | string>, p: RetryPolicy = policy, random = () => 0) {
  const clock = new ManualClock(0);
  const calls: number[] = [];
  const retries: RetryInfo[] = [];
  const promise = withRetry(
    async (attempt) => {
      calls.push(clock.now());
      expect(attempt).toBe(calls.length);
      const next = outcomes[Math.min(attempt - 1, outcomes.length - 1)]!;
      if (typeof next === 'string') return next;
      throw next;
    },
    { policy: p, clock, random, label: 'test op', onRetry: (i) => retries.push(i) },
  );
  const settled = promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error as SpyglassError }),
  );
  await clock.advance(10 * 60_000);
  return { ...(await settled), calls, retries };
}

const http = (status: number, retryAfter?: string) => errorFromHttpStatus(status, '{"status":"ERROR","error":"x"}', { url: URL_WITH_KEY, retryAfter: retryAfter ?? null });

describe('backoffDelay', () => {
  it.each([
    [1, 0, 1000],
    [2, 0, 2000],
    [3, 0, 4000],
    [4, 0, 5000], // capped at maxDelayMs
    [9, 0, 5000],
    [1, 0.5, 900], // jitter 0.2 × random 0.5 removes 10 %
    [3, 0.999, 3201],
  ])('attempt %d with random %d waits %d ms', (attempt, r, expected) => {
    expect(backoffDelay({ ...policy, jitter: r === 0 ? 0 : 0.2 }, attempt, () => r)).toBe(expected);
  });

  it('never exceeds the cap and never goes below (1 - jitter) of the base', () => {
    for (let attempt = 1; attempt < 10; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
        const d = backoffDelay(defaultRetryPolicy, attempt, () => r);
        const base = Math.min(defaultRetryPolicy.maxDelayMs, 1000 * 2 ** (attempt - 1));
        expect(d).toBeLessThanOrEqual(base);
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      }
    }
  });
});

describe('withRetry', () => {
  it.each([
    ['503', () => http(503)],
    ['500', () => http(500)],
    ['429 without Retry-After', () => http(429)],
    ['ECONNRESET', () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['socket hang up', () => new Error('socket hang up')],
    ['AbortError (request timeout)', () => Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })],
  ])('retries %s with exponential backoff, then returns the value', async (_name, make) => {
    const r = await drive([make(), make(), 'ok']);
    expect(r.error).toBeUndefined();
    expect(r.value).toBe('ok');
    expect(r.calls).toEqual([0, 1000, 3000]);
    expect(r.retries.map((i) => i.delayMs)).toEqual([1000, 2000]);
  });

  it('honours Retry-After as a floor on the wait', async () => {
    const r = await drive([http(429, '30'), http(429, '0'), 'ok']);
    expect(r.value).toBe('ok');
    expect(r.retries.map((i) => [i.error.code, i.delayMs])).toEqual([
      ['RATE_LIMITED', 30_000], // server asked for more than the backoff
      ['RATE_LIMITED', 2000], // server asked for less: backoff wins
    ]);
    expect(r.calls).toEqual([0, 30_000, 32_000]);
  });

  it.each<[number, ErrorCode]>([
    [401, 'AUTH_FAILED'],
    [403, 'NOT_ENTITLED'],
  ])('never retries HTTP %d (%s), logs it, and rethrows it typed', async (status, code) => {
    const { logger, lines } = memoryLogger();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw http(status);
      },
      { policy: { ...policy, retryOn: [code, 'UPSTREAM_5XX'] }, clock: new ManualClock(), logger, label: 'aggs SPY' },
    ).catch((e: unknown) => e as SpyglassError);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(SpyglassError);
    expect(err.code).toBe(code);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, label: 'aggs SPY', code, msg: `aggs SPY: ${code}, not retried` });
    expect(JSON.stringify(lines)).not.toContain('CANARYKEY123');
  });

  it('rethrows SKIPPED at once', async () => {
    const r = await drive([new SpyglassError('SKIPPED', 'no data for 2025-03-08'), 'ok']);
    expect(r.error?.code).toBe('SKIPPED');
    expect(r.calls).toEqual([0]);
  });

  it.each<[string, Error]>([
    ['NOT_FOUND', http(404)],
    ['VALIDATION', new SpyglassError('VALIDATION', 'bad bar')],
    ['UNEXPECTED', new TypeError('x is not a function')],
  ])('does not retry %s', async (code, error) => {
    const r = await drive([error, 'ok']);
    expect(r.error?.code).toBe(code);
    expect(r.calls).toHaveLength(1);
  });

  it('throws RETRIES_EXHAUSTED with the last failure as cause after maxAttempts, never silently', async () => {
    const last = http(502);
    const r = await drive([http(503), http(503), http(503), last]);
    expect(r.calls).toEqual([0, 1000, 3000, 7000]);
    expect(r.error).toBeInstanceOf(SpyglassError);
    expect(r.error!.code).toBe('RETRIES_EXHAUSTED');
    expect(r.error!.cause).toBe(last);
    expect(r.error!.details).toEqual({ label: 'test op', attempts: 4, lastCode: 'UPSTREAM_5XX' });
    expect(r.error!.message).toContain('gave up after 4 attempts; last error UPSTREAM_5XX: HTTP 502');
    expect(r.error!.message).not.toContain('CANARYKEY123');
  });

  it('keeps retrying 429s past maxAttempts until the rate window has passed (fake clock)', async () => {
    // A one-minute window: the provider refuses until t = 60 s; maxAttempts 4 alone would stop at 7 s.
    const windowEnd = 60_000;
    const clock = new ManualClock(0);
    const calls: number[] = [];
    const p = withRetry(
      async () => {
        calls.push(clock.now());
        if (clock.now() < windowEnd) throw http(429);
        return 'ok';
      },
      { policy, clock, random: () => 0, label: 'aggs SPY' },
    );
    await clock.advance(5 * 60_000);
    expect(await p).toBe('ok');
    // 1, 2, 4 s of backoff, then the 5 s cap until the window has passed.
    expect(calls.slice(0, 5)).toEqual([0, 1000, 3000, 7000, 12000]);
    expect(calls.at(-1)).toBeGreaterThanOrEqual(windowEnd);
    expect(calls.at(-1)! - windowEnd).toBeLessThanOrEqual(5000);
  });

  it.each([
    ['a Retry-After beyond the budget', { rateLimitMaxWaitMs: 30_000 }, '120', [0]],
    ['a budget of 0 (no wait beyond maxAttempts)', { rateLimitMaxWaitMs: 0 }, undefined, [0, 1000, 3000, 7000]],
  ])('gives up on 429s with RETRIES_EXHAUSTED on %s, saying how long it waited', async (_name, extra, retryAfter, expectedCalls) => {
    const r = await drive([http(429, retryAfter)], { ...policy, maxAttempts: retryAfter ? 1 : 4, ...extra });
    expect(r.error?.code).toBe('RETRIES_EXHAUSTED');
    expect(r.error!.message).toMatch(/s waited on 429s \(budget rateLimitMaxWaitMs \d+ ms\)/);
    expect(r.calls).toEqual(expectedCalls);
  });

  it('waits at least the Retry-After of a 429, and only as long as the budget allows', async () => {
    const r = await drive([http(429, '40'), http(429, '40'), 'ok'], { ...policy, maxAttempts: 1, rateLimitMaxWaitMs: 90_000 });
    expect(r.value).toBe('ok');
    expect(r.calls).toEqual([0, 40_000, 80_000]);
  });

  it('retries only the codes of policy.retryOn when given', async () => {
    const r = await drive([new SpyglassError('VALIDATION', 'flaky'), http(503), 'ok'], { ...policy, retryOn: ['VALIDATION'] });
    expect(r.calls).toHaveLength(2);
    expect(r.error?.code).toBe('UPSTREAM_5XX');
  });

  it('maxAttempts 1 means no retry', async () => {
    const r = await drive([http(503), 'ok'], { ...policy, maxAttempts: 1 });
    expect(r.error?.code).toBe('RETRIES_EXHAUSTED');
    expect(r.calls).toEqual([0]);
  });

  it('stops waiting with ABORTED when the signal aborts during a backoff', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        throw http(503);
      },
      { policy, clock, signal: controller.signal },
    ).catch((e: unknown) => e as SpyglassError);
    await clock.advance(500);
    expect(clock.pending).toBe(1);
    controller.abort(new Error('shutdown'));
    const err = await p;
    expect(err.code).toBe('ABORTED');
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it.each([
    [{ ...policy, maxAttempts: 0 }],
    [{ ...policy, jitter: 1.5 }],
    [{ ...policy, backoffBase: 0.5 }],
  ])('rejects an invalid policy %j with INVALID_ARGUMENT', async (bad) => {
    await expect(withRetry(async () => 'x', { policy: bad })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('works with jest fake timers and the system clock', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const seen: number[] = [];
      const p = withRetry(
        async (attempt) => {
          seen.push(Date.now());
          if (attempt < 3) throw http(500);
          return attempt;
        },
        { policy, clock: systemClock, random: () => 0 },
      );
      await jest.advanceTimersByTimeAsync(3000);
      await expect(p).resolves.toBe(3);
      expect(seen).toEqual([0, 1000, 3000]);
    } finally {
      jest.useRealTimers();
    }
  });
});
