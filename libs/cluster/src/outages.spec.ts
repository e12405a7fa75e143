import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { ingestJobsFor } from '@spyglass/pipeline';
import { datasetDigest } from './__test-support__/dataset-digest.js';
import { freePort, startRedis, type TestRedis } from './testing/redis-server.js';
import { referenceRun } from './__test-support__/reference-run.js';
import { IngestQueue } from './ingest-queue.js';
import { IngestWorker } from './ingest-worker.js';
import { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { connectRedis, redactRedisUrl, redisOptionsOf } from './redis-connection.js';

const SEED = 13;
const jobs = ingestJobsFor({ stocks: ['SPY', 'QQQ'] }, '2025-03-03', '2025-03-07');

describe('cluster: outages and bad input (real redis-server)', () => {
  let redis: TestRedis;
  let guarded: TestRedis;
  let sim: ExchangeSim;
  beforeAll(async () => {
    [redis, guarded, sim] = await Promise.all([startRedis(), startRedis({ password: 'the-right-one' }), createExchangeSim({ seed: SEED, faults: { slowRate: 1, slowMs: 400 } })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([redis.stop(), guarded.stop(), sim.close()]);
  });

  it('Redis restarted mid-backfill (no persistence) loses its queue: the enqueuer re-creates the missing jobs, workers reconnect, same data', async () => {
    const ns = 'outage';
    const root = await mkdtemp(path.join(tmpdir(), 'spyglass-outage-'));
    const client = await connectRedis(redis.url);
    const connections = await Promise.all([0, 1].map(() => connectRedis(redis.url)));
    const workers = await Promise.all(
      connections.map(async (connection) =>
        IngestWorker.start({
          redis: connection, namespace: ns, concurrency: 2, rateLimit: null, lockDurationMs: 3_000, stalledIntervalMs: 1_500,
          ingestion: { dataRoot: root, apiKey: 'test-key', restBaseUrl: sim.url, dedupCapacity: 100_000, extendedHours: false,
            retryPolicy: { maxAttempts: 8, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 20, jitter: 0 },
            options: { mode: 'test', params: { underlying: 'SPY' }, concurrency: 2 } },
        }),
      ),
    );
    const queue = new IngestQueue({ redis: client, namespace: ns, checkpoints: new RedisCheckpointStore({ redis: client, namespace: ns }) });
    try {
      await queue.enqueue(jobs);
      let restarted = false;
      const result = await queue.waitUntilDone(jobs, {
        pollMs: 100,
        onProgress: (p) => {
          if (!restarted && p.done >= 2) {
            restarted = true;
            void redis.restart();
          }
        },
      });
      expect(restarted).toBe(true);
      expect(result.done).toBe(jobs.length);
      expect(result.failed).toEqual([]);
      // The restart emptied Redis (checkpoints too: no durable copy here), so jobs were added again.
      expect(result.requeued).toBeGreaterThan(0);
      const got = await datasetDigest(root, 'stocks');
      expect(got.duplicateKeys).toBe(0);
      expect(got).toEqual(await datasetDigest(await referenceRun(SEED, jobs), 'stocks'));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await queue.close();
      await Promise.all([client, ...connections].map((c) => c.quit()));
    }
  }, 120_000);

  it.each([
    ['an unreachable server', async () => `redis://:hunter2@127.0.0.1:${await freePort()}`, 'NETWORK', /^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: cannot connect/],
    ['a wrong password', async () => `redis://:hunter2@127.0.0.1:${guarded.port}`, 'AUTH_FAILED', /^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: credentials refused/],
    ['a URL that is not redis://', async () => 'http://hunter2@127.0.0.1:6379', 'CONFIG', /scheme must be redis:\/\/ or rediss:\/\//],
    ['a database that is not a number', async () => 'redis://127.0.0.1:6379/x', 'CONFIG', /database 'x' is not a number/],
  ])('%s fails fast with one line naming the URL, never its password', async (_what, url, code, message) => {
    const started = Date.now();
    const err = (await connectRedis(await url(), { connectTimeoutMs: 2_000 }).then(
      (c) => (c.disconnect(), undefined),
      (e: unknown) => e as Error & { code: string },
    ))!;
    expect(err).toMatchObject({ code });
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('hunter2');
    expect(err.message.split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it.each([
    ['redis://:p%40ss@h:6380/2', { host: 'h', port: 6380, password: 'p@ss', db: 2 }, 'redis://:***@h:6380/2'],
    ['redis://user:pw@h', { host: 'h', port: 6379, username: 'user', password: 'pw' }, 'redis://user:***@h'],
    ['redis://h:1', { host: 'h', port: 1 }, 'redis://h:1'],
  ])('parses %s', (url, options, redacted) => {
    expect(redisOptionsOf(url)).toEqual(options);
    expect(redactRedisUrl(url)).toBe(redacted);
  });
});
