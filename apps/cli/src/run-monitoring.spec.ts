// The CLI's long runs leave heartbeat/ and metrics/ files under the data root, and `purge` (categories
// heartbeat and metrics) removes them: backfill and download-options against the exchange simulator.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataRootLayout } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import type { HeartbeatRecord, PerformanceSnapshot } from '@spyglass/monitoring';
import { runCli } from './__test-support__/run-cli.js';

describe('heartbeat and metrics files of CLI long runs', () => {
  let sim: ExchangeSim;
  let root: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, port: 0 });
    root = await mkdtemp(join(tmpdir(), 'spyglass-run-monitor-'));
    Object.assign(process.env, { MASSIVE_API_KEY: 'test-key', MASSIVE_REST_URL: sim.url });
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
    await rm(root, { recursive: true, force: true });
  });

  const cli = (...argv: string[]) => runCli(...argv, '--data-root', root, '--log-level', 'silent', '--json');
  const at = () => dataRootLayout(root);
  const snapshots = async (component: string): Promise<PerformanceSnapshot[]> =>
    (await readFile(at().metricsLog(component, Date.now()), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as PerformanceSnapshot);

  it.each([
    ['backfill', ['backfill', '--ticker', 'SPY', '--start-date', '2025-03-04', '--end-date', '2025-03-05', '--no-resume'], 'backfill:SPY', 780],
    ['download-options', ['download-options', '--start-date', '2025-03-04', '--end-date', '2025-03-05', '--mode', 'test', '--no-prompt', '--no-resume'], 'download-options', 1],
  ])('%s writes its last heartbeat and a performance snapshot per beat, one timed unit per day', async (_name, argv, component, minBars) => {
    await cli(...argv, '--rate-limit', '0');
    const beat = JSON.parse(await readFile(at().heartbeatFile(component), 'utf8')) as HeartbeatRecord;
    expect(beat).toMatchObject({ component, stalled: false, progress: { days: 2 } });
    expect(beat.progress.bars).toBeGreaterThanOrEqual(minBars);
    const lines = await snapshots(component);
    expect(lines.length).toBeGreaterThanOrEqual(2); // the start and the stop, more on a slow machine
    const last = lines.at(-1)!;
    expect(last.session).toBe(component);
    expect(last.operations).toEqual([expect.objectContaining({ operation: 'day', count: 2, failures: 0, items: beat.progress.bars })]);
    expect(lines[0]!.operations).toEqual([]); // the first record is written before any day finished
  });

  it('purge --category heartbeat metrics removes them and nothing else', async () => {
    const before = (await readdir(at().heartbeats)).sort();
    expect(before).toEqual(['backfill_SPY.json', 'download-options.json']);
    const raw = join(root, 'raw', 'stocks', 'ticker=SPY', 'date=2025-03-04');
    expect(existsSync(raw)).toBe(true);
    const dry = JSON.parse(await cli('purge', '--category', 'heartbeat', 'metrics', '--retention-days', '0')) as { dryRun: boolean; totalFiles: number };
    expect(dry).toMatchObject({ dryRun: true, totalFiles: 4 });
    expect(await readdir(at().heartbeats)).toEqual(before);
    const done = JSON.parse(await cli('purge', '--category', 'heartbeat', 'metrics', '--retention-days', '0', '--apply')) as {
      dryRun: boolean; byCategory: Record<string, { files: number }>;
    };
    expect(done.dryRun).toBe(false);
    expect(done.byCategory).toMatchObject({ heartbeat: { files: 2 }, metrics: { files: 2 } });
    expect(existsSync(at().heartbeatFile('backfill:SPY'))).toBe(false);
    expect(existsSync(at().metricsLog('download-options', Date.now()))).toBe(false);
    expect(existsSync(raw)).toBe(true);
  });
});
