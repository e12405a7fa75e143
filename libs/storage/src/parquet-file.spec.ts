import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { encodeParquet, rawDatasetSpecs, readParquetInfo, readParquetTable, recordsToTable } from './index.js';
import { fixtureNewsArticle, syntheticBars } from './__test-support__/bars.js';

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
