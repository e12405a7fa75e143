// Storage benchmark: 1,000,000 synthetic minute bars written and read through @spyglass/storage,
// with DuckDB (@duckdb/node-api) doing the same rows in the same run as the baseline.
//
//   npx tsc -b libs/storage/tsconfig.lib.json     # the bench imports the libraries' dist/
//   node --import tsx tools/bench/storage/bench.ts [--rows 1000000] [--reps 3] [--duckdb-threads N] [--no-fsync] [--json]
//
// Two layouts, both with SNAPPY:
//   one-partition  all rows in one partition file (2,000 tickers × 500 minutes of one day, a
//                  dataset partitioned by date only, like a consolidated layer) vs DuckDB
//                  `COPY bars TO 'file.parquet'` and `read_parquet('file.parquet')`;
//   partitioned    the raw stocks layout, ticker=/date= partitions of 500 rows (20 tickers × 100
//                  days) vs DuckDB `COPY … (PARTITION_BY (ticker, date))` and a hive glob read.
// Write = records in memory to durable files (ours: encode, merge into an empty partition, temp
// file, fsync, rename). Read = ours to JS records (`readAll`) and to Arrow tables (`readTables`);
// DuckDB materialises into its own in-memory table (`CREATE TABLE … AS SELECT`), so no JS objects
// are made on its side; for the "→ JS records" rows DuckDB is also timed producing JS row objects
// (`getRowObjectsJS`, one run). Projection = `timestamp, close`. Each figure is the median of --reps
// rounds; within a round ours and DuckDB run back to back, the side going first alternating, so
// machine load falls on both alike. CPU = process CPU seconds (user + system, DuckDB's threads
// included: it runs in this process) during each side's runs, beside their wall time.
// Also: "→ JS columns" (`readColumns`, typed arrays, no object per row) and, for the one-file
// write, the Parquet encoders available here side by side on the same Arrow table (encode only).
// The data is synthetic (seeded random walk), not market data.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { StockBar } from '@spyglass/core';
import { Compression, EnabledStatistics, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { tableToIPC } from 'apache-arrow';
import { ParquetDataset, defineDataset, encodeParquet, rawDatasetSpecs, recordsToTable, type DatasetSpec } from '@spyglass/storage';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1]! : fallback;
};
const ROWS = Number(arg('rows', '1000000'));
const REPS = Number(arg('reps', '3'));
const DUCK_THREADS = arg('duckdb-threads', '');
const FSYNC = !process.argv.includes('--no-fsync');
const JSON_OUT = process.argv.includes('--json');
const PER_DAY = 500;

function bars(tickers: number, days: number, seed = 7): StockBar[] {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296;
  const out: StockBar[] = new Array(tickers * days * PER_DAY);
  const day0 = Date.UTC(2025, 2, 10, 13, 30); // 09:30 EDT; 500 minutes stay inside the New York day
  let k = 0;
  for (let t = 0; t < tickers; t++) {
    const ticker = `T${String(t).padStart(4, '0')}`;
    let price = 50 + (t % 500);
    for (let d = 0; d < days; d++) {
      for (let m = 0; m < PER_DAY; m++) {
        const open = price;
        price = Math.max(1, Math.round((price + (rand() - 0.5) * 0.2) * 100) / 100);
        const high = Math.max(open, price) + 0.01;
        const low = Math.min(open, price) - 0.01;
        const ts = day0 + d * 86_400_000 + m * 60_000;
        out[k++] = {
          ticker, timestamp: ts, open, high, low, close: price, volume: Math.floor(rand() * 50_000) * 10,
          vwap: Math.round(((high + low) / 2) * 1e4) / 1e4, transactions: Math.floor(rand() * 900), ingestedAt: ts + 61_000,
        };
      }
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timing {
  ms: number;
  cpuMs: number;
}

/** Wall and process-CPU time of one call. */
async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

const medianTiming = (xs: Timing[]): Timing => ({ ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)) });

/**
 * Ours against DuckDB over `reps` rounds, the side going first alternating per round; medians of each.
 */
async function pair(
  reps: number,
  ours: { setup?: () => Promise<unknown>; run: () => Promise<unknown> },
  duck: { setup?: () => Promise<unknown>; run: () => Promise<unknown> },
): Promise<{ ours: Timing; duck: Timing }> {
  const a: Timing[] = [];
  const b: Timing[] = [];
  for (let i = 0; i < reps; i++) {
    const sides = i % 2 === 0 ? [ours, duck] : [duck, ours];
    for (const side of sides) {
      await side.setup?.();
      const t = await timed(side.run);
      (side === ours ? a : b).push(t);
    }
  }
  return { ours: medianTiming(a), duck: medianTiming(b) };
}

interface Row {
  layout: string;
  op: string;
  oursMs: number;
  duckMs: number;
  oursCpuMs: number;
  duckCpuMs: number;
  /** DuckDB producing the same JS row objects (`getRowObjectsJS`), for the "→ JS records" rows. */
  duckJsMs?: number;
}

async function run(layout: string, spec: DatasetSpec, rows: StockBar[], duck: DuckDBConnection, work: string, duckPartitionBy: string): Promise<Row[]> {
  const out: Row[] = [];
  const oursRoot = path.join(work, `${layout}-ours`);
  const duckOut = path.join(work, `${layout}-duck`);
  const ds = new ParquetDataset<StockBar>({ root: oursRoot, spec, fsync: FSYNC });
  const fresh = async () => {
    await rm(oursRoot, { recursive: true, force: true });
  };

  const row = (op: string, t: { ours: Timing; duck: Timing }, duckJsMs?: number): Row => ({
    layout, op, oursMs: t.ours.ms, duckMs: t.duck.ms, oursCpuMs: t.ours.cpuMs, duckCpuMs: t.duck.cpuMs, ...(duckJsMs === undefined ? {} : { duckJsMs }),
  });

  // Write.
  const duckTarget = duckPartitionBy ? duckOut : `${duckOut}.parquet`;
  const write = await pair(
    REPS,
    { setup: fresh, run: () => ds.write(rows) },
    {
      setup: () => rm(duckTarget, { recursive: true, force: true }),
      run: () => duck.run(`COPY bars TO '${duckTarget}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1048576${duckPartitionBy ? `, PARTITION_BY (${duckPartitionBy})` : ''})`),
    },
  );
  out.push(row('write (SNAPPY)', write));

  // Reads (the datasets written by the last round above).
  const source = duckPartitionBy ? `read_parquet('${duckOut}/**/*.parquet', hive_partitioning = true)` : `read_parquet('${duckTarget}')`;
  const duckRead = (cols: string) => ({ run: () => duck.run(`CREATE OR REPLACE TEMP TABLE r AS SELECT ${cols} FROM ${source}`) });
  const duckReadJs = async (cols: string) => (await timed(async () => (await duck.runAndReadAll(`SELECT ${cols} FROM ${source}`)).getRowObjectsJS().length)).ms;
  let n = 0;
  const full = await pair(REPS, { run: async () => (n = (await ds.readAll()).length) }, duckRead('*'));
  if (n !== rows.length) throw new Error(`read back ${n} rows, wrote ${rows.length}`);
  const fullArrow = await pair(
    REPS,
    {
      run: async () => {
        let c = 0;
        for await (const { table } of ds.readTables()) c += table.numRows;
        if (c !== rows.length) throw new Error(`arrow read ${c}`);
      },
    },
    duckRead('*'),
  );
  const fullColumns = await pair(
    REPS,
    {
      run: async () => {
        let c = 0;
        for await (const b of ds.readColumns()) c += b.length;
        if (c !== rows.length) throw new Error(`columns read ${c}`);
      },
    },
    duckRead('*'),
  );
  out.push(row('full read → JS records', full, await duckReadJs(duckPartitionBy ? '* EXCLUDE (date)' : '*')));
  out.push(row('full read → JS columns', fullColumns));
  out.push(row('full read → Arrow', fullArrow));
  const cols = ['timestamp', 'close'];
  const proj = await pair(REPS, { run: () => ds.readAll({ columns: cols }) }, duckRead('"timestamp", "close"'));
  const projArrow = await pair(
    REPS,
    {
      run: async () => {
        for await (const { table } of ds.readTables({ columns: cols })) void table.numRows;
      },
    },
    duckRead('"timestamp", "close"'),
  );
  out.push(row('2-column read → JS records', proj, await duckReadJs('"timestamp", "close"')));
  out.push(row('2-column read → Arrow', projArrow));
  return out;
}

interface EncoderRow {
  name: string;
  ms: number;
  cpuMs: number;
  bytes: number;
}

/**
 * The Parquet encoders available to Node here on one Arrow table (encode only, no file I/O), each
 * round in turn: spyglass's direct encoder (what `encodeParquet` uses), parquet-wasm with its
 * defaults (dictionaries, statistics) and without dictionaries, and parquet-wasm without
 * statistics. DuckDB's `COPY … TO` from a table it holds is the baseline rows above.
 */
async function encoders(spec: DatasetSpec, rows: readonly StockBar[]): Promise<EncoderRow[]> {
  const table = recordsToTable(spec, rows);
  const wasm = (configure: (b: WriterPropertiesBuilder) => WriterPropertiesBuilder) => () =>
    writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), configure(new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(1 << 20)).build());
  const candidates: Array<[string, () => Uint8Array]> = [
    ['spyglass direct encoder (default)', () => encodeParquet(table)],
    ['parquet-wasm, dictionaries + statistics', wasm((b) => b)],
    ['parquet-wasm, no dictionaries', wasm((b) => b.setDictionaryEnabled(false))],
    ['parquet-wasm, dictionaries, no statistics', wasm((b) => b.setStatisticsEnabled(EnabledStatistics.None))],
  ];
  const times = candidates.map(() => [] as Timing[]);
  const bytes = candidates.map(() => 0);
  for (let r = 0; r < REPS; r++) {
    for (let k = 0; k < candidates.length; k++) {
      const j = (k + r) % candidates.length;
      times[j]!.push(await timed(async () => (bytes[j] = candidates[j]![1]().length)));
    }
  }
  return candidates.map(([name], k) => ({ name, ...medianTiming(times[k]!), bytes: bytes[k]! }));
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'spyglass-bench-storage-'));
  const instance = await DuckDBInstance.create(':memory:', DUCK_THREADS ? { threads: DUCK_THREADS } : {});
  const duck = await instance.connect();
  const threads = (await duck.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjects()[0]!.t;
  const results: Row[] = [];
  let encoderRows: EncoderRow[] = [];
  const loadStart = loadavg()[0]!;
  try {
    const oneDay = defineDataset({ ...rawDatasetSpecs.stocks, name: 'stocks_by_date', layer: 'processed', partitionBy: ['date'] });
    const layouts: Array<[string, DatasetSpec, number, number, string]> = [
      ['one-partition', oneDay, Math.round(ROWS / PER_DAY), 1, ''],
      ['partitioned', rawDatasetSpecs.stocks, 20, Math.round(ROWS / PER_DAY / 20), 'ticker, date'],
    ];
    for (const [layout, spec, tickers, days, partitionBy] of layouts) {
      const rows = bars(tickers, days);
      // DuckDB gets exactly these rows: load the file our library wrote (not timed), adding the
      // partition date column its PARTITION_BY needs (New York = UTC−4: the synthetic days are in EDT).
      const seed = new ParquetDataset<StockBar>({ root: path.join(work, 'seed'), spec: oneDay, fsync: false });
      await rm(path.join(work, 'seed'), { recursive: true, force: true });
      await seed.write(rows.map((r) => ({ ...r, timestamp: r.timestamp })));
      const files = (await seed.partitions()).map((p) => `'${p.path}'`).join(', ');
      await duck.run(`CREATE OR REPLACE TABLE bars AS SELECT *, CAST(CAST("timestamp"::TIMESTAMP - INTERVAL 4 HOUR AS DATE) AS VARCHAR) AS date FROM read_parquet([${files}])`);
      const count = Number((await duck.runAndReadAll('SELECT count(*) AS n FROM bars')).getRowObjects()[0]!.n);
      if (count !== rows.length) throw new Error(`DuckDB loaded ${count} rows`);
      if (!partitionBy) await duck.run('ALTER TABLE bars DROP COLUMN date');
      results.push(...(await run(layout, spec, rows, duck, work, partitionBy)));
      if (!partitionBy) encoderRows = await encoders(spec, rows);
    }
  } finally {
    duck.closeSync();
    await rm(work, { recursive: true, force: true });
  }

  const ratio = (layout: string, op: string): number | null => {
    const r = results.find((x) => x.layout === layout && x.op === op);
    return r ? +(r.oursMs / r.duckMs).toFixed(3) : null;
  };
  const cpuRatio = (layout: string, op: string): number | null => {
    const r = results.find((x) => x.layout === layout && x.op === op);
    return r ? +(r.oursCpuMs / r.duckCpuMs).toFixed(3) : null;
  };
  const headline = {
    bench: 'storage',
    writeOneFileVsDuckdb: ratio('one-partition', 'write (SNAPPY)'),
    writePartitionedVsDuckdb: ratio('partitioned', 'write (SNAPPY)'),
    read2colPartitionedArrowVsDuckdb: ratio('partitioned', '2-column read → Arrow'),
    // ours to JS records against DuckDB materialising the same rows (its "→ Arrow" side)
    readRecordsVsDuckdbArrow: ratio('one-partition', 'full read → JS records'),
    readColumnsVsDuckdbArrow: ratio('one-partition', 'full read → JS columns'),
    // The same four as process CPU time (DuckDB's threads included): what load does not change much.
    writeOneFileCpuVsDuckdb: cpuRatio('one-partition', 'write (SNAPPY)'),
    writePartitionedCpuVsDuckdb: cpuRatio('partitioned', 'write (SNAPPY)'),
    read2colPartitionedArrowCpuVsDuckdb: cpuRatio('partitioned', '2-column read → Arrow'),
    readRecordsCpuVsDuckdbArrow: cpuRatio('one-partition', 'full read → JS records'),
    rows: ROWS,
    load1: +loadStart.toFixed(1),
    load1End: +loadavg()[0]!.toFixed(1),
  };
  if (JSON_OUT) {
    console.log(JSON.stringify({ rows: ROWS, reps: REPS, fsync: FSYNC, duckdbThreads: threads, results, encoders: encoderRows }, null, 2));
    console.log(JSON.stringify(headline));
    return;
  }
  const rate = (ms: number) => `${((ROWS / ms) * 1000 / 1e6).toFixed(2)} M rows/s`;
  console.log(`storage bench: ${ROWS.toLocaleString('en-US')} synthetic bars, median of ${REPS} alternating rounds, fsync ${FSYNC ? 'on' : 'off'}, DuckDB threads ${String(threads)}, Node ${process.version}, load average ${headline.load1} → ${headline.load1End}`);
  console.log(`${'layout'.padEnd(14)} ${'operation'.padEnd(27)} ${'ours'.padStart(10)} ${'CPU'.padStart(9)} ${''.padStart(16)} ${'DuckDB'.padStart(10)} ${'CPU'.padStart(9)} ${''.padStart(16)} ours/DuckDB time`);
  for (const r of results) {
    console.log(`${r.layout.padEnd(14)} ${r.op.padEnd(27)} ${`${r.oursMs.toFixed(0)} ms`.padStart(10)} ${`${r.oursCpuMs.toFixed(0)} ms`.padStart(9)} ${rate(r.oursMs).padStart(16)} ${`${r.duckMs.toFixed(0)} ms`.padStart(10)} ${`${r.duckCpuMs.toFixed(0)} ms`.padStart(9)} ${rate(r.duckMs).padStart(16)} ${(r.oursMs / r.duckMs).toFixed(2)}×${r.oursMs / r.duckMs <= 1.5 ? '  (within 1.5×)' : ''}`);
  }
  console.log('Parquet encoders on the one-partition Arrow table (encode only, SNAPPY, median):');
  for (const e of encoderRows) {
    console.log(`  ${e.name.padEnd(44)} ${`${e.ms.toFixed(0)} ms`.padStart(9)} wall ${`${e.cpuMs.toFixed(0)} ms`.padStart(9)} CPU ${`${(e.bytes / 2 ** 20).toFixed(1)} MiB`.padStart(10)}`);
  }
  console.log('DuckDB producing the same JS row objects (getRowObjectsJS, 1 run):');
  for (const r of results) {
    if (r.duckJsMs !== undefined) console.log(`${r.layout.padEnd(14)} ${r.op.padEnd(27)} ${`${r.oursMs.toFixed(0)} ms`.padStart(10)} ${`${r.duckJsMs.toFixed(0)} ms`.padStart(10)} ${(r.oursMs / r.duckJsMs).toFixed(2)}×`);
  }
  console.log(JSON.stringify(headline));
}

await main();
