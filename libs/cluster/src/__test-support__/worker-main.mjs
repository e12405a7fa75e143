// A cluster worker process for tests (what `spyglass worker --queue …` runs): settings as JSON in
// argv[2]; stops on SIGTERM after its active jobs. Plain JavaScript on the libraries' dist (built by
// `npx tsc -b`, as `npm test` does first): a TypeScript loader doubled each worker's start-up
// (measured: 2.3 vs 5 CPU s to import the libraries).
import { IngestWorker, connectRedis } from '../../dist/index.js';
import { S3ObjectStore } from '@spyglass/storage';

/** @type {import('./worker-process.js').WorkerProcessConfig} */
const cfg = JSON.parse(process.argv[2]);
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
