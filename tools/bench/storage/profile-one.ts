// Profiling harness for the storage bench's measures, one at a time (no DuckDB), so `node --cpu-prof`
// shows only our side:
//   node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx tools/bench/storage/profile-one.ts --op read-records|write-one|write-partitioned|write-partitioned-batches|read-2col [--reps 3] [--no-fsync]
// write-partitioned-batches writes through writeBatches([rows]) (one partition at a time through the
// thread pool, what backfill uses), for comparing with write's batched creation.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, defineDataset, rawDatasetSpecs } from '@spyglass/storage';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1]! : fallback;
};
const OP = arg('op', 'read-records');
const REPS = Number(arg('reps', '3'));
const FSYNC = !process.argv.includes('--no-fsync');

function bars(tickers: number, days: number, seed = 7): StockBar[] {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296;
  const out: StockBar[] = [];
  const day0 = Date.UTC(2025, 2, 10, 13, 30);
  for (let t = 0; t < tickers; t++) {
    const ticker = `T${String(t).padStart(4, '0')}`;
    let price = 50 + (t % 500);
    for (let d = 0; d < days; d++) {
      for (let m = 0; m < 500; m++) {
        const open = price;
        price = Math.max(1, Math.round((price + (rand() - 0.5) * 0.2) * 100) / 100);
        const high = Math.max(open, price) + 0.01;
        const low = Math.min(open, price) - 0.01;
        const ts = day0 + d * 86_400_000 + m * 60_000;
        out.push({ ticker, timestamp: ts, open, high, low, close: price, volume: Math.floor(rand() * 50_000) * 10, vwap: Math.round(((high + low) / 2) * 1e4) / 1e4, transactions: Math.floor(rand() * 900), ingestedAt: ts + 61_000 });
      }
    }
  }
  return out;
}

const work = await mkdtemp(path.join(tmpdir(), 'spyglass-prof-'));
const partitioned = OP.startsWith('write-partitioned') || OP === 'read-2col';
const spec = partitioned ? rawDatasetSpecs.stocks : defineDataset({ ...rawDatasetSpecs.stocks, name: 'stocks_by_date', layer: 'processed', partitionBy: ['date'] });
const rows = partitioned ? bars(20, 100) : bars(2000, 1);
const ds = new ParquetDataset<StockBar>({ root: work, spec, fsync: FSYNC });
try {
  if (!OP.startsWith('write')) await ds.write(rows);
  for (let r = 0; r < REPS; r++) {
    if (OP.startsWith('write')) await rm(ds.dir, { recursive: true, force: true });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    if (OP === 'read-records') n = (await ds.readAll()).length;
    else if (OP === 'read-2col') for await (const { table } of ds.readTables({ columns: ['timestamp', 'close'] })) n += table.numRows;
    else if (OP === 'write-partitioned-batches') n = (await ds.writeBatches([rows]))[0]!.rowsWritten;
    else n = (await ds.write(rows)).rowsWritten;
    const c = process.cpuUsage(c0);
    console.log(`${OP} ${n} rows: ${(performance.now() - t0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU, load ${loadavg()[0]!.toFixed(1)}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
