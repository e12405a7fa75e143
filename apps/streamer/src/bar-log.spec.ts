import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisStreamBarLog, connectRedis } from '@spyglass/cluster';
import { startRedis, type TestRedis } from '@spyglass/cluster/testing';
import type { StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion } from '@spyglass/pipeline';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { REPO, SESSION, storedSpy, tempDataRoot, until } from './__test-support__/streamer-fixture.js';

// The real entry in a child process (it resolves `@spyglass/*` to the libraries' dist, built by pretest).
const ENTRY = join(REPO, 'apps/streamer/src/main.ts');

describe('the streamer with --bar-log redis://… (real redis-server, simulator replay)', () => {
  let redis: TestRedis;
  let client: Awaited<ReturnType<typeof connectRedis>>;
  let sim: ExchangeSim;
  let child: ChildProcess | undefined;
  const dataRoot = tempDataRoot();
  // The repository's config with short flushes: many small batches in the log during the replay.
  const configDir = join(tempDataRoot(), 'config');
  cpSync(join(REPO, 'config'), configDir, { recursive: true });
  const sources = join(configDir, 'sources.yaml');
  writeFileSync(sources, readFileSync(sources, 'utf8').replace(/flushIntervalMs: \d+/, 'flushIntervalMs: 100').replace(/flushSize: \d+/, 'flushSize: 10'));
  beforeAll(async () => {
    // ~100 ms per replayed minute: the session lasts long enough to be killed in the middle.
    [redis, sim] = await Promise.all([startRedis(), createExchangeSim({ seed: 7, port: 0, speed: 600, sessionDate: SESSION })]);
    client = await connectRedis(redis.url);
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await client.quit();
    await Promise.all([redis.stop(), sim.close()]);
    rmSync(dataRoot, { recursive: true, force: true });
    rmSync(join(configDir, '..'), { recursive: true, force: true });
  });

  it('a streamer killed -9 mid-session loses no bar that reached the log: a restarted writer claims its pending batches; stored = logged = the replay, no gaps or duplicates', async () => {
    const { NODE_OPTIONS: _jestFlags, ...inherited } = process.env;
    child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--config-dir', join(REPO, 'config'), '--data-root', dataRoot, '--port', '0', '--ignore-market-hours', '--options-date', SESSION, '--bar-log', redis.url], {
      cwd: REPO,
      env: { ...inherited, MASSIVE_API_KEY: 'k', MASSIVE_REST_URL: sim.url, MASSIVE_WS_URL: sim.wsUrl, MASSIVE_REQUESTS_PER_MINUTE: 'null', SPYGLASS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    const log = new RedisStreamBarLog({ redis: client, namespace: 'spyglass', claimIdleMs: 100, blockMs: 100 }).log<StockBar>('stocks');
    // Kill it while the writer holds a batch it has not acknowledged (read, Parquet write under
    // way), after some bars are durable; at the latest once 6 batches were logged.
    const pending = async () => ((await client.exists('spyglass:bars:stocks')) ? await log.backlog() : { pending: 0, length: 0 });
    await until(async () => {
      const b = await pending();
      return b.length >= 6 || (b.length >= 2 && b.pending > 0);
    }, 'SPY batches in the bar log', 150_000);
    child.kill('SIGKILL');
    await exited;
    const atKill = await pending();
    const logged = (await client.xrange('spyglass:bars:stocks', '-', '+')).flatMap(([, f]) => JSON.parse(f[f.indexOf('r') + 1]!) as StockBar[]);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.length).toBeLessThan(390);

    // The restarted writer (what a restarted streamer or another machine runs): takes over the dead
    // one's pending batches once idle, writes whatever was logged and not yet written, then stops.
    await new Promise((r) => setTimeout(r, 150));
    const writer = new RedisStreamBarLog({ redis: client, namespace: 'spyglass', claimIdleMs: 100, blockMs: 100 });
    const done = new AbortController();
    done.abort();
    await writer.run({ stocks: new ParquetDataset<object>({ root: dataRoot, spec: rawDatasetSpecs.stocks }) }, done.signal);
    expect((await log.backlog()).pending).toBe(0);

    const stored = await storedSpy(dataRoot);
    const ts = stored.map((b) => b.timestamp);
    expect(new Set(ts).size).toBe(ts.length);
    expect(ts).toEqual([...new Set(logged.filter((b) => b.ticker === 'SPY').map((b) => b.timestamp))].sort((a, b) => a - b));
    // The stored prefix of the session equals the replay: the same minutes from the open, no gap, same prices.
    const ingestion = new Ingestion({ dataRoot: tempDataRoot(), apiKey: 'k', restBaseUrl: sim.url, requestsPerMinute: null, dedupCapacity: 1_000, extendedHours: false, options: { mode: 'test', params: {}, concurrency: 1 } });
    const replay = (await ingestion.equities.minuteBars('SPY', SESSION, SESSION)).records.sort((a, b) => a.timestamp - b.timestamp);
    const ohlc = (b: StockBar) => [b.timestamp, b.open, b.high, b.low, b.close, b.volume];
    expect(stored.map(ohlc)).toEqual(replay.slice(0, stored.length).map(ohlc));
    process.stderr.write(`bar log at kill: ${atKill.length} batches, ${atKill.pending} pending; ${stored.length} SPY bars stored\n`);
  }, 240_000);
});
