import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { isProcessAlive } from '@spyglass/core';
import { ProcessRegistry, verifyCheckpoints, type WorkerView } from '@spyglass/pipeline';
import { startCli, tempDataRoot, until, type CliRun } from '../__test-support__/cli-process.js';

// Long enough that a stop always lands mid-run; paced so workers queue for request permits.
const RANGE = ['--start-date', '2025-01-02', '--end-date', '2025-06-30'];

describe('backfill-all stops as a whole (real processes, simulator)', () => {
  let sim: ExchangeSim;
  let run: CliRun | undefined;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 8, apiKeys: ['good'] });
  });
  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
  });
  afterAll(() => sim.close());

  const start = (root: string, key = 'good', extra: string[] = []) =>
    startCli(['--data-root', root, '--log-level', 'error', 'backfill-all', ...RANGE, '--workers', '2', ...extra], {
      MASSIVE_API_KEY: key,
      MASSIVE_REST_URL: sim.url,
      MASSIVE_WS_URL: sim.wsUrl,
    });
  const requests = () => Object.values(sim.stats().requests).reduce((a, b) => a + b, 0);
  /** The parent and its two workers, once all are registered, alive, and both workers have sent requests (loaded, not starting). */
  const running = async (root: string, before: number) => {
    const ws = await until(async () => {
      const live = (await new ProcessRegistry({ dir: join(root, 'workers') }).list()).filter((w) => w.alive && w.status === 'running');
      return live.length === 3 ? live : undefined;
    }, 90_000, 'the parent and 2 workers to run');
    await until(() => (requests() - before >= 2 ? true : undefined), 90_000, 'both workers to send requests');
    return ws;
  };
  const workerPids = (ws: WorkerView[]) => ws.filter((w) => w.job !== 'backfill-all').map((w) => w.pid);

  it.each([
    ['SIGTERM to the parent', 143, (r: CliRun) => r.child.kill('SIGTERM')],
    ['SIGINT to the parent', 130, (r: CliRun) => r.child.kill('SIGINT')],
    ['`workers stop all` (workers waiting for rate-limit permits)', 143, (_r: CliRun, root: string) => void new ProcessRegistry({ dir: join(root, 'workers') }).stop('all')],
  ])('%s: workers stop within seconds, one line, no stack traces, checkpoints intact', async (_what, code, stop) => {
    const root = tempDataRoot();
    const before = requests();
    run = start(root, 'good', ['--rate-limit', '20']);
    const ws = await running(root, before);
    const asked = Date.now();
    stop(run, root);
    const exit = await run.exit;
    expect(exit.code).toBe(code);
    expect(exit.at - asked).toBeLessThan(15_000);
    await until(() => (workerPids(ws).some(isProcessAlive) ? undefined : true), 3_000, 'the workers to be gone');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^spyglass: STOPPED: backfill-all stopped by SIG(TERM|INT)/)]);
    expect(run.stderr).not.toMatch(/ERR_IPC|EPIPE|\n\s+at /);
    expect(run.stdout).not.toMatch(/: running|: failed/);
    expect(readdirSync(join(root, 'workers')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await verifyCheckpoints(root)).problems).toEqual([]);
  }, 150_000);

  it('orphaned workers exit on their own when the parent is killed with SIGKILL', async () => {
    const root = tempDataRoot();
    const before = requests();
    run = start(root, 'good', ['--rate-limit', '20']);
    const ws = await running(root, before);
    run.child.kill('SIGKILL');
    await run.exit;
    const killed = Date.now();
    await until(() => (workerPids(ws).some(isProcessAlive) ? undefined : true), 6_000, 'the orphaned workers to exit');
    expect(Date.now() - killed).toBeLessThan(6_000);
    const list = await new ProcessRegistry({ dir: join(root, 'workers') }).list();
    expect(list.filter((w) => w.job !== 'backfill-all').map((w) => w.state)).not.toContain('running');
  }, 150_000);

  it('a refused key stops every worker at once and exits 3 with a `spyglass: AUTH_FAILED:` line', async () => {
    const root = tempDataRoot();
    const before = requests();
    run = start(root, 'refused');
    const exit = await run.exit;
    expect(exit.code).toBe(3);
    expect(run.stderr).toMatch(/^spyglass: AUTH_FAILED: /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const sent = requests() - before;
    // At most the first requests in flight (4 ranges per worker, 2 workers); none retried, no queued task started.
    expect(sent).toBeLessThanOrEqual(8);
    expect(run.stdout).toMatch(/news-SPY-\d+: stopped/);
    expect(run.stdout.match(/: failed/g)?.length).toBe(1);
  }, 150_000);
});
