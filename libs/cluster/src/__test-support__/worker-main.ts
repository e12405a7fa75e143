// A cluster worker process for tests (what `spyglass worker --queue …` runs): settings as JSON in
// argv[2]; stops on SIGTERM after its active jobs.
import { S3ObjectStore } from '@spyglass/storage';
import { IngestWorker, connectRedis } from '../index.js';
import type { WorkerProcessConfig } from './worker-process.js';

const cfg = JSON.parse(process.argv[2]!) as WorkerProcessConfig;
const redis = await connectRedis(cfg.redisUrl);
const worker = await IngestWorker.start({
  redis,
  namespace: cfg.namespace,
  concurrency: cfg.concurrency,
  rateLimit: cfg.rateLimit,
  lockDurationMs: cfg.lockDurationMs,
  stalledIntervalMs: cfg.stalledIntervalMs,
  ...(cfg.compute ? { compute: cfg.compute } : {}),
  ...(cfg.s3 ? { store: new S3ObjectStore({ url: cfg.s3.url, endpoint: cfg.s3.endpoint, credentials: cfg.s3.credentials }) } : {}),
  ingestion: {
    dataRoot: cfg.dataRoot,
    apiKey: 'test-key',
    restBaseUrl: cfg.restBaseUrl,
    retryPolicy: { maxAttempts: 8, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 20, jitter: 0 },
    timeoutMs: 10_000,
    dedupCapacity: 100_000,
    extendedHours: false,
    options: { mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 },
  },
});
process.send?.({ type: 'ready', id: worker.id });
process.once('SIGTERM', () => void worker.stop());
await worker.stopped;
await redis.quit();
process.exit(0);
