import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Table, tableFromArrays } from 'apache-arrow';
import type { StockBar } from '@spyglass/core';
import { defineDataset, encodeParquet, rawDatasetSpecs, readParquetInfo, readParquetTable, recordsToTable, type DatasetSpec } from './index.js';
import { batchToRecords } from './arrow-codec.js';
import { encodeParquetDirect } from './parquet-encoder.js';
import { encodeParquetTo } from './parquet-file.js';
import { syntheticBars } from './__test-support__/bars.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spyglass-encoder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `rows` with the direct encoder and reads them back with parquet-wasm's (arrow-rs) reader. */
async function roundTrip(spec: DatasetSpec, rows: readonly object[], rowGroupSize?: number): Promise<{ back: unknown[]; file: string }> {
  const table = recordsToTable(spec, rows);
  const bytes = encodeParquetDirect(table, { compression: 'snappy', rowGroupSize: rowGroupSize ?? 1 << 20 });
  expect(bytes).toBeDefined();
  const file = path.join(dir, `${spec.name}-${rows.length}-${rowGroupSize ?? 0}.parquet`);
  await writeFile(file, bytes!);
  const back = (await readParquetTable(file)).batches.flatMap((b) => batchToRecords(spec.columns, b));
  return { back, file };
}

const bars = syntheticBars({ tickers: 3, days: 1, perDay: 390 });
// Nulls, NaN, signed zero and a value past 2^32 in the nullable columns: all must come back bit for bit.
const edgy: StockBar[] = bars.map((b, i) => ({
  ...b,
  vwap: i % 5 === 0 ? null : i % 11 === 0 ? Number.NaN : b.vwap,
  transactions: i % 3 === 0 ? null : i * 9_000_000_017,
  close: i % 17 === 0 ? -0 : b.close,
}));
const oneDay = defineDataset({ ...rawDatasetSpecs.stocks, name: 'stocks_by_date', layer: 'processed', partitionBy: ['date'] });
const ints = defineDataset({
  name: 'ints', layer: 'processed', key: ['id'], partitionBy: ['date'], dateColumn: 'day', sortBy: ['id'],
  columns: [
    { name: 'id', field: 'id', type: 'int32' },
    { name: 'day', field: 'day', type: 'utf8' },
    { name: 'label', field: 'label', type: 'utf8', nullable: true },
    { name: 'score', field: 'score', type: 'int32', nullable: true },
  ],
});

describe('encodeParquetDirect round trips through parquet-wasm’s reader', () => {
  it.each<[string, DatasetSpec, readonly object[], number | undefined]>([
    ['minute bars, one row group', rawDatasetSpecs.stocks, bars, undefined],
    ['bars with nulls, NaN, -0 and large int64s', oneDay, edgy, undefined],
    ['bars split into row groups not a multiple of 8', oneDay, edgy, 333],
    ['one row per row group', oneDay, edgy.slice(0, 20), 1],
    ['a single row', rawDatasetSpecs.stocks, bars.slice(0, 1), undefined],
    ['a nullable column that is null throughout', oneDay, bars.map((b) => ({ ...b, vwap: null })), undefined],
    [
      'int32 and utf8 with empty, non-ASCII and null strings, few distinct (dictionary)',
      ints,
      Array.from({ length: 500 }, (_, i) => ({ id: i, day: '2025-03-04', label: i % 4 === 0 ? null : ['', 'é', 'SPY', '日本'][i % 4], score: i % 6 === 0 ? null : (i % 7) - 3 })),
      undefined,
    ],
    ['all-distinct values (PLAIN)', ints, Array.from({ length: 300 }, (_, i) => ({ id: i * 7919 - 1_000_000, day: '2025-03-04', label: `L${i}`, score: i })), undefined],
  ])('%s', async (_, spec, rows, rowGroupSize) => {
    const { back, file } = await roundTrip(spec, rows, rowGroupSize);
    expect(back).toEqual(rows);
    const info = await readParquetInfo(file);
    expect(info.rows).toBe(rows.length);
    expect(info.rowGroups).toBe(Math.ceil(rows.length / (rowGroupSize ?? 1 << 20)));
    expect(info.columns.map((c) => [c.name, c.type, c.nullable])).toEqual(spec.columns.map((c) => [c.name, c.type === 'json' ? 'utf8' : c.type, c.nullable === true]));
  });

  it('writes dictionary pages for repeating columns, so a day of many tickers stays small', () => {
    const many = syntheticBars({ tickers: 40, days: 1, perDay: 390 });
    const table = recordsToTable(oneDay, many);
    const bytes = encodeParquetDirect(table, { compression: 'snappy', rowGroupSize: 1 << 20 })!;
    const plainBytes = encodeParquetDirect(table, { compression: 'none', rowGroupSize: 1 << 20 })!;
    // 40 × 390 rows × 10 columns of ≥ 8 bytes uncompressed would be ≥ 1.2 MB.
    expect(bytes.length).toBeLessThan(plainBytes.length);
    expect(plainBytes.length).toBeLessThan(many.length * 10 * 8);
  });

  it.each<[string, () => Table]>([
    ['list columns (news keywords)', () => recordsToTable(rawDatasetSpecs.news, [])],
    ['several record batches', () => new Table([...recordsToTable(oneDay, bars.slice(0, 5)).batches, ...recordsToTable(oneDay, bars.slice(5, 9)).batches])],
    ['zero rows', () => recordsToTable(oneDay, [])],
    ['a slice (offset data)', () => recordsToTable(oneDay, bars).slice(3, 10)],
    ['a float32 column', () => tableFromArrays({ x: new Float64Array([1, 2]) }).assign(tableFromArrays({ y: new Float32Array([1, 2]) }))],
  ])('declines %s (encodeParquet then uses parquet-wasm)', async (_, make) => {
    const table = make();
    expect(encodeParquetDirect(table, { compression: 'snappy', rowGroupSize: 1 << 20 })).toBeUndefined();
    const file = path.join(dir, `fallback-${table.numRows}-${table.batches.length}.parquet`);
    await writeFile(file, encodeParquet(table));
    expect((await readParquetTable(file)).numRows).toBe(table.numRows);
  });
});

describe('encodeParquetTo', () => {
  it.each<[string, () => Table, number | undefined]>([
    ['one row group (direct encoder, page by page)', () => recordsToTable(oneDay, edgy), undefined],
    ['row groups of 333 rows', () => recordsToTable(oneDay, edgy), 333],
    ['a table only parquet-wasm writes (several batches)', () => new Table([...recordsToTable(oneDay, bars.slice(0, 5)).batches, ...recordsToTable(oneDay, bars.slice(5, 9)).batches]), undefined],
  ])('hands over exactly the bytes encodeParquet returns: %s', (_, make, rowGroupSize) => {
    const table = make();
    const opts = { rowGroupSize, metadata: new Map([['spyglass', '{}']]) };
    const chunks: Uint8Array[] = [];
    encodeParquetTo(table, opts, (c) => chunks.push(c.slice()));
    expect(Buffer.compare(Buffer.concat(chunks), encodeParquet(table, opts))).toBe(0);
    if (rowGroupSize) expect(chunks.length).toBeGreaterThan(20);
  });
});
