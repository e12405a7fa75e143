import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { createLogger, dataRootLayout, nyDayBounds } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { consolidate, readQuarantine } from '@spyglass/processing';
import { CheckpointStore, ParquetDataset, rawDatasetSpecs, readParquetTable } from '@spyglass/storage';
import { datasetHash } from './__test-support__/dataset-hash.js';
import { testSettings } from './__test-support__/test-settings.js';
import { Ingestion } from './ingestion.js';
import { verifyCheckpoints } from './backfill-checkpoints.js';

const FROM = '2025-03-03';
const TO = '2025-03-05';
const DATASETS = ['stocks', 'indices', 'news', 'options', 'contracts'] as const;
const tmp = () => mkdtemp(join(tmpdir(), 'spyglass-ingest-'));

async function hashes(root: string) {
  return Object.fromEntries(await Promise.all(DATASETS.map(async (d) => [d, await datasetHash(root, d)] as const)));
}

async function backfill(sim: ExchangeSim, root: string, extra: Partial<Parameters<typeof testSettings>[0]> = {}) {
  const ingestion = new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root, ...extra }));
  return ingestion.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: FROM, to: TO, resume: true });
}

describe('Ingestion against the exchange simulator', () => {
  let sim: ExchangeSim;
  let reference: Awaited<ReturnType<typeof hashes>>;
  let referenceRoot: string;

  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 7 });
    referenceRoot = await tmp();
    await backfill(sim, referenceRoot);
    reference = await hashes(referenceRoot);
  });
  afterAll(() => sim.close());

  it('stores every dataset once: 390 SPY bars a day, VIX, news, options and contracts', async () => {
    expect(reference.stocks.rows).toBe(3 * 390);
    expect(reference.indices.rows).toBe(3 * 390);
    expect(reference.news.rows).toBeGreaterThan(0);
    expect(reference.options.rows).toBeGreaterThan(100);
    expect(reference.contracts.rows).toBe(3 * 4);
  });

  it('is idempotent: a run without resume over stored data adds nothing and changes nothing', async () => {
    const ingestion = new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: referenceRoot }));
    const again = await ingestion.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: FROM, to: TO, resume: false });
    expect(again.stored).toBe(0);
    expect(again.duplicates).toBe(again.received - again.quarantined);
    expect(await hashes(referenceRoot)).toEqual(reference);
  });

  it('resume skips checkpointed days without a request', async () => {
    const before = sim.stats().requests.aggs ?? 0;
    const summary = await backfill(sim, referenceRoot);
    expect(summary.received).toBe(0);
    expect(sim.stats().requests.aggs ?? 0).toBe(before);
  });

  it('with 429s, 5xx, truncated and invalid bodies and resets the stored data equals the fault-free run', async () => {
    const faulty = await createExchangeSim({
      seed: 7,
      faults: { rate429: 0.15, rate5xx: 0.1, truncatedRate: 0.08, invalidJsonRate: 0.05, resetRate: 0.05 },
      faultSeed: 3,
    });
    try {
      const root = await tmp();
      await backfill(faulty, root);
      const f = faulty.stats().faults;
      expect(f.rate429 + f.server5xx + f.truncated + f.invalidJson + f.reset).toBeGreaterThan(5);
      expect(await hashes(root)).toEqual(reference);
    } finally {
      await faulty.close();
    }
  });

  it('never writes or logs a canary API key', async () => {
    const canary = 'CANARY-KEY-9f3c2a71';
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger({ level: 'trace', secrets: [canary], destination: sink });
    const faulty = await createExchangeSim({ seed: 7, faults: { rate429: 0.2, truncatedRate: 0.1 }, faultSeed: 9 });
    try {
      const root = await tmp();
      await backfill(faulty, root, { apiKey: canary, logger });
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('')).not.toContain(canary);
      for (const file of await walk(root)) expect(await readFile(file, 'latin1')).not.toContain(canary);
    } finally {
      await faulty.close();
    }
  });

  it.each([1, 2, 3])('kill -9 at a random point (trial %i), then resume: same rows, no duplicates', async (trial) => {
    const root = await tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, sim.url, root, FROM, TO], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Kill once the first partition is durable plus a trial-dependent delay, so trials hit different stages.
    await waitFor(async () => (await walk(join(root, 'raw')).catch(() => [])).length > 0, 20_000);
    await new Promise((r) => setTimeout(r, 37 * trial));
    const stillRunning = child.exitCode === null;
    child.kill('SIGKILL');
    const [, signal] = (await new Promise((r) => child.once('exit', (...a) => r(a)))) as [number | null, NodeJS.Signals | null];
    expect(stillRunning && signal === 'SIGKILL').toBe(true);
    expect((await walk(join(root, 'checkpoints')).catch(() => [])).length).toBeLessThan(3 * 9);
    await backfill(sim, root);
    expect(await hashes(root)).toEqual(reference);
  });

  it('quarantines nothing from a clean simulator run', async () => {
    const entries = [];
    for await (const e of readQuarantine(referenceRoot)) entries.push(e);
    expect(entries).toEqual([]);
  });
});

describe('test-mode contract selection from the listed chain', () => {
  it('downloads only listed contracts, names the unlisted ones, and counts contracts with bars', async () => {
    const sim = await createExchangeSim({ seed: 7 });
    try {
      const root = await tmp();
      const options = { mode: 'test' as const, params: { underlying: 'SPY', increment: 0.5, nCalls: 10, nPuts: 10, expiry: 'same_day' as const }, concurrency: 4 };
      const s = await new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root, options })).backfillAll({
        stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: [], from: '2025-03-03', to: '2025-03-05',
      });
      expect(s.contracts.unlisted).toBeGreaterThan(0);
      expect(s.contracts.withoutBars).toBe(0);
      expect(s.contracts.withBars).toBe(s.contracts.selected);
      expect(s.contracts.selected + s.contracts.unlisted).toBe(3 * 20);
      for (const d of s.days) {
        const unlisted = new Set(d.options!.unlisted);
        expect(d.options!.contracts.some((t) => unlisted.has(t))).toBe(false);
      }
      const stored = await new ParquetDataset<{ ticker: string }>({ root, spec: rawDatasetSpecs.contracts }).readAll();
      expect(stored).toHaveLength(s.contracts.selected);
    } finally {
      await sim.close();
    }
  });
});

describe('a backfill while the day is still going on', () => {
  it('stores what has ended but checkpoints none of the day, fetches no options for a session not yet open, and completes it after midnight', async () => {
    let now = Date.UTC(2025, 2, 5, 16, 0); // Wednesday 11:00 in New York
    const clock = { now: () => now, sleep: async () => {} };
    const sim = await createExchangeSim({ seed: 7, clock });
    try {
      const root = await tmp();
      const run = () =>
        new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root, clock })).backfillAll({
          stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: '2025-03-05', to: '2025-03-06', resume: true,
        });
      const during = await run();
      expect(during.byDataset.stocks.stored).toBe(90);
      expect(during.days[0]!.options!.open).toBe(true);
      expect(during.days[1]!.options).toBeUndefined(); // Thursday has not opened: no opening price to select from
      const checkpoints = new CheckpointStore({ dir: dataRootLayout(root).checkpoints });
      expect(await checkpoints.list()).toEqual([]);

      now = Date.UTC(2025, 2, 7, 5, 1); // Friday 00:01 in New York: both days are over
      const after = await run();
      expect(after.byDataset.stocks.stored).toBe(2 * 390 - 90);
      expect(after.days.every((d) => d.options && !d.options.open && d.options.contractsSkipped === 0)).toBe(true);
      expect(new Set((await checkpoints.list()).map((e) => e.date))).toEqual(new Set(['2025-03-05', '2025-03-06']));
      expect(await verifyCheckpoints(root)).toMatchObject({ problems: [] });
    } finally {
      await sim.close();
    }
  });
});

describe('news over weekends and after the close', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 7 });
  });
  afterAll(() => sim.close());

  // Friday 2025-03-07 to Monday 2025-03-10: the simulator publishes on the weekend too.
  const from = '2025-03-07';
  const to = '2025-03-10';
  const weekend = (ms: number) => [0, 6].includes(new Date(ms - 5 * 3_600_000).getUTCDay());

  it.each([
    ['backfill-news', (i: Ingestion) => i.backfill('news', { ticker: 'SPY', from, to })],
    ['backfill-all', (i: Ingestion) => i.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from, to, withOptions: false })],
    ['backfill-all over a weekend only', (i: Ingestion) => i.backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from: '2025-03-08', to: '2025-03-09', withOptions: false })],
  ])('%s stores every article of every calendar day of the range', async (name, run) => {
    const root = await tmp();
    await run(new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root })));
    const range = name.includes('weekend only') ? { f: '2025-03-08', t: '2025-03-09' } : { f: from, t: to };
    // New York days, as the dataset is partitioned: every partition holds what its checkpoint sealed.
    const expected = sim.market.news(nyDayBounds(range.f).from, nyDayBounds(range.t).to).filter((a) => a.tickers.includes('SPY'));
    expect(expected.filter((a) => weekend(a.publishedUtc)).length).toBeGreaterThan(0);
    expect((await datasetHash(root, 'news')).rows).toBe(expected.length);
    expect((await verifyCheckpoints(root)).problems).toEqual([]);
  });

  it("the consolidation's as-of lookback sees Monday morning the news of the weekend", async () => {
    const root = await tmp();
    await new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root })).backfillAll({ stockTicker: 'SPY', indexTicker: 'I:VIX', newsTickers: ['SPY'], from, to });
    const lookbackMinutes = 3 * 1440;
    await consolidate({ root, dates: [to], newsLookbackMinutes: lookbackMinutes });
    const table = await readParquetTable(join(root, 'processed', 'consolidated', `date=${to}`, 'part-0.parquet'));
    const column = table.getChild('timestamp')!;
    // DuckDB writes TIMESTAMP as microseconds.
    const perMs = (column.type as { unit: number }).unit === 2 ? 1000 : 1;
    const ts = Array.from(column.toArray() as ArrayLike<number | bigint>, (v) => Number(v) / perMs);
    const counts = table.getChild('news_count')!.toArray() as ArrayLike<number>;
    const first = Math.min(...ts);
    const row = ts.indexOf(first);
    const expected = sim.market.news(first - lookbackMinutes * 60_000 + 1, first).filter((a) => a.tickers.includes('SPY'));
    expect(expected.filter((a) => weekend(a.publishedUtc)).length).toBeGreaterThan(0);
    expect(counts[row]).toBe(expected.length);
  });
});

const childScript = fileURLToPath(new URL('./__test-support__/backfill-child.ts', import.meta.url));

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
