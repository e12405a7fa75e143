// SIGTERM to `ml walk-forward --queue` (a real CLI child, a real redis-server, a real feature
// dataset): the run is given up, so its folds leave the queue instead of waiting for a worker.
import { createConnection } from 'node:net';
import { rm } from 'node:fs/promises';
import { startRedis, type TestRedis } from '@spyglass/cluster/testing';
import { buildFeatureDataset, type FeatureDataset } from '@spyglass/pipeline/testing';
import { startCli } from '../../__test-support__/cli-process.js';

/** One Redis command over a raw socket, its integer reply (the test needs counts, not a client). */
const redisInt = (port: number, command: string) =>
  new Promise<number>((resolve, reject) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => c.write(`${command}\r\n`));
    c.once('data', (d) => (c.destroy(), resolve(Number(/^:(\d+)/.exec(d.toString())?.[1] ?? NaN))));
    c.once('error', reject);
  });

describe('ml walk-forward --queue stopped by SIGTERM', () => {
  let data: FeatureDataset;
  let redis: TestRedis;
  beforeAll(async () => {
    [data, redis] = await Promise.all([buildFeatureDataset(), startRedis()]);
  }, 300_000);
  afterAll(async () => {
    await redis.stop();
    await rm(data.root, { recursive: true, force: true });
  });

  it('exits 143 with one line and takes its waiting folds out of the queue (no worker trains them later)', async () => {
    // No worker runs: the folds wait in the queue until the signal.
    const run = startCli(['ml', 'walk-forward', '--queue', redis.url, '--namespace', 'wfstop', '--mode', 'expanding', '--train-months', '1', '--test-months', '1',
      '--allow-partial-test', '--rounds', '20', '--data-root', data.root, '--log-level', 'silent'], { OMP_WAIT_POLICY: 'passive' });
    let waiting = 0;
    for (let i = 0; i < 1_200 && waiting === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      waiting = await redisInt(redis.port, 'LLEN wfstop:bull:walk-forward:wait');
    }
    expect(waiting).toBeGreaterThan(0);
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(143);
    expect(run.stderr).toMatch(/\nspyglass: STOPPED: ml walk-forward stopped by SIGTERM; its folds still waiting in the queue were removed and the workers skip the rest\n$/);
    expect(await redisInt(redis.port, 'LLEN wfstop:bull:walk-forward:wait')).toBe(0);
  }, 300_000);
});
