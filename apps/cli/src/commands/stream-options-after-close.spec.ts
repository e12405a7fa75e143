// `spyglass stream-options` started after the close (issue 12, item 5): it waits for the next
// session's open, selects that session's contracts (not today's expired ones) and streams them. The
// CLI and the simulator share one simulated clock whose sleeps jump ahead, so the overnight wait
// takes no real time.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { useCliClock } from '../cli-clock.js';
import { tempDataRoot } from '../__test-support__/cli-process.js';
import { runCli } from '../__test-support__/run-cli.js';

/** Simulated time: `sleep(ms)` moves the clock to `now + ms` (never backwards) after one macrotask. */
class JumpingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    const target = this.t + Math.max(0, ms);
    this.sleeps.push(ms);
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw signal.reason;
    this.t = Math.max(this.t, target);
  }
}

describe('stream-options after the close (simulated clock)', () => {
  const tuesdayEvening = Date.UTC(2025, 2, 4, 22, 30); // 17:30 ET, 90 minutes after the 2025-03-04 close
  const wednesdayFirstBarEnds = Date.UTC(2025, 2, 5, 14, 31); // 09:31 ET
  let clock: JumpingClock;
  let sim: ExchangeSim;
  let root: string;
  let restore: () => void;
  const saved = { ...process.env };
  beforeAll(async () => {
    clock = new JumpingClock(tuesdayEvening);
    sim = await createExchangeSim({ seed: 42, port: 0, clock, sessionDate: '2025-03-05', speed: 0 });
    root = tempDataRoot();
    Object.assign(process.env, { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url, MASSIVE_WS_URL: sim.wsUrl });
    restore = useCliClock(clock);
  });
  afterAll(async () => {
    restore();
    process.env = saved;
    await sim.close();
    await rm(root, { recursive: true, force: true });
  });

  it("waits for Wednesday's open, then selects and streams Wednesday's 0DTE contracts, not Tuesday's expired ones", async () => {
    const out = JSON.parse(await runCli('stream-options', '--data-root', root, '--log-level', 'silent', '--json')) as Array<{ name: string; stored: number; stoppedBy: string }>;
    // The overnight wait was one sleep on the injected clock, up to the end of Wednesday's first minute.
    expect(clock.sleeps[0]).toBe(wednesdayFirstBarEnds - tuesdayEvening);
    expect(clock.now()).toBeGreaterThanOrEqual(wednesdayFirstBarEnds);
    expect(out).toHaveLength(1);
    expect(out[0]!.stored).toBeGreaterThan(0);
    const tickers = (await readdir(join(root, 'raw', 'options'))).map((d) => decodeURIComponent(d.replace(/^ticker=/, '')));
    expect(tickers.length).toBeGreaterThan(0);
    for (const t of tickers) expect(t).toMatch(/^O:SPY250305[CP]\d{8}$/);
  }, 120_000);
});
