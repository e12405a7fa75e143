// `spyglass worker`, `backfill-all --queue … --store …` and `workers list|stop --queue` against a real
// redis-server, s3rver and the exchange simulator, in-process as main.ts wires them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis, startS3, type TestRedis, type TestS3 } from '@spyglass/cluster/testing';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { S3ObjectStore } from '@spyglass/storage';
import { runCli } from '../__test-support__/run-cli.js';

describe('cluster commands', () => {
  let sim: ExchangeSim;
  let redis: TestRedis;
  let s3: TestS3;
  let root: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    [sim, redis, s3] = await Promise.all([createExchangeSim({ seed: 42, port: 0 }), startRedis(), startS3(['market'])]);
    root = await mkdtemp(join(tmpdir(), 'spyglass-cli-cluster-'));
    Object.assign(process.env, { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey });
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await Promise.all([sim.close(), redis.stop(), s3.close()]);
    await rm(root, { recursive: true, force: true });
  });

  it('a worker and backfill-all --queue --store fill the object store; workers list/stop see the worker across machines', async () => {
    const common = ['--queue', redis.url, '--store', 's3://market/cli', '--s3-endpoint', s3.endpoint, '--namespace', 'cli', '--data-root', root, '--log-level', 'silent'];
    const worker = runCli('worker', ...common, '--concurrency', '4', '--rate-limit', '0', '--json');
    for (let i = 0; i < 100; i++) {
      if (JSON.parse(await runCli('workers', 'list', '--queue', redis.url, '--namespace', 'cli', '--json')).length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = JSON.parse(await runCli('backfill-all', ...common, '--start-date', '2025-03-03', '--end-date', '2025-03-04', '--json')) as { total: number; done: number; failed: unknown[] };
    expect(result.done).toBe(result.total);
    expect(result.total).toBeGreaterThanOrEqual(6); // SPY, I:VIX and news × 2 days
    expect(result.failed).toEqual([]);
    const listed = JSON.parse(await runCli('workers', 'list', '--queue', redis.url, '--namespace', 'cli', '--json')) as Array<{ id: string; alive: boolean; processed: number }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.alive).toBe(true);
    const stopped = JSON.parse(await runCli('workers', 'stop', 'all', '--queue', redis.url, '--namespace', 'cli', '--json')) as { stopped: string[] };
    expect(stopped.stopped).toEqual([listed[0]!.id]);
    await worker;
    const reader = new S3ObjectStore({ url: 's3://market/cli', endpoint: s3.endpoint, credentials: s3.credentials });
    const keys = (await reader.list('raw/')).map((o) => o.key);
    reader.close();
    expect(keys).toContain('raw/stocks/ticker=SPY/date=2025-03-03/part-0.parquet');
    expect(keys).toContain('raw/indices/ticker=I:VIX/date=2025-03-04/part-0.parquet');
    // Run again: every job is checkpointed, nothing is queued, no worker is needed.
    const again = JSON.parse(await runCli('backfill-all', ...common, '--start-date', '2025-03-03', '--end-date', '2025-03-04', '--json')) as { done: number; total: number };
    expect(again.done).toBe(again.total);
  }, 120_000);

  it.each([
    ['an unreachable queue', async () => ['worker', '--queue', `redis://:hunter2@127.0.0.1:${await freePort()}`], 'NETWORK', /redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: cannot connect/],
    ['a missing bucket', async () => ['worker', '--queue', redis.url, '--store', 's3://nobucket/x', '--s3-endpoint', s3.endpoint], 'CONFIG', /s3:\/\/nobucket\/x at http:\/\/127\.0\.0\.1:\d+: bucket does not exist/],
    ['a store without a queue', async () => ['backfill-all', '--store', 's3://market/x'], 'INVALID_ARGUMENT', /--store needs --queue/],
  ])('%s fails at once with one line naming the URL, never a secret', async (_what, args, code, message) => {
    const err = await runCli(...(await args()), '--data-root', root, '--log-level', 'silent').then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err).toMatchObject({ code });
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toMatch(/hunter2|S3RVER/);
  });
});
