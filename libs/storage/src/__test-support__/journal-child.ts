// Child process of the journal crash test: journals the stock bars given as JSON on stdin into the
// dataset at argv[2] in writes of argv[3] bars (never merging), prints "journaled <n>" after each
// durable write, then kills itself with SIGKILL: a writer dying with rows only in its journal.
import { readFileSync } from 'node:fs';
import type { StockBar } from '@spyglass/core';
import { JournaledDataset, rawDatasetSpecs } from '../index.js';

const [root, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
const bars = JSON.parse(readFileSync(0, 'utf8')) as StockBar[];
const ds = new JournaledDataset<StockBar>({ root: root!, spec: rawDatasetSpecs.stocks, compactIntervalMs: 3_600_000 });
for (let i = 0; i < bars.length; i += size) {
  await ds.write(bars.slice(i, i + size));
  process.stdout.write(`journaled ${Math.min(bars.length, i + size)}\n`);
}
process.kill(process.pid, 'SIGKILL');
