import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion, ingestJobsFor, runIngestJob, type IngestionSettings } from '@spyglass/pipeline';
import { consolidate, generateFeatures } from '@spyglass/processing';
import { S3ObjectStore } from '@spyglass/storage';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { downloadStore } from './testing/download-store.js';
import { partitionChecksums } from './testing/partition-checksums.js';
import { startWorkerProcess, stopWorkerProcess } from './__test-support__/worker-process.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { startS3, type TestS3 } from '@spyglass/storage/testing';
import { ComputeFlow, computeDoneKey } from './compute-flow.js';
import { COMPUTE_QUEUE } from './compute-job.js';
import { IngestQueue } from './ingest-queue.js';
import { IngestWorker } from './ingest-worker.js';
import { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { connectRedis } from './redis-connection.js';

const SEED = 21;
const dates = ['2025-03-04', '2025-03-05'];
const jobs = ingestJobsFor({ stocks: ['SPY'], indices: ['I:VIX'], news: ['SPY'], options: ['SPY'] }, dates[0]!, dates[1]!);
const LOCK_MS = 3_000;
const STALLED_MS = 1_500;
const ingestion = (dataRoot: string, restBaseUrl: string): Omit<IngestionSettings, 'rateLimiter' | 'backends' | 'requestsPerMinute'> => ({
  dataRoot, apiKey: 'test-key', restBaseUrl, dedupCapacity: 100_000, extendedHours: false,
  retryPolicy: { maxAttempts: 8, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 20, jitter: 0 },
  options: { mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 },
});

describe('cluster: Redis + s3rver run (ingestion, then per-date consolidation and features as BullMQ flows) equals the embedded run', () => {
  let redis: TestRedis;
  let s3: TestS3;
  let sim: ExchangeSim;
  let client: Redis;
  let want: Record<string, { rows: number; checksum: string }>;
  beforeAll(async () => {
    [redis, s3, sim] = await Promise.all([startRedis(), startS3(['market']), createExchangeSim({ seed: SEED })]);
    client = await connectRedis(redis.url);
    // Embedded: one process, local data root, every step over both dates at once.
    const embedded = await mkdtemp(path.join(tmpdir(), 'spyglass-embedded-'));
    const local = new Ingestion({ ...ingestion(embedded, sim.url), requestsPerMinute: null });
    for (const j of jobs) await runIngestJob(local, j);
    await consolidate({ root: embedded, dates });
    await generateFeatures({ root: embedded, dates });
    want = await partitionChecksums(embedded);
    expect(Object.keys(want).filter((k) => k.startsWith('processed/')).length).toBeGreaterThanOrEqual(4);
  }, 120_000);
  afterAll(async () => {
    await client.quit();
    await Promise.all([redis.stop(), s3.close(), sim.close()]);
  });

  it('two workers: each date is consolidated and featured after its own ingestion; same row counts and DuckDB checksums per partition', async () => {
    const ns = 'equiv';
    const store = new S3ObjectStore({ url: 's3://market/equiv', endpoint: s3.endpoint, credentials: s3.credentials });
    const connections = await Promise.all([0, 1].map(() => connectRedis(redis.url)));
    const workerRoot = await mkdtemp(path.join(tmpdir(), 'spyglass-worker-'));
    const workers = await Promise.all(connections.map((redisConn) =>
      IngestWorker.start({ redis: redisConn, namespace: ns, concurrency: 3, rateLimit: null, store, ingestion: ingestion(workerRoot, sim.url), compute: { concurrency: 1 } })));
    const queue = new IngestQueue({ redis: client, namespace: ns, checkpoints: new RedisCheckpointStore({ redis: client, namespace: ns, durable: store }) });
    const flow = new ComputeFlow({ redis: client, namespace: ns, ingest: queue });
    try {
      expect(await flow.enqueue(jobs)).toEqual({ flows: dates.length, ingest: jobs.length });
      const r = await flow.waitUntilDone(jobs, { pollMs: 100 });
      expect(r).toMatchObject({ total: 2 * dates.length, done: 2 * dates.length, failed: [] });
      // Ingestion came first: every ingest job is checkpointed (a consolidation before its options
      // day would also show in the checksums below).
      expect(await queue.pending(jobs)).toEqual([]);
      // Enqueuing again once everything is done adds nothing.
      expect(await flow.enqueue(jobs)).toEqual({ flows: 0, ingest: 0 });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all([flow.close(), queue.close()]);
      await Promise.all(connections.map((c) => c.quit()));
    }
    expect(await partitionChecksums(await downloadStore(store))).toEqual(want);
    store.close();
  }, 180_000);

  it('a worker process killed inside a compute step: the step finishes on the other worker; nothing lost or duplicated', async () => {
    const ns = 'flowcrash';
    const root = await mkdtemp(path.join(tmpdir(), 'spyglass-flowcrash-'));
    const s3cfg = { url: 's3://market/flowcrash', endpoint: s3.endpoint, credentials: s3.credentials };
    const base = { redisUrl: redis.url, namespace: ns, restBaseUrl: sim.url, dataRoot: root, rateLimit: null, lockDurationMs: LOCK_MS, stalledIntervalMs: STALLED_MS, s3: s3cfg, compute: { concurrency: 1 } };
    const [victim, survivor] = await Promise.all([startWorkerProcess({ ...base, concurrency: 1 }), startWorkerProcess({ ...base, concurrency: 3 })]);
    const queue = new IngestQueue({ redis: client, namespace: ns, checkpoints: new RedisCheckpointStore({ redis: client, namespace: ns }) });
    const flow = new ComputeFlow({ redis: client, namespace: ns, ingest: queue });
    const compute = new Queue(COMPUTE_QUEUE, { connection: client, prefix: `${ns}:bull` });
    try {
      await flow.enqueue(jobs);
      // The victim is killed as soon as BullMQ shows it processing a compute step (a step stages,
      // runs DuckDB and uploads: hundreds of milliseconds at least).
      let killedIn: string | undefined;
      for (let i = 0; i < 3_000 && !killedIn; i++) {
        killedIn = (await compute.getActive()).find((j) => j.processedBy === victim.id)?.id;
        if (!killedIn) await new Promise((r) => setTimeout(r, 20));
      }
      expect(killedIn).toMatch(/^compute\//);
      await stopWorkerProcess(victim, 'SIGKILL');
      const killedAt = Date.now();
      const r = await flow.waitUntilDone(jobs, { pollMs: 100 });
      expect(r).toMatchObject({ done: 2 * dates.length, failed: [] });
      // Redelivered after its lock expired and a stalled check saw it, then run (stage, DuckDB, upload).
      expect(Date.now() - killedAt).toBeLessThan(LOCK_MS + 2 * STALLED_MS + 20_000);
      expect(Object.keys(await client.hgetall(computeDoneKey(ns))).sort()).toEqual(ComputeFlow.steps(jobs).map((s) => `compute/${s.step}/${s.date}`).sort());
    } finally {
      await Promise.all([compute.close(), flow.close(), queue.close()]);
      await stopWorkerProcess(victim, 'SIGKILL');
      await stopWorkerProcess(survivor);
    }
    const store = new S3ObjectStore({ ...s3cfg });
    // Whole objects only: partitions and checkpoint records, nothing left half-written.
    expect((await store.list('')).map((o) => o.key).filter((k) => !/\/part-\d+\.parquet$/.test(k) && !/^checkpoints\/.+\.json$/.test(k))).toEqual([]);
    // Same partitions, rows and checksums as the embedded run: no row lost or duplicated.
    expect(await partitionChecksums(await downloadStore(store))).toEqual(want);
    store.close();
  }, 180_000);
});
