import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, purge, rawDatasetSpecs, type PurgeCategory } from './index.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const DAY = 86_400_000;
let root: string;

async function file(rel: string, ageDays: number, bytes = 10): Promise<string> {
  const p = path.join(root, rel);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, Buffer.alloc(bytes, 1));
  const t = new Date(NOW - ageDays * DAY);
  await utimes(p, t, t);
  return p;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-purge-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('purge', () => {
  it('ages partitions by their hive date (not mtime) and removes emptied partition directories', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    const bar = (d: number): StockBar => ({ ticker: 'SPY', timestamp: Date.UTC(2025, 5, d, 15), open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: null, transactions: null, ingestedAt: 0 });
    await ds.write([bar(2), bar(4), bar(13)]); // written now, but data of 2, 4 and 13 June
    const dry = await purge({ root, retentionDays: { raw: 10 }, now: NOW });
    expect(dry.dryRun).toBe(true);
    expect(dry.byCategory.raw).toEqual({ files: 2, bytes: expect.any(Number), cutoff: '2025-06-05' });
    expect(dry.files.map((f) => f.age)).toEqual(['partition date 2025-06-02 < 2025-06-05', 'partition date 2025-06-04 < 2025-06-05']);
    expect((await ds.partitions()).length).toBe(3); // a dry run deletes nothing

    const real = await purge({ root, retentionDays: { raw: 10 }, now: NOW, dryRun: false });
    expect(real.totalFiles).toBe(2);
    expect((await ds.partitions()).map((p) => p.date)).toEqual(['2025-06-13']);
    expect(await readdir(path.join(root, 'raw/stocks/ticker=SPY'))).toEqual(['date=2025-06-13']);
    expect(real.removedDirs).toEqual([path.join(root, 'raw/stocks/ticker=SPY/date=2025-06-02'), path.join(root, 'raw/stocks/ticker=SPY/date=2025-06-04')]);
  });

  it.each<[PurgeCategory, string]>([
    ['metrics', 'metrics/perf-2025-05.jsonl'],
    ['schema_drift', 'schema_drift/events.jsonl'],
    ['checkpoints', 'checkpoints/backfill/SPY.json'],
    ['heartbeat', 'heartbeat/streamer.json'],
    ['processed', 'processed/reports/summary.json'],
  ])('purges %s files by modification time with their own retention', async (category, rel) => {
    const old = await file(rel.replace(/(\.\w+)$/, '-old$1'), 40);
    const fresh = await file(rel, 5);
    const s = await purge({ root, retentionDays: { [category]: 30 }, now: NOW, dryRun: false });
    expect(s.files.map((f) => [f.path, f.category])).toEqual([[old, category]]);
    expect(await exists(old)).toBe(false);
    expect(await exists(fresh)).toBe(true);
  });

  it('keeps categories without a retention and files not matching the patterns', async () => {
    const cp = await file('checkpoints/checkpoint_backfill.json', 100);
    const other = await file('checkpoints/notes.txt', 100);
    const metric = await file('metrics/m.jsonl', 100);
    const baseline = await file('schema_baselines/raw__stocks.json', 1000);
    const s = await purge({ root, retentionDays: { checkpoints: 30 }, patterns: ['checkpoint_*.json'], now: NOW, dryRun: false });
    expect(s.files.map((f) => f.path)).toEqual([cp]);
    expect(await Promise.all([other, metric, baseline].map(exists))).toEqual([true, true, true]);
  });

  it.each([[-1], [Number.NaN]])('rejects retention %p', async (days) => {
    await expect(purge({ root, retentionDays: { raw: days }, now: NOW })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
