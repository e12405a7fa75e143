// @spyglass/storage from the registry: a Parquet round trip on disk.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

const root = await mkdtemp(path.join(tmpdir(), 'consumer-storage-'));
const stocks = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
const open = Date.UTC(2025, 2, 4, 14, 30);
const bars: StockBar[] = Array.from({ length: 390 }, (_, i) => ({
  ticker: 'SPY', timestamp: open + i * 60_000, open: 585, high: 585.5, low: 584.5, close: 585 + i / 100,
  volume: 1000, vwap: 585, transactions: 10, ingestedAt: Date.now(),
}));
await stocks.write(bars);
let rows = 0;
let last = NaN;
for await (const batch of stocks.read({ tickers: ['SPY'], from: '2025-03-04', to: '2025-03-04', columns: ['timestamp', 'close'] })) {
  rows += batch.length;
  last = Number(batch.at(-1)?.close);
}
assert.equal(rows, 390);
assert.equal(last, bars[389]!.close);
await rm(root, { recursive: true, force: true });
console.log(`storage: ${rows} bars round-tripped, last close ${last}`);
