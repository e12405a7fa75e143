import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, nyseCalendar, type StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { DataOverviewReader } from './data-overview.js';
import { buildSampleRoot, MISSING_DATE, SAMPLE_NOW, STORED_DATES } from './__test-support__/sample-root.js';

describe('DataOverviewReader on a sample data root', () => {
  let root: string;
  let written: Awaited<ReturnType<typeof buildSampleRoot>>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-dash-data-'));
    written = await buildSampleRoot(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports coverage per dataset from partitions and Parquet footers, with missing trading days', async () => {
    const overview = await new DataOverviewReader({ root, clock: new ManualClock(SAMPLE_NOW) }).read();
    expect(overview.coverage.map((c) => c.dataset)).toEqual(['stocks', 'options']);
    const stocks = overview.coverage[0];
    expect(stocks).toMatchObject({ tickers: ['SPY'], partitions: 3, rows: written.stocks.length, from: STORED_DATES[0], to: '2020-12-18', missingTradingDays: [MISSING_DATE], corruptFiles: [] });
    expect(stocks.days.map((d) => [d.date, d.rows])).toEqual(STORED_DATES.map((d) => [d, written.stocks.filter((b) => new Date(b.timestamp).toISOString().startsWith(d)).length]));
    const options = overview.coverage[1];
    expect(options.tickers).toHaveLength(6);
    expect(options.rows).toBe(written.options.length);
  });

  it('measures freshness in market time against the clock', async () => {
    const lastBar = Math.max(...written.stocks.map((b) => b.timestamp));
    // Monday 2020-12-21 10:00 New York: the last bar (Friday 16:00, after the close) is 30 market minutes old.
    const overview = await new DataOverviewReader({ root, clock: new ManualClock(Date.UTC(2020, 11, 21, 15, 0)), calendar: nyseCalendar }).read();
    const stocks = overview.freshness.find((f) => f.dataset === 'stocks')!;
    expect(stocks).toMatchObject({ lastBarAt: lastBar, marketLagMs: 30 * 60_000, status: 'critical', live: true });
    expect(overview.marketOpen).toBe(true);
  });

  it('counts quarantine by dataset, date and code, and space by area', async () => {
    const overview = await new DataOverviewReader({ root, clock: new ManualClock(SAMPLE_NOW) }).read();
    expect(overview.quarantine).toEqual([
      { dataset: 'options', records: 1, files: 1, lastDate: '2020-12-18', byDate: [{ date: '2020-12-18', records: 1 }], byCode: { BAD_TICKER: 1 }, unreadableLines: 0 },
      { dataset: 'stocks', records: 2, files: 1, lastDate: '2020-12-16', byDate: [{ date: '2020-12-16', records: 2 }], byCode: { OHLC_INCONSISTENT: 2, NOT_FINITE: 1 }, unreadableLines: 0 },
    ]);
    expect(overview.checks.find((c) => c.name === 'quarantine')).toMatchObject({ status: 'warn' });
    const areas = Object.fromEntries(overview.space.areas.map((a) => [a.area, a]));
    expect(areas['raw/stocks']).toMatchObject({ bytes: overview.coverage[0].bytes, rows: written.stocks.length });
    expect(areas['raw/stocks'].compressionRatio).toBeGreaterThan(1); // SNAPPY on minute bars
    // One file per partition: a call and a put on each of the three days.
    expect(areas['raw/options']).toMatchObject({ files: 6, bytes: overview.coverage[1].bytes });
    expect(areas.quarantine).toMatchObject({ files: 2, rows: null, compressionRatio: null });
    expect(areas.reports.files).toBe(2);
    expect(overview.space.totalBytes).toBe(overview.space.areas.reduce((n, a) => n + a.bytes, 0));
  });

  it('reports a corrupt partition file instead of failing, and passes schema drift through', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'spyglass-dash-bad-'));
    try {
      const dir = join(bad, 'raw', 'stocks', 'ticker=SPY', 'date=2020-12-15');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'part-0.parquet'), 'not parquet at all');
      const overview = await new DataOverviewReader({
        root: bad,
        clock: new ManualClock(SAMPLE_NOW),
        schemaDrift: async () => [{ dataset: 'stocks', state: 'drift', changes: ['added column vwap'] }],
      }).read();
      expect(overview.coverage[0]).toMatchObject({ rows: 0, corruptFiles: [join(dir, 'part-0.parquet')] });
      expect(overview.schemaDrift).toEqual([{ dataset: 'stocks', state: 'drift', changes: ['added column vwap'] }]);
      expect(overview.checks.find((c) => c.name === 'schema:stocks')).toMatchObject({ status: 'warn' });
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('is empty but valid for a root that does not exist yet', async () => {
    const overview = await new DataOverviewReader({ root: join(root, 'nope'), clock: new ManualClock(SAMPLE_NOW) }).read();
    expect(overview).toMatchObject({ coverage: [], freshness: [], quarantine: [], space: { totalBytes: 0, totalFiles: 0, areas: [] } });
  });
});

describe('DataOverviewReader refreshes', () => {
  let root: string;
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('shows rows, space and the newest bar written between two reads of one reader', async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-dash-refresh-'));
    const written = await buildSampleRoot(root);
    const reader = new DataOverviewReader({ root, clock: new ManualClock(SAMPLE_NOW) });
    const before = await reader.read();
    const again = await reader.read();
    expect(again.coverage).toEqual(before.coverage);
    expect(again.space).toEqual(before.space);

    // A late bar into the newest stocks day: same partition file, new version.
    const last = written.stocks.reduce((a, b) => (b.timestamp > a.timestamp ? b : a));
    const late = { ...last, timestamp: last.timestamp + 60_000 };
    await new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }).write([late]);
    const after = await reader.read();
    const fresh = await new DataOverviewReader({ root, clock: new ManualClock(SAMPLE_NOW) }).read();
    expect(after.coverage[0].rows).toBe(before.coverage[0].rows + 1);
    expect(after.freshness.find((f) => f.dataset === 'stocks')?.lastBarAt).toBe(late.timestamp);
    expect(after.coverage).toEqual(fresh.coverage);
    expect(after.space).toEqual(fresh.space);
    expect(after.freshness).toEqual(fresh.freshness);
  });
});
