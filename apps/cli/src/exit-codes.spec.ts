import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { REPO, runCli, tempDataRoot } from './__test-support__/cli-process.js';

// One row per command and failure class: the exit code scripts rely on (README: 2 usage/config,
// 3 auth, 1 any other failure, 0 success) and the one `spyglass: CODE:` line, never a stack trace.
const DAY = ['--start-date', '2025-03-03', '--end-date', '2025-03-03'];

describe('exit codes per command and failure class (real CLI, simulator)', () => {
  let sim: ExchangeSim;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 4, apiKeys: ['good', 'canary-7f3k9q'] });
    env = { MASSIVE_API_KEY: 'good', MASSIVE_REST_URL: sim.url, MASSIVE_WS_URL: sim.wsUrl, SPYGLASS_LOG_LEVEL: 'error' };
  });
  afterAll(() => sim.close());
  const requests = () => Object.values(sim.stats().requests).reduce((a, b) => a + b, 0);

  const badYaml = () => {
    const dir = mkdtempSync(join(tmpdir(), 'spyglass-cfg-'));
    mkdirSync(join(dir, 'settings.yaml'));
    return dir;
  };
  const rootWithFileFor = (dir: string) => {
    const root = tempDataRoot();
    mkdirSync(join(root, 'raw'));
    writeFileSync(join(root, 'raw', dir), 'a file where a dataset directory belongs');
    return root;
  };
  const corruptRoot = async () => {
    const root = tempDataRoot();
    const r = await runCli(['--data-root', root, 'backfill', ...DAY], env);
    expect(r.code).toBe(0);
    truncateSync(join(root, 'raw/stocks/ticker=SPY/date=2025-03-03/part-0.parquet'), 50);
    return root;
  };

  it.concurrent.each<[string, string, () => Promise<string[]> | string[], Record<string, string>, number, RegExp]>([
    ['backfill', 'usage: negative rate', () => ['backfill', ...DAY, '--rate-limit', '-1'], {}, 2, /^spyglass: INVALID_ARGUMENT: --rate-limit -1: requests per minute/],
    ['backfill', 'usage: rate not a number', () => ['backfill', ...DAY, '--rate-limit', 'abc'], {}, 2, /^spyglass: INVALID_ARGUMENT: --rate-limit abc: requests per minute/],
    ['backfill', 'usage: path-like ticker', () => ['backfill', ...DAY, '--ticker', '../../etc'], {}, 2, /^spyglass: INVALID_ARGUMENT: --ticker '\.\.\/\.\.\/etc' is not a ticker/],
    ['backfill-all', 'usage: zero workers', () => ['backfill-all', ...DAY, '--workers', '0'], {}, 2, /^spyglass: INVALID_ARGUMENT: --workers 0: worker processes must be an integer ≥ 1/],
    ['backfill-all', 'usage: negative workers', () => ['backfill-all', ...DAY, '--workers', '-3'], {}, 2, /^spyglass: INVALID_ARGUMENT: --workers -3/],
    ['backfill-all', 'usage: ticker with a space and slash', () => ['backfill-all', ...DAY, '--tickers', 'S P/Y'], {}, 2, /^spyglass: INVALID_ARGUMENT: --tickers 'S P\/Y' is not a ticker/],
    ['sim serve', 'usage: probability above 1', () => ['sim', 'serve', '--port', '0', '--faults', 'rate429=2'], {}, 2, /^spyglass: INVALID_ARGUMENT: --faults: "rate429=2"/],
    ['sim serve', 'usage: port out of range', () => ['sim', 'serve', '--port', '99999'], {}, 2, /^spyglass: INVALID_ARGUMENT: --port 99999: TCP port/],
    ['dashboard', 'usage: port out of range', () => ['dashboard', '--port', '99999'], {}, 2, /^spyglass: INVALID_ARGUMENT: --port 99999: TCP port/],
    ['(none)', 'usage: unknown command', () => ['no-such-command'], {}, 2, /^spyglass: INVALID_ARGUMENT: /],
    ['verify', 'config: settings.yaml is a directory', () => ['--config-dir', badYaml(), 'verify'], {}, 2, /^spyglass: CONFIG: .*settings\.yaml: is a directory/],
    ['backfill', 'auth: refused key', () => ['backfill', ...DAY], { MASSIVE_API_KEY: 'refused' }, 3, /^spyglass: AUTH_FAILED: /m],
    ['backfill-all', 'auth: refused key', () => ['--data-root', tempDataRoot(), 'backfill-all', ...DAY], { MASSIVE_API_KEY: 'refused' }, 3, /^spyglass: AUTH_FAILED: /m],
    ['verify', 'data: corrupt partition', async () => ['--data-root', await corruptRoot(), 'verify'], {}, 1, /^$/], // the report is on stdout
    ['consolidate', 'storage: a dataset directory is a file', () => ['--data-root', rootWithFileFor('stocks'), 'consolidate', ...DAY], {}, 1, /^spyglass: STORAGE: cannot list \S+\/raw\/stocks: ENOTDIR/],
    ['consolidate', 'success: no input stored (skipped days are listed)', () => ['consolidate', ...DAY], {}, 0, /^$/],
    ['verify', 'success: nothing stored', () => ['--data-root', tempDataRoot(), 'verify'], {}, 0, /^$/],
  ])('%s, %s', async (_cmd, _class, args, extraEnv, code, stderr) => {
    const argv = await args();
    const r = await runCli(argv.includes('--data-root') || argv.includes('--config-dir') ? argv : ['--data-root', tempDataRoot(), ...argv], { ...env, ...extraEnv });
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code, stderr: expect.stringMatching(stderr) });
    expect(r.stderr).not.toMatch(/\n\s+at |"stack"/);
  }, 180_000);

  it.each([
    ['backfill', 'a weekend', ['backfill', '--start-date', '2025-03-08', '--end-date', '2025-03-09']],
    ['backfill-vix', 'Christmas', ['backfill-vix', '--start-date', '2025-12-25', '--end-date', '2025-12-25']],
    ['download-options', 'Independence Day', ['download-options', '--start-date', '2025-07-04', '--end-date', '2025-07-04']],
  ])('%s over %s: exit 0, no request, and says there is no trading day', async (_cmd, _when, argv) => {
    const before = requests();
    const r = await runCli(['--data-root', tempDataRoot(), ...argv], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/no NYSE trading day in \d{4}-\d{2}-\d{2}…\d{4}-\d{2}-\d{2} \(weekends and exchange holidays\): nothing to fetch/);
    expect(requests()).toBe(before);
  }, 120_000);

  // One-session commands need the session's opening price; a weekend or holiday used to fail with
  // "NOT_FOUND: no opening price for SPY", which hid the reason (exit 1 after a request).
  it.each([
    ['discover', 'a Saturday', ['discover', '--date', '2025-03-08'], /--date 2025-03-08 is not a trading day \(Saturday\); the sessions before and after it are 2025-03-07 and 2025-03-10$/],
    ['stream-options', 'Independence Day', ['stream-options', '--date', '2025-07-04'], /--date 2025-07-04 is not a trading day \(Friday, Independence Day\); .* 2025-07-03 and 2025-07-07$/],
    ['discover', 'Christmas', ['discover', '--date', '2025-12-25'], /--date 2025-12-25 is not a trading day \(Thursday, Christmas Day\); the sessions before and after it are 2025-12-24 and 2025-12-26$/],
    ['discover', 'no such date', ['discover', '--date', '2025-02-30'], /--date 2025-02-30 is not a calendar date \(YYYY-MM-DD\)$/],
    ['stream-signals', 'a day of mourning', ['stream-signals', '--date', '2025-01-09'], /--date 2025-01-09 is not a trading day \(Thursday, National Day of Mourning \(Jimmy Carter\)\)/],
  ])('%s on %s: exit 2 before any request, naming the day and the sessions around it', async (_cmd, _when, argv, message) => {
    const before = requests();
    const r = await runCli(['--data-root', tempDataRoot(), ...argv], env);
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 2, stderr: expect.stringMatching(new RegExp(`^spyglass: INVALID_ARGUMENT: ${message.source}`)) });
    expect(requests()).toBe(before);
  }, 120_000);

  it('consolidate over a range with nothing stored: exit 0, the skipped dates counted on one line per reason', async () => {
    const r = await runCli(['--data-root', tempDataRoot(), 'consolidate', '--start-date', '2025-03-03', '--end-date', '2025-03-31'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n  skipped \([^)]+\): 21 dates from 2025-03-03 to 2025-03-31\n?$/);
  }, 120_000);

  it('rejects a bad ticker before any request', async () => {
    const before = requests();
    const r = await runCli(['--data-root', tempDataRoot(), 'backfill', ...DAY, '--ticker', 'S P/Y'], env);
    expect(r.code).toBe(2);
    expect(requests()).toBe(before);
  }, 120_000);

  it('verify names the corrupt file, and health reports it', async () => {
    const root = await corruptRoot();
    const v = await runCli(['--data-root', root, 'verify'], env);
    expect(v.stdout).toMatch(/CORRUPT .*raw\/stocks\/ticker=SPY\/date=2025-03-03\/part-0\.parquet/);
    const h = await runCli(['--data-root', root, '--json', 'health'], env);
    const snapshot = JSON.parse(h.stdout) as { checks: Array<{ name: string; status: string; message: string }> };
    expect(snapshot.checks.find((c) => c.name === 'integrity')).toMatchObject({ status: 'critical', message: expect.stringContaining('date=2025-03-03') });
  }, 180_000);

  it('MASSIVE_REST_URL applies when sources.yaml names no endpoint, and the effective endpoint is logged at info without the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spyglass-cfg-'));
    for (const f of ['settings.yaml', 'sinks.yaml', 'retry_policy.yaml', 'pipeline.yaml', 'ml.yaml']) writeFileSync(join(dir, f), readFileSync(join(REPO, 'config', f)));
    writeFileSync(join(dir, 'sources.yaml'), 'massive:\n  rateLimit:\n    requestsPerMinute: null\n');
    const before = requests();
    const r = await runCli(['--config-dir', dir, '--data-root', tempDataRoot(), 'backfill', ...DAY], { ...env, SPYGLASS_LOG_LEVEL: 'info', MASSIVE_API_KEY: 'canary-7f3k9q' });
    expect(r.code).toBe(0);
    expect(requests()).toBeGreaterThan(before);
    expect(r.stderr).toContain(`Massive REST endpoint: ${sim.url}`);
    expect(r.stdout + r.stderr).not.toContain('canary-7f3k9q');
  }, 120_000);
});
