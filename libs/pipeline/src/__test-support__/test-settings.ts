import type { IngestionSettings } from '../ingestion.js';

/** Ingestion settings for tests against the simulator: no rate limit, fast retries, TEST-mode contracts. */
export function testSettings(over: Partial<IngestionSettings> & { restBaseUrl: string; dataRoot: string }): IngestionSettings {
  return {
    apiKey: 'test-key',
    requestsPerMinute: null,
    retryPolicy: { maxAttempts: 8, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 20, jitter: 0 },
    timeoutMs: 5_000,
    dedupCapacity: 100_000,
    extendedHours: false,
    options: { mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 },
    ...over,
  };
}
