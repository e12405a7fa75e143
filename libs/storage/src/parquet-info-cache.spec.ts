import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, ParquetInfoCache, rawDatasetSpecs, spaceReport } from './index.js';
import { syntheticBars } from './__test-support__/bars.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-infocache-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ParquetInfoCache', () => {
  it('answers from memory while a file is unchanged and re-reads it once it is replaced', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    const bars = syntheticBars({ tickers: 1, days: 1, perDay: 20 });
    await ds.write(bars.slice(0, 10));
    const [p] = await ds.partitions();
    const cache = new ParquetInfoCache();
    const first = await cache.read(p.path);
    expect(first.rows).toBe(10);
    expect(await cache.read(p.path)).toBe(first); // same object: the footer was not read again
    await ds.write(bars.slice(10));
    const second = await cache.read(p.path);
    expect(second.rows).toBe(20);
    expect(second).not.toBe(first);
  });

  it('does not remember an unreadable file, and forgets the least recently used beyond maxEntries', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    await ds.write(syntheticBars({ tickers: 3, days: 1, perDay: 5 }));
    const files = (await ds.partitions()).map((p) => p.path);
    const cache = new ParquetInfoCache({ maxEntries: 2 });
    for (const f of files) await cache.read(f);
    expect(cache.size).toBe(2);
    const bad = path.join(root, 'bad.parquet');
    await writeFile(bad, 'not parquet at all');
    await utimes(bad, 1, 1);
    await expect(cache.read(bad)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    expect(cache.size).toBe(2);
  });

  it('gives spaceReport the same figures as reading every footer, before and after a write', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    await ds.write(syntheticBars({ tickers: 2, days: 3, perDay: 10 }));
    const cache = new ParquetInfoCache();
    expect(await spaceReport({ root, cache })).toEqual(await spaceReport({ root }));
    await ds.write(syntheticBars({ tickers: 3, days: 4, perDay: 12 }));
    expect(await spaceReport({ root, cache })).toEqual(await spaceReport({ root }));
    expect(cache.size).toBe(12);
  });
});
