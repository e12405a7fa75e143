import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from './index.js';
import { syntheticBars } from './__test-support__/bars.js';

// writeBatchesSettled: one outcome per set, so a backfill can checkpoint the sets that were stored.
let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-settled-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));
const stocks = () => new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });

describe('ParquetDataset.writeBatchesSettled', () => {
  it('says which sets were written when one fails, and every fulfilled set is on disk', async () => {
    const bars = syntheticBars({ tickers: 1, days: 3, perDay: 20 });
    const [a, b, c] = [bars.slice(0, 20), bars.slice(20, 40), bars.slice(40)];
    const bad = [{ ...b[0]!, close: 'oops' as unknown as number }];
    const out = await stocks().writeBatchesSettled([a, bad, c]);
    expect(out.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((out[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(out.map((r) => (r.status === 'fulfilled' ? r.value.added : 0))).toEqual([20, 0, 20]);
    expect(await stocks().readAll()).toEqual([...a, ...c]);
  });

  it('matches writeBatches when every set succeeds', async () => {
    const bars = syntheticBars({ tickers: 2, days: 2, perDay: 10 });
    const out = await stocks().writeBatchesSettled([bars.slice(0, 20), bars.slice(20)]);
    expect(out.map((r) => (r.status === 'fulfilled' ? r.value.added : -1))).toEqual([20, 20]);
  });
});
