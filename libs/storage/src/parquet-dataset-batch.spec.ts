import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from './index.js';
import { syntheticBars } from './__test-support__/bars.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-batch-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

// 3 tickers × 60 days = 180 partitions: several batches of new partitions (64 at a time), some
// partitions already on disk (merged under the lock instead).
const bars = syntheticBars({ tickers: 3, days: 60, perDay: 12 });
const keyOf = (b: StockBar) => `${b.ticker}/${b.timestamp}`;

describe('ParquetDataset.write of many new partitions', () => {
  it.each([true, false])('writes every partition whole, merges the existing ones and seals what it wrote (fsync %s)', async (fsync) => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, fsync });
    // 10 partitions exist already with the first half of their rows.
    const firstDays = new Set([...new Set(bars.map((b) => new Date(b.timestamp).toISOString().slice(0, 10)))].slice(0, 10));
    const early = bars.filter((b) => b.ticker === bars[0]!.ticker && firstDays.has(new Date(b.timestamp).toISOString().slice(0, 10)) && Math.floor(b.timestamp / 60_000) % 2 === 0);
    await ds.write(early);

    const summary = await ds.write(bars);
    expect(summary).toMatchObject({ partitions: 180, partitionsWritten: 180, rowsIn: bars.length, rowsWritten: bars.length, added: bars.length - early.length, duplicates: early.length });
    const back = await ds.readAll();
    const byKey = (a: StockBar, b: StockBar) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0);
    expect([...back].sort(byKey)).toEqual([...bars].sort(byKey));

    const parts = await ds.partitions();
    expect(parts).toHaveLength(180);
    for (const p of parts.slice(0, 70)) {
      // No temp file left, and the seal of the bytes written matches the file on disk.
      expect(await readdir(path.dirname(p.path))).toEqual(['part-0.parquet']);
      const seal = await ds.seal(p.ticker, p.date);
      expect(seal?.sha256).toBe(createHash('sha256').update(await readFile(p.path)).digest('hex'));
      expect(seal?.bytes).toBe(p.bytes);
    }
  });

  it('a second write of the same rows changes nothing', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    await ds.write(bars);
    const again = await new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }).write(bars);
    expect(again).toMatchObject({ partitions: 180, partitionsWritten: 0, added: 0, duplicates: bars.length });
  });
});
