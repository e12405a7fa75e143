import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { REPO, SESSION, sample, storedSpy, tempDataRoot, until } from './__test-support__/streamer-fixture.js';

// The real entry in a child process: `@spyglass/*` resolve to the libraries' dist there, which the
// package's `pretest` script builds (`tsc -b tsconfig.lib.json`).
const ENTRY = join(REPO, 'apps/streamer/src/main.ts');

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runEntry(args: string[], env: Record<string, string>): Run {
  const { NODE_OPTIONS: _jestFlags, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

describe('the streamer entry (node --import tsx src/main.ts)', () => {
  let sim: ExchangeSim;
  let dataRoot: string;
  let run: Run | undefined;

  beforeAll(() => {
    if (!existsSync(join(REPO, 'libs/pipeline/dist/index.js'))) throw new Error('build first: npx tsc -b apps/streamer/tsconfig.lib.json (npm test does it in pretest)');
  });

  afterEach(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
    await sim.close();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('on SIGTERM flushes every stream, prints the summary line and exits 0', async () => {
    sim = await createExchangeSim({ seed: 7, port: 0, speed: 0, sessionDate: SESSION });
    dataRoot = tempDataRoot();
    run = runEntry(['--config-dir', join(REPO, 'config'), '--data-root', dataRoot, '--port', '0', '--ignore-market-hours', '--options-date', SESSION], {
      MASSIVE_API_KEY: 'canary-key-5d1f',
      MASSIVE_REST_URL: sim.url,
      MASSIVE_WS_URL: sim.wsUrl,
      MASSIVE_REQUESTS_PER_MINUTE: 'null',
      SPYGLASS_LOG_LEVEL: 'info',
    });
    const r = run;
    const url = await until(async () => /on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(r.stdout)?.[1], 'the listening line', 20_000);
    await until(async () => sample(await (await fetch(`${url}/metrics`)).text(), 'spyglass_bars_ingested_total', { dataset: 'stocks' }) === 390, 'SPY at 390 stored');

    r.child.kill('SIGTERM');
    expect(await r.exit).toEqual({ code: 0, signal: null });
    const summary = r.stdout.trim().split('\n').at(-1)!;
    expect(summary).toMatch(/^streamer: [\d.]+ s; stream:stocks 390 stored, 0 duplicates, 0 quarantined, 0 reconnects, stopped by signal; stream:indices 390 stored, .*stream:options \d+ stored, .*stream:news:SPY \d+ stored, .*stopped by signal$/);
    expect(r.stderr).toContain('streamer: SIGTERM, flushing and stopping');
    expect(r.stderr).not.toContain('canary-key-5d1f');
    expect(await storedSpy(dataRoot)).toHaveLength(390);
  });

  it('exits 3 when every stream fails with AUTH_FAILED, after logging each failure', async () => {
    sim = await createExchangeSim({ seed: 7, port: 0, speed: 0, sessionDate: SESSION, apiKeys: ['the-right-key'] });
    dataRoot = tempDataRoot();
    run = runEntry(['--config-dir', join(REPO, 'config'), '--data-root', dataRoot, '--port', '0', '--ignore-market-hours', '--options-date', SESSION], {
      MASSIVE_API_KEY: 'a-wrong-key',
      MASSIVE_REST_URL: sim.url,
      MASSIVE_WS_URL: sim.wsUrl,
      MASSIVE_REQUESTS_PER_MINUTE: 'null',
    });
    expect(await run.exit).toEqual({ code: 3, signal: null });
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/stream:stocks 0 stored, .*FAILED AUTH_FAILED; .*stream:news:SPY 0 stored, .*FAILED AUTH_FAILED$/);
    const failures = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; stream?: string; msg: string })
      .filter((l) => l.level === 50 && l.stream !== undefined);
    expect(failures.map((l) => l.stream).sort()).toEqual(['stream:indices', 'stream:news:SPY', 'stream:options', 'stream:stocks']);
    for (const l of failures) expect(l.msg).toMatch(/^stream:\S+ failed: AUTH_FAILED: /);
    expect(run.stderr).not.toContain('a-wrong-key');
  });

  it('exits 2 with a one-line reason on a bad argument', async () => {
    sim = await createExchangeSim({ seed: 7, port: 0, speed: 0, sessionDate: SESSION });
    dataRoot = tempDataRoot();
    run = runEntry(['--port', 'seventy'], {});
    expect((await run.exit).code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^streamer: .*port/);
  });

  // It started, streamed SPY and VIX, and logged "stream:options failed: NOT_FOUND: no opening
  // price for SPY on 2024-03-09" until stopped: the weekend was never named.
  it('exits 2 naming the day when --options-date is not a trading day', async () => {
    sim = await createExchangeSim({ seed: 7, port: 0, speed: 0, sessionDate: SESSION });
    dataRoot = tempDataRoot();
    run = runEntry(['--port', '0', '--options-date', '2024-03-09'], {});
    expect((await run.exit).code).toBe(2);
    expect(run.stderr).toMatch(/--options-date 2024-03-09 is not a trading day \(Saturday\); the sessions before and after it are 2024-03-08 and 2024-03-11/);
  });
});
