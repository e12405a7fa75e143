// @spyglass/core from the registry: a retry through the rate limiter on a simulated clock.
import assert from 'node:assert/strict';
import { createRateLimiter, errorFromHttpStatus, ManualClock, withRetry, type RetryPolicy } from '@spyglass/core';

const clock = new ManualClock(Date.parse('2025-03-04T14:30:00Z'));
const limiter = createRateLimiter(60, clock);
const policy: RetryPolicy = { maxAttempts: 4, initialDelayMs: 1000, backoffBase: 2, maxDelayMs: 10_000, jitter: 0 };
const pending = withRetry(
  async (attempt) => {
    await limiter.acquire();
    if (attempt < 3) throw errorFromHttpStatus(503, '{"error":"busy"}', { url: 'https://api.massive.com/v2/aggs?apiKey=secret' });
    return attempt;
  },
  { policy, clock, label: 'consumer' },
);
await clock.advance(60_000);
assert.equal(await pending, 3);
console.log('core: ok after 3 attempts');
