// `spyglass download-options` against the exchange simulator, in-process as main.ts wires it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { runCli } from '../__test-support__/run-cli.js';
import { canPrompt } from './backfill.js';

describe('download-options --mode test', () => {
  let sim: ExchangeSim;
  let root: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, port: 0 });
    root = await mkdtemp(join(tmpdir(), 'spyglass-dlopt-'));
    Object.assign(process.env, { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url });
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
    await rm(root, { recursive: true, force: true });
  });

  it('takes separate --n-calls/--n-puts, downloads only listed contracts and counts the ones with bars', async () => {
    const out = JSON.parse(
      await runCli('download-options', '--mode', 'test', '--n-calls', '14', '--n-puts', '3', '--increment', '0.5', '--start-date', '2025-03-03', '--end-date', '2025-03-04',
        '--rate-limit', '0', '--data-root', root, '--log-level', 'silent', '--json'),
    ) as { days: Array<{ contracts: string[]; unlisted: string[]; contractsWithBars: number; contractsWithoutBars: string[] }>; totals: Record<string, number> };
    expect(out.days).toHaveLength(2);
    for (const d of out.days) {
      const calls = [...d.contracts, ...d.unlisted].filter((t) => /C\d{8}$/.test(t));
      expect(calls).toHaveLength(14);
      expect(d.contracts.length + d.unlisted.length).toBe(17);
      expect(d.contractsWithBars).toBe(d.contracts.length);
      expect(d.contractsWithoutBars).toEqual([]);
    }
    expect(out.totals.unlisted).toBeGreaterThan(0);
    expect(out.totals.withBars).toBe(out.totals.selected);
  });

  it('prints the unlisted tickers and the with-bars count in text mode', async () => {
    const text = await runCli('download-options', '--mode', 'test', '--n-calls', '9', '--n-puts', '1', '--increment', '0.5', '--start-date', '2025-03-05', '--end-date', '2025-03-05',
      '--rate-limit', '0', '--data-root', root, '--log-level', 'silent');
    expect(text).toMatch(/2025-03-05: open \d+\.\d\d, exp 2025-03-05, \d+ contracts with bars \(\d+ selected: 0 without bars, 0 resumed\)/);
    expect(text).toMatch(/not listed, not downloaded: O:SPY250305C\d{8}/);
    expect(text).toMatch(/^total: \d+ contracts with bars, 0 without, 0 resumed, \d+ selected but not listed; \d+ bars$/m);
  });
});

describe('download-options --mode test with the default config (config/sources.yaml)', () => {
  let sim: ExchangeSim;
  let root: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, port: 0 });
    root = await mkdtemp(join(tmpdir(), 'spyglass-dlopt-default-'));
    Object.assign(process.env, { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url });
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
    await rm(root, { recursive: true, force: true });
  });

  // The demo's 4 strikes a side: with the old $0.50 default, 8 of these 40 contracts were not
  // listed (23 %, as the demo's 455 of 2,008); SPY's daily expirations list $1 strikes.
  it('builds $1 strikes, every one listed, so every selected contract gets bars', async () => {
    const out = JSON.parse(
      await runCli('download-options', '--mode', 'test', '--n-calls', '4', '--n-puts', '4', '--start-date', '2025-03-03', '--end-date', '2025-03-07',
        '--rate-limit', '0', '--data-root', root, '--log-level', 'silent', '--json'),
    ) as { days: Array<{ contracts: string[]; unlisted: string[] }>; totals: Record<string, number> };
    expect(out.days).toHaveLength(5);
    expect(out.totals).toMatchObject({ selected: 40, withBars: 40, withoutBars: 0, unlisted: 0 });
    for (const d of out.days) expect(d.contracts.every((t) => t.endsWith('000'))).toBe(true);
  });
});

describe('canPrompt: the step-26 prompt only on an interactive terminal, never in CI', () => {
  it.each([
    [true, true, undefined, true],
    [true, true, 'true', false],
    [true, true, 'false', true],
    [false, true, undefined, false],
    [true, false, undefined, false],
    [undefined, undefined, undefined, false],
  ])('stdin TTY %s, stderr TTY %s, CI=%s → %s', (stdinTty, stderrTty, ci, expected) => {
    expect(canPrompt({ stdin: { isTTY: stdinTty }, stderr: { isTTY: stderrTty }, ci })).toBe(expected);
  });
});
