import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion, ingestJobsFor, runIngestJob, type IngestionSettings } from '@spyglass/pipeline';
import { consolidate, generateFeatures } from '@spyglass/processing';
import { ObjectStoreDataset, S3ObjectStore, rawDatasetSpecs, type DatasetSpec } from '@spyglass/storage';
import { partitionChecksums } from './__test-support__/partition-checksums.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { startS3, type TestS3 } from './testing/s3rver.js';
import { IngestQueue } from './ingest-queue.js';
import { IngestWorker } from './ingest-worker.js';
import { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { connectRedis } from './redis-connection.js';

const SEED = 21;
const dates = ['2025-03-04', '2025-03-05'];
const jobs = ingestJobsFor({ stocks: ['SPY'], indices: ['I:VIX'], news: ['SPY'], options: ['SPY'] }, dates[0]!, dates[1]!);
const ingestion = (dataRoot: string, restBaseUrl: string): Omit<IngestionSettings, 'rateLimiter' | 'backends' | 'requestsPerMinute'> => ({
  dataRoot, apiKey: 'test-key', restBaseUrl, dedupCapacity: 100_000, extendedHours: false,
  retryPolicy: { maxAttempts: 8, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 20, jitter: 0 },
  options: { mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 },
});

describe('cluster: Redis + s3rver run equals the embedded run', () => {
  let redis: TestRedis;
  let s3: TestS3;
  let sim: ExchangeSim;
  beforeAll(async () => {
    [redis, s3, sim] = await Promise.all([startRedis(), startS3(['market']), createExchangeSim({ seed: SEED })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([redis.stop(), s3.close(), sim.close()]);
  });

  it('backfill (stocks, VIX, news, options days) + consolidation + features: same row counts and DuckDB checksums per partition', async () => {
    // Embedded: one process, local data root.
    const embedded = await mkdtemp(path.join(tmpdir(), 'spyglass-embedded-'));
    const local = new Ingestion({ ...ingestion(embedded, sim.url), requestsPerMinute: null });
    for (const j of jobs) await runIngestJob(local, j);
    await consolidate({ root: embedded, dates });
    await generateFeatures({ root: embedded, dates });

    // Cluster: two workers on Redis writing to the object store; consolidation and features on staged partitions.
    const ns = 'equiv';
    const store = new S3ObjectStore({ url: 's3://market/equiv', endpoint: s3.endpoint, credentials: s3.credentials });
    const connections = await Promise.all([0, 1, 2].map(() => connectRedis(redis.url)));
    const workerRoot = await mkdtemp(path.join(tmpdir(), 'spyglass-worker-'));
    const workers = await Promise.all(connections.slice(1).map((redisConn) => IngestWorker.start({ redis: redisConn, namespace: ns, concurrency: 3, rateLimit: null, store, ingestion: ingestion(workerRoot, sim.url) })));
    const queue = new IngestQueue({ redis: connections[0]!, namespace: ns, checkpoints: new RedisCheckpointStore({ redis: connections[0]!, namespace: ns, durable: store }) });
    try {
      await queue.enqueue(jobs);
      const r = await queue.waitUntilDone(jobs, { pollMs: 100 });
      expect(r).toMatchObject({ done: jobs.length, failed: [] });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await queue.close();
      await Promise.all(connections.map((c) => c.quit()));
    }
    const cache = await mkdtemp(path.join(tmpdir(), 'spyglass-stage-'));
    const remote = (spec: DatasetSpec) => new ObjectStoreDataset({ store, spec, cacheDir: cache });
    for (const spec of Object.values(rawDatasetSpecs)) await remote(spec).stage();
    await consolidate({ root: cache, dates });
    await generateFeatures({ root: cache, dates });

    const [want, got] = [await partitionChecksums(embedded), await partitionChecksums(cache)];
    const raw = (o: Record<string, unknown>) => Object.keys(o).filter((k) => k.startsWith('raw/'));
    expect(raw(got).sort()).toEqual(raw(want).sort());
    expect(Object.keys(want).filter((k) => k.startsWith('processed/')).length).toBeGreaterThanOrEqual(2);
    expect(got).toEqual(want);
    store.close();
  }, 180_000);
});
