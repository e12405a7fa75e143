import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { ingestJobId, ingestJobsFor } from '@spyglass/pipeline';
import { ObjectStoreDataset, S3ObjectStore, rawDatasetSpecs } from '@spyglass/storage';
import { startS3, type TestS3 } from '@spyglass/storage/testing';
import type { Redis } from 'ioredis';
import { datasetDigest } from './__test-support__/dataset-digest.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { referenceRun } from './__test-support__/reference-run.js';
import { startWorkerProcess, stopWorkerProcess } from './__test-support__/worker-process.js';
import { IngestQueue } from './ingest-queue.js';
import { HEARTBEAT_MS } from './worker-registry.js';
import { RedisCheckpointStore } from './redis-checkpoint-store.js';
import { connectRedis } from './redis-connection.js';

const SEED = 12;
// 12 jobs for 5 worker slots: when the survivor finishes its first job, work is left for the victim
// to be inside one. With 6, the survivor could take the last job first and leave the victim idle (a
// CI run at load 6 waited 60 s for a victim that had nothing to do).
const jobs = ingestJobsFor({ stocks: ['SPY'], indices: ['I:VIX'] }, '2025-03-03', '2025-03-10');
const LOCK_MS = 3_000;
const STALLED_MS = 1_500;
const SLOW_MS = 2_000;

describe('cluster: a worker killed mid-job (real redis-server, s3rver)', () => {
  let redis: TestRedis;
  let client: Redis;
  let s3: TestS3;
  let sim: ExchangeSim;
  beforeAll(async () => {
    [redis, s3, sim] = await Promise.all([startRedis(), startS3(['market']), createExchangeSim({ seed: SEED, faults: { slowRate: 1, slowMs: SLOW_MS } })]);
    client = await connectRedis(redis.url);
  }, 60_000);
  afterAll(async () => {
    await client.quit();
    await Promise.all([redis.stop(), s3.close(), sim.close()]);
  });

  it('its job finishes on another worker within lock duration + stalled interval; data equals the single-process run; no temp objects or stale locks', async () => {
    const ns = 'crash';
    const root = await mkdtemp(path.join(tmpdir(), 'spyglass-crash-'));
    const s3cfg = { url: 's3://market/crash', endpoint: s3.endpoint, credentials: s3.credentials };
    const base = { redisUrl: redis.url, namespace: ns, restBaseUrl: sim.url, dataRoot: root, rateLimit: null, lockDurationMs: LOCK_MS, stalledIntervalMs: STALLED_MS, s3: s3cfg };
    const [victim, survivor] = await Promise.all([startWorkerProcess({ ...base, concurrency: 1 }), startWorkerProcess({ ...base, concurrency: 4 })]);
    const checkpoints = new RedisCheckpointStore({ redis: client, namespace: ns });
    const queue = new IngestQueue({ redis: client, namespace: ns, checkpoints });
    try {
      await queue.enqueue(jobs);
      // Wait until the survivor has finished a job (warm: its first Parquet write compiles WASM, which
      // blocks its event loop and so its stalled checks) and the victim is inside a job (its request
      // takes SLOW_MS at the simulator), then kill -9 the victim.
      let running: string | undefined;
      for (let i = 0; i < 1200 && !running; i++) {
        const ws = await queue.workers();
        const warm = (ws.find((w) => w.id === survivor.id)?.processed ?? 0) > 0;
        running = warm ? ws.find((w) => w.id === victim.id)?.active[0] : undefined;
        if (!running) await new Promise((r) => setTimeout(r, 50));
      }
      expect(running).toBeDefined();
      await stopWorkerProcess(victim, 'SIGKILL');
      const killedAt = Date.now();
      // When the survivor shows the victim's job among its active ones (its heartbeat is every HEARTBEAT_MS),
      // or, on a loaded machine where the redelivered job can start and finish between two heartbeats,
      // when that job is done.
      const killedJob = jobs.filter((j) => ingestJobId(j) === running);
      const killedJobDoneAt = queue.waitUntilDone(killedJob.length ? killedJob : jobs, { pollMs: 100 }).then(() => Date.now());
      let redeliveredAt = 0;
      const watch = (async () => {
        while (!redeliveredAt && Date.now() - killedAt < 60_000) {
          if ((await queue.workers()).some((w) => w.id === survivor.id && w.active.includes(running!))) redeliveredAt = Date.now();
          else await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const result = await queue.waitUntilDone(jobs, { pollMs: 100 });
      await watch;
      expect(result.done).toBe(jobs.length);
      expect(result.failed).toEqual([]);
      // Redelivered once its lock expired and a stalled check saw it (two checks at most), plus heartbeat
      // slack — or, when only its completion was seen, plus the job's own slow request.
      const seenAt = redeliveredAt || (await killedJobDoneAt);
      if (process.env.SPYGLASS_DEBUG) process.stderr.write(`redelivered after ${seenAt - killedAt} ms\n`);
      expect(seenAt - killedAt).toBeLessThan(LOCK_MS + 2 * STALLED_MS + 2 * HEARTBEAT_MS + (redeliveredAt ? 0 : SLOW_MS) + 1_000);

      const store = new S3ObjectStore({ ...s3cfg });
      // Only whole partitions and checkpoint records: a PUT leaves no temp object.
      expect((await store.list('')).map((o) => o.key).filter((k) => !/\/part-0\.parquet$/.test(k) && !/^checkpoints\/.+\.json$/.test(k))).toEqual([]);
      expect((await store.list('checkpoints/')).length).toBe(jobs.length);
      // No partition lock outlives its holder's TTL (the victim died outside any write, or its lock expired).
      for (let i = 0; i < 120 && (await client.keys(`${ns}:lock:*`)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await client.keys(`${ns}:lock:*`)).toEqual([]);

      const staged = await mkdtemp(path.join(tmpdir(), 'spyglass-staged-'));
      for (const d of ['stocks', 'indices'] as const) await new ObjectStoreDataset({ store, spec: rawDatasetSpecs[d], cacheDir: staged }).stage();
      const reference = await referenceRun(SEED, jobs);
      for (const d of ['stocks', 'indices'] as const) {
        const got = await datasetDigest(staged, d);
        expect(got.duplicateKeys).toBe(0);
        expect(got).toEqual(await datasetDigest(reference, d));
      }
      store.close();
    } finally {
      await queue.close();
      await stopWorkerProcess(survivor);
    }
  }, 240_000);
});
