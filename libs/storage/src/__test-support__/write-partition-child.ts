// Child process of the crash tests: writes `rows` synthetic SPY bars of one session into the stocks
// dataset at argv[2] (all in one partition), printing "writing" first. The parent kills it mid-write.
// argv[4], when given, is the row group size.
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '../index.js';

const [root, rowsArg, rowGroupArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const start = Date.UTC(2020, 11, 15, 9); // 04:00 EST: the whole batch stays on 2020-12-15 in New York
const bars: StockBar[] = [];
for (let i = 0; i < rows; i++) {
  // Incompressible prices make the file large, so the write takes long enough to be caught.
  const p = 300 + Math.random();
  bars.push({ ticker: 'SPY', timestamp: start + i, open: p, high: p + Math.random(), low: p - Math.random(), close: p, volume: i, vwap: Math.random(), transactions: i, ingestedAt: i });
}
process.stdout.write('writing\n');
await new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, ...(rowGroupArg ? { rowGroupSize: Number(rowGroupArg) } : {}) }).write(bars);
process.stdout.write('done\n');
