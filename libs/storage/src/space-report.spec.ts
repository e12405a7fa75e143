import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, formatSpaceReport, rawDatasetSpecs, readParquetInfo, spaceReport } from './index.js';
import { syntheticBars } from './__test-support__/bars.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-space-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('spaceReport', () => {
  it('sizes each dataset by ticker and month with the footer compression ratio', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    // 2 tickers × 25 days from 10 March: partitions in March and April.
    await ds.write(syntheticBars({ tickers: 2, days: 25, perDay: 50 }));
    await mkdir(path.join(root, 'checkpoints'), { recursive: true });
    await writeFile(path.join(root, 'checkpoints/x.json'), '{}');
    const parts = await ds.partitions();
    const infos = await Promise.all(parts.map((p) => readParquetInfo(p.path)));
    const bytes = parts.reduce((s, p) => s + p.bytes, 0);
    const uncompressed = infos.reduce((s, i) => s + i.uncompressedBytes, 0);

    const r = await spaceReport({ root });
    expect(r.totalBytes).toBe(bytes + 2);
    expect(r.other).toEqual([{ dir: 'checkpoints', files: 1, bytes: 2 }]);
    expect(r.datasets).toHaveLength(1);
    const d = r.datasets[0];
    expect(d).toMatchObject({ layer: 'raw', dataset: 'stocks', files: 50, bytes, rows: 2500, uncompressedBytes: uncompressed, unreadable: [] });
    expect(d.compressionRatio).toBeCloseTo(uncompressed / bytes, 10);
    expect(d.tickers.map((t) => [t.ticker, t.files, t.rows])).toEqual([['T000', 25, 1250], ['T001', 25, 1250]]);
    expect(d.months.map((m) => [m.month, m.files, m.rows])).toEqual([['2025-03', 44, 2200], ['2025-04', 6, 300]]);
    const text = formatSpaceReport(r);
    expect(text).toContain('raw/stocks');
    expect(text).toContain('2025-04');
  });

  it('counts an unreadable file in bytes but not in rows, and names it', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    await ds.write(syntheticBars({ tickers: 1, days: 2, perDay: 10 }));
    const [bad, good] = await ds.partitions();
    await truncate(bad.path, 20);
    const d = (await spaceReport({ root })).datasets[0];
    expect(d).toMatchObject({ files: 2, bytes: 20 + good.bytes, rows: 10, unreadable: [bad.path] });
  });

  it('reports an empty or missing root as empty', async () => {
    expect(await spaceReport({ root: path.join(root, 'nothing') })).toEqual({ root: path.join(root, 'nothing'), totalBytes: 0, datasets: [], other: [] });
  });
});
