import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { startCli, tempDataRoot, until, type CliRun } from '../__test-support__/cli-process.js';

describe('long-running stream commands stop on SIGTERM (real CLI, simulator)', () => {
  let sim: ExchangeSim;
  let run: CliRun | undefined;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 6 });
  });
  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
  });
  afterAll(() => sim.close());

  it('stream-news, idle between polls (no articles arriving), stops within seconds of SIGTERM and prints its summary', async () => {
    const news = () => sim.stats().requests.news ?? 0;
    const before = news();
    run = startCli(['--data-root', tempDataRoot(), 'stream-news', '--ignore-market-hours'], {
      MASSIVE_API_KEY: 'k',
      MASSIVE_REST_URL: sim.url,
      MASSIVE_WS_URL: sim.wsUrl,
      SPYGLASS_LOG_LEVEL: 'error',
    });
    // After its first poll it waits sources.yaml news.pollIntervalMs (60 s) for the next.
    await until(() => (news() > before ? true : undefined), 90_000, 'the first news poll');
    await new Promise((r) => setTimeout(r, 500));
    const asked = Date.now();
    run.child.kill('SIGTERM');
    const exit = await run.exit;
    expect(exit.at - asked).toBeLessThan(5_000);
    expect(exit.code).toBe(0);
    expect(run.stdout).toMatch(/stream:news:SPY: \d+ stored, .* stopped by/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 150_000);
});
