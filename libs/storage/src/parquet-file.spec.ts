import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { encodeParquet, rawDatasetSpecs, readParquetInfo, readParquetTable, recordsToTable } from './index.js';
import { fixtureNewsArticle, syntheticBars } from './__test-support__/bars.js';
import { readParquetInfoWasm } from './parquet-file.js';
import { planProjection } from './parquet-footer-projection.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spyglass-pq-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const columnValues = (t: Table, name: string) => JSON.stringify(t.getChild(name)?.toArray(), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

async function writeTable(name: string, t: Table, rowGroupSize?: number): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, encodeParquet(t, { rowGroupSize }));
  return file;
}

describe('readParquetTable projection (rewritten footer for the sync reader)', () => {
  const bars = syntheticBars({ tickers: 3, days: 1, perDay: 400 }).map((b, i) => (i % 7 === 0 ? { ...b, vwap: null, transactions: null } : b));

  it.each([
    [['close']],
    [['timestamp', 'close']],
    [['close', 'timestamp']],
    [['ticker', 'vwap', 'transactions']],
    [['ingested_at', 'ticker']],
    [['close', 'no_such_column']],
  ])('reads exactly the columns %j, equal to the full read', async (columns) => {
    // Several row groups, so every group's chunk list is rewritten.
    const file = await writeTable('bars.parquet', recordsToTable(rawDatasetSpecs.stocks, bars), 500);
    expect((await readParquetInfo(file)).rowGroups).toBe(3);
    const full = await readParquetTable(file);
    const proj = await readParquetTable(file, { columns });
    const present = columns.filter((c) => c !== 'no_such_column');
    expect(proj.schema.fields.map((f) => f.name)).toEqual(present);
    expect(proj.numRows).toBe(bars.length);
    for (const c of present) expect(columnValues(proj, c)).toEqual(columnValues(full, c));
  });

  it('keeps nested list columns whole (news tickers and keywords)', async () => {
    const a = fixtureNewsArticle(fixtures);
    const rows = [a, { ...a, id: 'x', keywords: [], tickers: ['SPY', 'QQQ'] }];
    const file = await writeTable('news.parquet', recordsToTable(rawDatasetSpecs.news, rows));
    const proj = await readParquetTable(file, { columns: ['keywords', 'title'] });
    expect(proj.getChild('keywords')?.toArray().map((l: { toArray(): string[] }) => [...l.toArray()])).toEqual([a.keywords, []]);
    expect(proj.getChild('title')?.toArray()).toEqual([a.title, a.title]);
  });

  it('fails with CORRUPT_FILE when a projected column is damaged, and still reads undamaged columns', async () => {
    const file = await writeTable('damaged.parquet', recordsToTable(rawDatasetSpecs.stocks, syntheticBars({ tickers: 1, days: 1, perDay: 400 })));
    const fh = await open(file, 'r+');
    await fh.write(Buffer.alloc(64, 0xff), 0, 64, 4); // the first column chunk (ticker) starts right after PAR1
    await fh.close();
    await expect(readParquetTable(file, { columns: ['ticker'] })).rejects.toMatchObject({ code: 'CORRUPT_FILE', details: { file } });
    expect((await readParquetTable(file, { columns: ['close'] })).numRows).toBe(400);
  });
});

/** The file re-written with a footer of only `columns` and no key/value metadata (so no `ARROW:schema`), as other writers (DuckDB) leave them. */
async function withoutArrowSchema(file: string, columns: readonly string[], name: string): Promise<string> {
  const bytes = await readFile(file);
  const len = bytes.readUInt32LE(bytes.length - 8);
  const footerStart = bytes.length - 8 - len;
  const plan = planProjection(bytes.subarray(footerStart, bytes.length - 8), columns);
  if (!plan) throw new Error('projection keeps every column');
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(plan.footer.length, 0);
  tail.write('PAR1', 4, 'latin1');
  const out = path.join(dir, name);
  await writeFile(out, Buffer.concat([bytes.subarray(0, footerStart), plan.footer, tail]));
  return out;
}

describe('readParquetInfo (footer only)', () => {
  const a = fixtureNewsArticle(fixtures);
  it.each([
    ['stocks', () => recordsToTable(rawDatasetSpecs.stocks, syntheticBars({ tickers: 2, days: 1, perDay: 300 })), 250],
    ['news (lists, nullable)', () => recordsToTable(rawDatasetSpecs.news, [a, { ...a, id: 'y', keywords: [] }]), undefined],
  ])('reads the same schema, sizes and metadata as parquet-wasm: %s', async (name, table, rowGroupSize) => {
    const file = path.join(dir, `info-${name.split(' ')[0]}.parquet`);
    await writeFile(file, encodeParquet(table(), { rowGroupSize, metadata: new Map([['spyglass', '{"k":1}']]) }));
    const info = await readParquetInfo(file);
    expect(info).toEqual(await readParquetInfoWasm(file));
    expect(info.metadata).toEqual(new Map([['spyglass', '{"k":1}']]));
    expect(info.rows).toBe(table().numRows);
  });

  it('reads files without an embedded Arrow schema (other writers) like parquet-wasm, twice', async () => {
    const full = await writeTable('full.parquet', recordsToTable(rawDatasetSpecs.stocks, syntheticBars({ tickers: 1, days: 1, perDay: 100 })));
    const bare = await withoutArrowSchema(full, ['timestamp', 'close', 'ticker'], 'bare.parquet');
    const info = await readParquetInfo(bare);
    expect(info.columns.map((c) => [c.name, c.type])).toEqual([['ticker', 'utf8'], ['timestamp', 'timestamp_ms'], ['close', 'float64']]);
    expect(info).toEqual(await readParquetInfoWasm(bare));
    // The second file of that schema takes its columns from the first.
    const bare2 = await withoutArrowSchema(full, ['timestamp', 'close', 'ticker'], 'bare2.parquet');
    expect(await readParquetInfo(bare2)).toEqual(info);
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 100)],
    ['without its magic', (b: Buffer) => Buffer.concat([b.subarray(0, b.length - 4), Buffer.from('XXXX')])],
    ['with a footer length past the start', (b: Buffer) => { const c = Buffer.from(b); c.writeUInt32LE(b.length, b.length - 8); return c; }],
    ['tiny', () => Buffer.from('PAR1')],
  ])('reports a %s file as CORRUPT_FILE naming it', async (name, hurt) => {
    const good = await writeTable('good.parquet', recordsToTable(rawDatasetSpecs.stocks, syntheticBars({ tickers: 1, days: 1, perDay: 50 })));
    const file = path.join(dir, `bad-${name.split(' ')[0]}.parquet`);
    await writeFile(file, hurt(await readFile(good)));
    await expect(readParquetInfo(file)).rejects.toMatchObject({ code: 'CORRUPT_FILE', details: { file } });
  });

  it('reports a missing file as NOT_FOUND', async () => {
    await expect(readParquetInfo(path.join(dir, 'nope.parquet'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
