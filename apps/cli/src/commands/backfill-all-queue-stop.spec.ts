// SIGTERM to `backfill-all --queue` (a real CLI child, a real redis-server, the simulator): the
// enqueuer only waits for the workers, so a signal ends the wait and says what stays queued.
import { createConnection } from 'node:net';
import { rm } from 'node:fs/promises';
import { startRedis, type TestRedis } from '@spyglass/cluster/testing';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { startCli, tempDataRoot } from '../__test-support__/cli-process.js';

/** LLEN of a Redis list over a raw socket (the test needs one number, not a client). */
const llen = (port: number, key: string) =>
  new Promise<number>((resolve, reject) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => c.write(`LLEN ${key}\r\n`));
    c.once('data', (d) => (c.destroy(), resolve(Number(/^:(\d+)/.exec(d.toString())?.[1] ?? NaN))));
    c.once('error', reject);
  });

describe('backfill-all --queue stopped by SIGTERM', () => {
  let sim: ExchangeSim;
  let redis: TestRedis;
  const root = tempDataRoot();
  beforeAll(async () => {
    [sim, redis] = await Promise.all([createExchangeSim({ seed: 42, port: 0 }), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([sim.close(), redis.stop()]);
    await rm(root, { recursive: true, force: true });
  });

  it('exits 143 with one line: how many jobs stay queued, where, and that the workers run them; the jobs stay', async () => {
    // No worker runs: every job stays waiting, so the count in the line is known.
    const run = startCli(['backfill-all', '--queue', redis.url, '--namespace', 'stop', '--no-compute', '--tickers', 'SPY', '--start-date', '2025-03-03', '--end-date', '2025-03-04', '--data-root', root, '--log-level', 'silent'],
      { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url });
    for (let i = 0; i < 600 && !run.stderr.includes('queued '); i++) await new Promise((r) => setTimeout(r, 50));
    expect(run.stderr).toMatch(/^queued 6 jobs \(0 already done\) on redis:\/\/127\.0\.0\.1:\d+\n$/); // SPY, I:VIX, SPY news × 2 days
    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(143);
    expect(run.stderr.split('\n').slice(1).join('\n')).toMatch(
      /^spyglass: STOPPED: backfill-all stopped waiting by SIGTERM; 6 of 6 jobs not done yet stay on redis:\/\/127\.0\.0\.1:\d+ and the workers run them \(run the same command again to follow them, `spyglass workers stop all --queue …` to stop the workers\)\n$/,
    );
    expect(await llen(redis.port, 'stop:bull:ingest:wait')).toBe(6);
  }, 90_000);
});
