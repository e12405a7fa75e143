import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpyglassError, type NewsArticle, type OptionContract, type StockBar } from '@spyglass/core';
import { ParquetDataset, defineDataset, partitionDir, rawDatasetSpecs, readParquetInfo, type ColumnType } from './index.js';
import { fixtureNewsArticle, fixtureSpyBars, syntheticBars } from './__test-support__/bars.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-storage-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const stocks = () => new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });

describe('ParquetDataset write/read', () => {
  it('round-trips the real SPY fixture bars exactly, one partition per New York session', async () => {
    const bars = fixtureSpyBars(fixtures);
    const s = await stocks().write(bars);
    expect(s).toMatchObject({ partitions: 4, partitionsWritten: 4, rowsIn: 1564, rowsWritten: 1564, added: 1564, duplicates: 0 });
    const parts = await stocks().partitions();
    expect(parts.map((p) => p.date)).toEqual(['2020-12-15', '2020-12-16', '2020-12-17', '2020-12-18']);
    expect(parts[0].path).toBe(path.join(root, 'raw/stocks/ticker=SPY/date=2020-12-15/part-0.parquet'));
    expect(await stocks().readAll()).toEqual(bars);
  });

  it('stores SNAPPY-compressed Parquet with UTC millisecond timestamps and the spec columns', async () => {
    await stocks().write(fixtureSpyBars(fixtures).slice(0, 10));
    const info = await readParquetInfo(path.join(partitionDir(root, rawDatasetSpecs.stocks, { ticker: 'SPY', date: '2020-12-15' }), 'part-0.parquet'));
    expect(info.columns.map((c) => [c.name, c.type])).toEqual(rawDatasetSpecs.stocks.columns.map((c) => [c.name, c.type]));
    expect(info.rows).toBe(10);
    const { Compression, ParquetFile } = await import('parquet-wasm');
    const { openAsBlob } = await import('node:fs');
    const pf = await ParquetFile.fromFile(await openAsBlob(path.join(root, 'raw/stocks/ticker=SPY/date=2020-12-15/part-0.parquet')));
    expect(pf.metadata().rowGroup(0).column(1).compression()).toBe(Compression.SNAPPY);
    const { tableFromIPC } = await import('apache-arrow');
    expect(String(tableFromIPC(pf.schema().intoIPCStream()).schema.fields[1].type)).toBe('Timestamp<MILLISECOND, UTC>');
  });

  it('partitions by the New York calendar date, not the UTC date', async () => {
    const late = { ...fixtureSpyBars(fixtures)[0], timestamp: Date.UTC(2025, 2, 5, 3, 0) }; // 22:00 EST on 4 March
    await stocks().write([late]);
    expect(await stocks().hasPartition('SPY', '2025-03-04')).toBe(true);
    expect(await stocks().hasPartition('SPY', '2025-03-05')).toBe(false);
  });

  it('merges late and duplicate records into the partition: one row per key, incoming wins, sorted', async () => {
    const bars = fixtureSpyBars(fixtures).slice(0, 391);
    await stocks().write(bars.slice(100));
    const corrected = { ...bars[200], close: 999.5 };
    const s = await stocks().write([...bars.slice(0, 100).reverse(), corrected, bars[300], bars[300]]);
    expect(s).toMatchObject({ partitions: 1, rowsIn: 103, added: 100, duplicates: 3, rowsWritten: 391 });
    const back = await stocks().readAll();
    expect(back.map((b) => b.timestamp)).toEqual(bars.map((b) => b.timestamp));
    expect(back[200].close).toBe(999.5);
  });

  it('is idempotent: re-writing the same records leaves the same bytes', async () => {
    const bars = syntheticBars({ tickers: 2, days: 2, perDay: 300 });
    await stocks().write(bars);
    const files = (await stocks().partitions()).map((p) => p.path);
    const before = await Promise.all(files.map(sha));
    const again = await stocks().write([...bars].reverse());
    expect(again).toMatchObject({ partitions: 4, partitionsWritten: 0, added: 0, duplicates: 1200 });
    expect(await Promise.all(files.map(sha))).toEqual(before);
    // A fresh root written in another order gives byte-identical files too.
    const other = await mkdtemp(path.join(tmpdir(), 'spyglass-storage-'));
    try {
      await new ParquetDataset<StockBar>({ root: other, spec: rawDatasetSpecs.stocks }).write([...bars].reverse());
      expect(await Promise.all(files.map((f) => sha(f.replace(root, other))))).toEqual(before);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('filters by ticker and inclusive date range and projects columns', async () => {
    await stocks().write(syntheticBars({ tickers: 3, days: 4, perDay: 10 }));
    const parts = await stocks().partitions({ tickers: ['T001'], from: '2025-03-11', to: '2025-03-12' });
    expect(parts.map((p) => `${p.ticker}/${p.date}`)).toEqual(['T001/2025-03-11', 'T001/2025-03-12']);
    const rows = await stocks().readAll({ tickers: ['T001'], from: '2025-03-11', to: '2025-03-12', columns: ['timestamp', 'close'] });
    expect(rows).toHaveLength(20);
    expect(Object.keys(rows[0]).sort()).toEqual(['close', 'timestamp']);
    // Record field names are accepted as well as column names.
    expect(Object.keys((await stocks().readAll({ columns: ['ingestedAt'] }))[0])).toEqual(['ingestedAt']);
  });

  it('streams batches of at most batchSize rows', async () => {
    await stocks().write(syntheticBars({ tickers: 1, days: 1, perDay: 500 }));
    const sizes: number[] = [];
    for await (const b of stocks().read({ batchSize: 128 })) sizes.push(b.length);
    expect(sizes).toEqual([128, 128, 128, 116]);
  });

  it('round-trips news lists and nested insights, and contracts partitioned by expiration', async () => {
    const article = fixtureNewsArticle(fixtures);
    const news = new ParquetDataset<NewsArticle>({ root, spec: rawDatasetSpecs.news });
    const noAuthor = { ...article, id: 'b', author: null, keywords: [], insights: [] };
    await news.write([article, noAuthor]);
    expect(await news.partitions()).toEqual([expect.objectContaining({ ticker: 'UBS', date: '2024-06-24' })]);
    expect(await news.readAll()).toEqual([article, noAuthor].sort((a, b) => (a.id < b.id ? -1 : 1)));

    const contracts = new ParquetDataset<OptionContract>({ root, spec: rawDatasetSpecs.contracts });
    const c: OptionContract = { ticker: 'O:SPY250304C00601000', underlying: 'SPY', expiration: '2025-03-04', strike: 601, contractType: 'call', exerciseStyle: 'american', sharesPerContract: 100, primaryExchange: null };
    await contracts.write([c]);
    expect(await contracts.partitions()).toEqual([expect.objectContaining({ date: '2025-03-04', path: path.join(root, 'raw/contracts/date=2025-03-04/part-0.parquet') })]);
    expect(await contracts.readAll()).toEqual([c]);
  });

  it('keeps tickers with a colon readable in hive directories and escapes a slash', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.indices });
    await ds.write([{ ...fixtureSpyBars(fixtures)[0], ticker: 'I:VIX' }, { ...fixtureSpyBars(fixtures)[0], ticker: 'BRK/B' }]);
    expect(await ds.partitions()).toEqual([
      expect.objectContaining({ ticker: 'BRK/B', path: path.join(root, 'raw/indices/ticker=BRK%2FB/date=2020-12-15/part-0.parquet') }),
      expect.objectContaining({ ticker: 'I:VIX', path: path.join(root, 'raw/indices/ticker=I:VIX/date=2020-12-15/part-0.parquet') }),
    ]);
    expect((await ds.readAll({ tickers: ['BRK/B'] })).map((b) => b.ticker)).toEqual(['BRK/B']);
  });

  it.each([[100_000], [0]])('merges writes of several instances (processes) into one partition, whatever each remembers (cacheRows %d)', async (cacheRows) => {
    const bars = fixtureSpyBars(fixtures).slice(0, 390);
    const a = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, cacheRows });
    const b = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, cacheRows });
    // a creates, a rewrites (and remembers), b rewrites behind a's back, a rewrites again.
    await a.write(bars.slice(0, 100));
    await a.write(bars.slice(100, 200));
    await b.write(bars.slice(200, 300));
    const restated = { ...bars[150], close: bars[150].close + 1 };
    await a.write([...bars.slice(300), restated]);
    expect(await stocks().readAll()).toEqual([...bars.slice(0, 150), restated, ...bars.slice(151)]);
    // The records a was given are its caller's: changing them afterwards changes nothing stored.
    const mine = bars.slice(0, 2).map((r) => ({ ...r, close: r.close + 2 }));
    await a.write(mine);
    mine[0].close = -1;
    await a.write([{ ...bars[389], close: bars[389].close + 2 }]);
    const stored = await stocks().readAll();
    expect(stored[0]).toEqual({ ...bars[0], close: bars[0].close + 2 });
    expect(stored[389]).toEqual({ ...bars[389], close: bars[389].close + 2 });
  });

  it('serialises concurrent writes to one partition without losing rows', async () => {
    const bars = fixtureSpyBars(fixtures).slice(0, 391);
    const chunks = [0, 1, 2, 3, 4].map((k) => bars.filter((_, i) => i % 5 === k));
    await Promise.all(chunks.map((c) => stocks().write(c)));
    expect(await stocks().readAll()).toEqual(bars);
  });

  it.each<[string, Partial<StockBar>, RegExp]>([
    ['missing required value', { close: undefined }, /column 'close'.*value is required/],
    ['string for a number', { open: '1' as unknown as number }, /column 'open'.*expected a number/],
    ['fractional int64', { transactions: 1.5 }, /column 'transactions'.*expected a safe integer/],
    ['non-numeric timestamp', { timestamp: Number.NaN }, /timestamp NaN is not an epoch-ms number/],
  ])('rejects a record with %s, naming the column, and writes nothing', async (_, patch, message) => {
    const bar = { ...fixtureSpyBars(fixtures)[0], ...patch };
    await expect(stocks().write([bar])).rejects.toThrow(message);
    await expect(stocks().write([bar])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await stocks().partitions()).toEqual([]);
  });
});

describe('corrupt and truncated files', () => {
  const damage: Array<[string, (file: string) => Promise<void>]> = [
    ['truncated', async (f) => truncate(f, 100)],
    ['overwritten with garbage', async (f) => writeFile(f, Buffer.alloc(4096, 7))],
    ['empty', async (f) => truncate(f, 0)],
  ];

  it.each(damage)('a %s partition fails the read with CORRUPT_FILE naming the file', async (_, hurt) => {
    await stocks().write(fixtureSpyBars(fixtures));
    const bad = (await stocks().partitions())[1].path;
    await hurt(bad);
    const err = await stocks().readAll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpyglassError);
    expect(err).toMatchObject({ code: 'CORRUPT_FILE', details: { file: bad } });
    expect((err as Error).message).toContain(bad);
  });

  it.each(damage)('with onCorrupt skip, a %s partition is reported and the others are read', async (_, hurt) => {
    const bars = fixtureSpyBars(fixtures);
    await stocks().write(bars);
    const bad = (await stocks().partitions())[1].path;
    await hurt(bad);
    const skipped: string[] = [];
    const rows = await stocks().readAll({ onCorrupt: 'skip', onSkip: (f) => skipped.push(f) });
    expect(skipped).toEqual([bad]);
    expect(rows).toEqual(bars.filter((b) => !(b.timestamp >= Date.UTC(2020, 11, 16, 14) && b.timestamp < Date.UTC(2020, 11, 17, 5))));
  });

  it('refuses to merge into a corrupt partition and leaves it untouched', async () => {
    const bars = fixtureSpyBars(fixtures);
    await stocks().write(bars.slice(0, 10));
    const file = (await stocks().partitions())[0].path;
    await truncate(file, 50);
    await expect(stocks().write(bars.slice(10, 20))).rejects.toMatchObject({ code: 'CORRUPT_FILE', details: { file } });
    expect((await readFile(file)).length).toBe(50);
  });
});

describe('schema evolution on read', () => {
  it('reads old files lacking a new nullable column as null, and rejects a type change', async () => {
    const cols = rawDatasetSpecs.indices.columns;
    const v1 = defineDataset({ ...rawDatasetSpecs.indices, name: 'evolving' });
    const v2 = defineDataset({ ...v1, columns: [...cols, { name: 'source', field: 'source', type: 'utf8', nullable: true }] });
    const bar = { ticker: 'I:VIX', timestamp: Date.UTC(2025, 2, 4, 15), open: 20, high: 21, low: 19, close: 20.5, ingestedAt: 1 };
    await new ParquetDataset({ root, spec: v1 }).write([bar]);
    expect(await new ParquetDataset({ root, spec: v2 }).readAll()).toEqual([{ ...bar, source: null }]);
    const asInt = (t: ColumnType) => defineDataset({ ...v1, columns: cols.map((c) => (c.name === 'close' ? { ...c, type: t } : c)) });
    await expect(new ParquetDataset({ root, spec: asInt('utf8') }).readAll()).rejects.toMatchObject({ code: 'SCHEMA_DRIFT', details: { column: 'close', expected: 'utf8', actual: 'float64' } });
  });
});

describe('ParquetDataset.writeBatches', () => {
  it('writes several sets with one summary each, as successive writes would count them', async () => {
    const bars = syntheticBars({ tickers: 2, days: 3, perDay: 50 });
    const byDay = new Map<string, StockBar[]>();
    for (const b of bars) {
      const k = new Date(b.timestamp).toISOString().slice(0, 10);
      byDay.set(k, [...(byDay.get(k) ?? []), b]);
    }
    const sets = [...byDay.values()];
    // The last set repeats ten rows of the first: they are duplicates of stored rows.
    const again = sets[0]!.slice(0, 10);
    const summaries = await stocks().writeBatches([...sets, again]);
    expect(summaries.map((s) => s.rowsIn)).toEqual([...sets.map((s) => s.length), 10]);
    expect(summaries.slice(0, -1).map((s) => [s.added, s.duplicates])).toEqual(sets.map((s) => [s.length, 0]));
    expect(summaries.at(-1)!.added + summaries.at(-1)!.duplicates).toBe(10);
    expect(summaries.reduce((n, s) => n + s.added, 0)).toBe(bars.length);
    expect(await stocks().readAll()).toEqual([...bars].sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : a.timestamp - b.timestamp)));
  });

  it('reports a bad set after writing the others, leaving every written file durable and readable', async () => {
    const good = syntheticBars({ tickers: 1, days: 1, perDay: 20 });
    const bad = [{ ...good[0]!, ticker: 'X', close: 'oops' as unknown as number }];
    await expect(stocks().writeBatches([good, bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await stocks().readAll()).toEqual(good);
  });

  it('returns no summaries for no sets', async () => {
    expect(await stocks().writeBatches([])).toEqual([]);
  });
});

describe('ParquetDataset.readColumns', () => {
  it.each<[string, readonly string[] | undefined]>([
    ['every column', undefined],
    ['a projection', ['timestamp', 'vwap', 'ticker']],
  ])('gives the same values as readAll, column by column (%s)', async (_, columns) => {
    const bars = syntheticBars({ tickers: 2, days: 2, perDay: 30 }).map((b, i) => (i % 4 === 0 ? { ...b, vwap: null, transactions: null } : b));
    await stocks().write(bars);
    const records = await stocks().readAll(columns ? { columns } : {});
    const fields = columns ? columns.map((c) => rawDatasetSpecs.stocks.columns.find((x) => x.name === c)!.field) : rawDatasetSpecs.stocks.columns.map((c) => c.field);
    const rebuilt: Array<Record<string, unknown>> = [];
    for await (const b of stocks().readColumns(columns ? { columns } : {})) {
      for (let i = 0; i < b.length; i++) rebuilt.push(Object.fromEntries(fields.map((f) => [f, b.nulls[f]?.[i] ? null : (b.columns[f] as ArrayLike<unknown>)[i]])));
    }
    expect(rebuilt).toEqual(records);
    expect(rebuilt.length).toBe(bars.length);
  });
});

describe('ParquetDataset.seal', () => {
  it('seals a partition it just wrote from the written bytes exactly as reading the file does, and re-reads a replaced file', async () => {
    const { sealPartition } = await import('./index.js');
    const ds = stocks();
    const bars = syntheticBars({ tickers: 1, days: 1, perDay: 40 });
    await ds.writeBatches([bars]);
    const [{ ticker, date }] = await ds.partitions();
    const fromWrite = await ds.seal(ticker, date);
    expect(fromWrite).toBeDefined();
    expect(fromWrite).toEqual(await sealPartition(root, ds.partitionFile(ticker, date)));
    // Another instance rewrites the partition: the first one's seal must follow the file on disk.
    await stocks().write(bars.slice(0, 5).map((b) => ({ ...b, close: b.close + 1 })));
    const after = await ds.seal(ticker, date);
    expect(after).toEqual(await sealPartition(root, ds.partitionFile(ticker, date)));
    expect(after!.sha256).not.toBe(fromWrite!.sha256);
  });
});
