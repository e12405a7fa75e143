import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { ingestJobsFor } from '@spyglass/pipeline';
import type { Redis } from 'ioredis';
import { acceleratedClock } from './__test-support__/accelerated-clock.js';
import { datasetDigest } from './__test-support__/dataset-digest.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { referenceRun } from './__test-support__/reference-run.js';
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from './__test-support__/worker-process.js';
import { IngestQueue } from './ingest-queue.js';
import { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { connectRedis } from './redis-connection.js';

const SEED = 11;
// 15 single-request jobs: 3 tickers × 5 days of stock minute bars.
const jobs = ingestJobsFor({ stocks: ['SPY', 'QQQ', 'IWM'] }, '2025-03-03', '2025-03-07');
// The simulator's clock runs 6× faster: its one-minute rate-limit window lasts 10 s. The limiter's
// 5 % margin (500 ms here, 3 s on a real one-minute window) must cover the lag between a permit
// and the request's arrival, which a saturated 2-core machine (the whole suite in parallel)
// stretches to several hundred ms: 250 ms (a 5 s window) was not enough there.
const WINDOW_MS = 10_000;

describe('cluster: one global rate limit across worker processes (real redis-server)', () => {
  let redis: TestRedis;
  let client: Redis;
  let reference: Awaited<ReturnType<typeof datasetDigest>>;
  beforeAll(async () => {
    redis = await startRedis();
    client = await connectRedis(redis.url);
    reference = await datasetDigest(await referenceRun(SEED, jobs), 'stocks');
  }, 60_000);
  afterAll(async () => {
    await client.quit();
    await redis.stop();
  });

  async function runCluster(sim: ExchangeSim, namespace: string): Promise<{ root: string; seconds: number; failed: number; pauses: number }> {
    const root = await mkdtemp(path.join(tmpdir(), 'spyglass-cluster-'));
    const workers: WorkerProcess[] = await Promise.all(
      [0, 1, 2].map(() => startWorkerProcess({ redisUrl: redis.url, namespace, concurrency: 4, restBaseUrl: sim.url, dataRoot: root, rateLimit: { max: 5, windowMs: WINDOW_MS } })),
    );
    const queue = new IngestQueue({ redis: client, namespace, checkpoints: new RedisCheckpointStore({ redis: client, namespace }) });
    try {
      expect((await queue.workers()).filter((w) => w.alive)).toHaveLength(3);
      await queue.enqueue(jobs);
      const result = await queue.waitUntilDone(jobs, { pollMs: 200, onProgress: (p) => process.env.SPYGLASS_DEBUG && process.stderr.write(`${JSON.stringify(p)}\n`) });
      expect(result.done).toBe(jobs.length);
      return { root, seconds: result.seconds, failed: result.failed.length, pauses: Number(await client.get(`${namespace}:stats:pauses`)) };
    } finally {
      await queue.close();
      await Promise.all(workers.map((w) => stopWorkerProcess(w)));
    }
  }

  it('3 processes × concurrency 4 share 5 requests per window: no over-limit 429; forced 429s pause every worker; every job done, data equal to the single-process run', async () => {
    // Rate limit and forced 429s in one run: starting worker processes is the slow part of this test.
    const sim = await createExchangeSim({ seed: SEED, rateLimitPerMinute: 5, clock: acceleratedClock(60_000 / WINDOW_MS), faults: { rate429: 0.1 }, faultSeed: 3 });
    try {
      const run = await runCluster(sim, 'limit');
      const forced = sim.stats().faults.rate429;
      expect(forced).toBeGreaterThan(0);
      // Every 429 the simulator sent was a forced one: the shared budget never went over a window.
      expect(sim.stats().statuses['429']).toBe(forced);
      // Each forced 429 paused the whole cluster once.
      expect(run.pauses).toBe(forced);
      expect(sim.stats().requests.aggs).toBe(jobs.length + forced);
      // 15 + forced permits at 5 per window (+5 %): at least two windows after the first.
      expect(run.seconds).toBeGreaterThan((2 * WINDOW_MS * 1.05) / 1000 - 0.1);
      expect(run.failed).toBe(0);
      expect(await datasetDigest(run.root, 'stocks')).toEqual(reference);
    } finally {
      await sim.close();
    }
  }, 240_000);
});
