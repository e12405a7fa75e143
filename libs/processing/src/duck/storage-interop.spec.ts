// DuckDB reads the Parquet files @spyglass/storage writes (its direct encoder: dictionary and PLAIN
// pages, SNAPPY, definition levels, statistics) as the same values, UTC timestamps and column
// statistics a query planner can use.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, defineDataset, rawDatasetSpecs } from '@spyglass/storage';

let root: string;
let instance: DuckDBInstance;
let duck: DuckDBConnection;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-interop-'));
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  duck = await instance.connect();
});
afterAll(async () => {
  duck.closeSync();
  await rm(root, { recursive: true, force: true });
});

const day0 = Date.UTC(2025, 2, 4, 14, 30);
const bars = (tickers: number, perDay: number): StockBar[] =>
  Array.from({ length: tickers * perDay }, (_, i) => {
    const t = Math.floor(i / perDay);
    const m = i % perDay;
    const close = Math.round((500 + t + Math.sin(m / 7) * 2) * 100) / 100;
    return {
      ticker: `T${t}`, timestamp: day0 + m * 60_000, open: close - 0.01, high: close + 0.02, low: close - 0.03, close, volume: 1_000 + m,
      vwap: m % 4 === 0 ? null : close + 0.001, transactions: m % 5 === 0 ? null : m * 3, ingestedAt: day0 + m * 60_000 + 61_000,
    };
  });
const oneDay = defineDataset({ ...rawDatasetSpecs.stocks, name: 'stocks_by_date', layer: 'processed', partitionBy: ['date'] });
const rows = async (sql: string) => (await duck.runAndReadAll(sql)).getRowObjectsJS();

describe('DuckDB reads what ParquetDataset writes', () => {
  it.each<[string, number, number]>([
    ['one ticker (dictionary pages, runs)', 1, 390],
    ['many tickers in one file', 30, 390],
  ])('%s: same values, UTC timestamps, statistics for every column', async (_, tickers, perDay) => {
    const data = bars(tickers, perDay);
    const ds = new ParquetDataset<StockBar>({ root: path.join(root, `${tickers}`), spec: oneDay });
    await ds.write(data);
    const [part] = await ds.partitions();
    const file = `'${part!.path}'`;
    const [agg] = await rows(
      `SELECT count(*) AS n, count(vwap) AS nv, count(transactions) AS nt, sum(close) AS sc, sum(transactions) AS st, min("timestamp") AS t0, max(ingested_at) AS t1, count(DISTINCT ticker) AS k FROM read_parquet(${file})`,
    );
    expect(agg).toEqual({
      n: BigInt(data.length),
      nv: BigInt(data.filter((b) => b.vwap !== null).length),
      nt: BigInt(data.filter((b) => b.transactions !== null).length),
      sc: expect.closeTo(data.reduce((s, b) => s + b.close, 0), 6) as unknown as number,
      st: BigInt(data.reduce((s, b) => s + (b.transactions ?? 0), 0)),
      t0: new Date(day0),
      t1: new Date(Math.max(...data.map((b) => b.ingestedAt))),
      k: BigInt(tickers),
    });
    const types = await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * EXCLUDE (date) FROM read_parquet(${file}))`);
    expect(types.map((r) => `${String(r.column_name)}:${String(r.column_type)}`)).toEqual([
      'ticker:VARCHAR', 'timestamp:TIMESTAMP WITH TIME ZONE', 'open:DOUBLE', 'high:DOUBLE', 'low:DOUBLE', 'close:DOUBLE', 'volume:DOUBLE', 'vwap:DOUBLE', 'transactions:BIGINT', 'ingested_at:TIMESTAMP WITH TIME ZONE',
    ]);
    const stats = await rows(`SELECT path_in_schema AS col, compression, stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata(${file})`);
    expect(stats).toHaveLength(oneDay.columns.length);
    for (const s of stats) {
      expect(s.compression).toBe('SNAPPY');
      expect(s.lo).not.toBeNull();
      expect(s.hi).not.toBeNull();
    }
    const byCol = new Map(stats.map((s) => [String(s.col), s]));
    expect(byCol.get('vwap')!.nulls).toBe(BigInt(data.filter((b) => b.vwap === null).length));
    expect(Number(byCol.get('close')!.lo)).toBe(Math.min(...data.map((b) => b.close)));
    expect(Number(byCol.get('close')!.hi)).toBe(Math.max(...data.map((b) => b.close)));
    expect(byCol.get('ticker')!.lo).toBe('T0');
    // The statistics prune: a filter outside [min, max] of close reads no row group.
    const [none] = await rows(`SELECT count(*) AS n FROM read_parquet(${file}) WHERE close > ${Math.max(...data.map((b) => b.close)) + 1}`);
    expect(none!.n).toBe(0n);
  });
});
