// `spyglass worker`, `backfill-all --queue … --store …` and `workers list|stop --queue` against a real
// redis-server, s3rver and the exchange simulator, in-process as main.ts wires them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadStore, freePort, partitionChecksums, startRedis, startS3, type TestRedis, type TestS3 } from '@spyglass/cluster/testing';
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

  it('two workers and one backfill-all --queue --store run the whole main job (ingestion, then per date consolidation + features); equals the embedded run; workers list/stop see both', async () => {
    const range = ['--start-date', '2025-03-03', '--end-date', '2025-03-04'];
    const common = ['--queue', redis.url, '--store', 's3://market/cli', '--s3-endpoint', s3.endpoint, '--namespace', 'cli', '--data-root', root, '--log-level', 'silent'];
    const workers = [0, 1].map(() => runCli('worker', ...common, '--concurrency', '4', '--rate-limit', '0', '--json'));
    for (let i = 0; i < 200; i++) {
      if (JSON.parse(await runCli('workers', 'list', '--queue', redis.url, '--namespace', 'cli', '--json')).length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = JSON.parse(await runCli('backfill-all', ...common, ...range, '--json')) as { total: number; done: number; failed: unknown[]; compute: { total: number; done: number; failed: unknown[] } };
    expect(result).toMatchObject({ total: 8, done: 8, failed: [] }); // SPY, I:VIX, SPY news and SPY options × 2 days
    expect(result.compute).toMatchObject({ total: 4, done: 4, failed: [] }); // consolidation and features × 2 days
    const listed = JSON.parse(await runCli('workers', 'list', '--queue', redis.url, '--namespace', 'cli', '--json')) as Array<{ id: string; alive: boolean; processed: number }>;
    expect(listed).toHaveLength(2);
    expect(listed.every((w) => w.alive)).toBe(true);
    const stopped = JSON.parse(await runCli('workers', 'stop', 'all', '--queue', redis.url, '--namespace', 'cli', '--json')) as { stopped: string[] };
    expect(stopped.stopped.sort()).toEqual(listed.map((w) => w.id).sort());
    await Promise.all(workers);
    const reader = new S3ObjectStore({ url: 's3://market/cli', endpoint: s3.endpoint, credentials: s3.credentials });
    const cluster = await partitionChecksums(await downloadStore(reader));
    reader.close();
    expect(Object.keys(cluster)).toEqual(expect.arrayContaining([
      'raw/stocks/ticker=SPY/date=2025-03-03/part-0.parquet',
      'raw/indices/ticker=I:VIX/date=2025-03-04/part-0.parquet',
    ]));
    // The embedded run of the same main job: one process, a local data root, no server.
    const embedded = await mkdtemp(join(tmpdir(), 'spyglass-cli-embedded-'));
    const local = ['--data-root', embedded, '--log-level', 'silent', ...range];
    for (const cmd of [['backfill'], ['backfill-vix'], ['backfill-news'], ['download-options'], ['consolidate'], ['ml', 'generate-features']]) await runCli(...cmd, ...local);
    const want = Object.fromEntries(Object.entries(await partitionChecksums(embedded)).filter(([k]) => /^(raw|processed)\//.test(k)));
    expect(Object.keys(want).filter((k) => k.startsWith('processed/')).length).toBeGreaterThanOrEqual(4);
    expect(cluster).toEqual(want);
    await rm(embedded, { recursive: true, force: true });
    // Run again: every job and step is done, nothing is queued, no worker is needed.
    const again = JSON.parse(await runCli('backfill-all', ...common, ...range, '--json')) as { done: number; total: number; compute: { done: number; total: number } };
    expect(again).toMatchObject({ done: 8, total: 8, compute: { done: 4, total: 4 } });
  }, 300_000);

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
