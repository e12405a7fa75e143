import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock, type StockBar } from '@spyglass/core';
import { ParquetDataset, SchemaDriftMonitor, defineDataset, rawDatasetSpecs, type DriftKind } from './index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-drift-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const v1 = rawDatasetSpecs.stocks;
// The upstream changed: a new `source` column, no `vwap`, and integer volumes.
const v2 = defineDataset({
  ...v1,
  columns: [
    ...v1.columns.filter((c) => c.name !== 'vwap').map((c) => (c.name === 'volume' ? { ...c, type: 'int64' as const } : c)),
    { name: 'source', field: 'source', type: 'utf8', nullable: true },
  ],
});
const bar = (day: number): StockBar => ({
  ticker: 'SPY', timestamp: Date.UTC(2025, 2, day, 15), open: 1, high: 2, low: 0.5, close: 1.5, volume: 100, vwap: 1.2, transactions: 7, ingestedAt: 0,
});

async function writeV1AndV2(): Promise<{ oldFile: string; newFile: string }> {
  await new ParquetDataset<StockBar>({ root, spec: v1 }).write([bar(3)]);
  await new ParquetDataset<object>({ root, spec: v2 }).write([{ ...bar(4), source: 'ws' }]);
  const parts = await new ParquetDataset({ root, spec: v1 }).partitions();
  return { oldFile: parts[0].path, newFile: parts[1].path };
}

describe('SchemaDriftMonitor', () => {
  it('creates the baseline from the spec and reports nothing for files that match it', async () => {
    await new ParquetDataset<StockBar>({ root, spec: v1 }).write([bar(3), bar(4)]);
    const monitor = new SchemaDriftMonitor({ root, clock: new ManualClock(42) });
    const r = await monitor.check(v1);
    expect(r).toMatchObject({ dataset: 'raw/stocks', filesChecked: 2, baselineCreated: true, drifted: false, changes: [] });
    const stored = JSON.parse(await readFile(path.join(root, 'schema_baselines/raw__stocks.json'), 'utf8'));
    expect(stored.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(v1.columns.map((c) => `${c.name}:${c.type}`));
    expect(stored.createdAt).toBe(42);
  });

  it('reports new columns, missing columns and type changes with example files, and logs events', async () => {
    const { newFile } = await writeV1AndV2();
    const warnings: string[] = [];
    const monitor = new SchemaDriftMonitor({ root, clock: new ManualClock(7), logger: { info: () => undefined, warn: (_o, m) => warnings.push(m ?? '') } });
    const r = await monitor.check(v1);
    expect(r.drifted).toBe(true);
    expect(r.changes).toEqual([
      { kind: 'type_change', column: 'volume', expected: 'float64', actual: 'int64', files: [newFile], fileCount: 1 },
      { kind: 'new_column', column: 'source', actual: 'utf8', files: [newFile], fileCount: 1 },
      { kind: 'missing_column', column: 'vwap', expected: 'float64', files: [newFile], fileCount: 1 },
    ]);
    const events = (await readFile(path.join(root, 'schema_drift/events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toEqual(r.changes.map((c) => ({ at: 7, dataset: 'raw/stocks', ...c })));
    expect(warnings).toEqual(['schema drift in raw/stocks: type_change volume', 'schema drift in raw/stocks: new_column source', 'schema drift in raw/stocks: missing_column vwap']);
  });

  it.each<[DriftKind, string]>([
    ['new_column', 'source'],
    ['missing_column', 'vwap'],
    ['type_change', 'volume'],
  ])('can switch off %s alerts', async (kind, column) => {
    await writeV1AndV2();
    const r = await new SchemaDriftMonitor({ root, alerts: { [kind]: false } }).check(v1);
    expect(r.changes.map((c) => c.kind)).not.toContain(kind);
    expect(r.changes.map((c) => c.column)).not.toContain(column);
    expect(r.changes).toHaveLength(2);
  });

  it('auto-update never makes one drifted file the baseline for the others: the baseline is kept and the reason given', async () => {
    const { oldFile, newFile } = await writeV1AndV2();
    // A third, older partition in the original schema: only the newest file drifted.
    await new ParquetDataset<StockBar>({ root, spec: v1 }).write([bar(2)]);
    const monitor = new SchemaDriftMonitor({ root, autoUpdateBaseline: true });
    const r = await monitor.check(v1);
    expect(r).toMatchObject({ drifted: true, baselineUpdated: false });
    expect(r.baselineKept).toMatch(/^2 of 3 files do not have the newest schema \(e\.g\. .*\): the baseline is kept/);
    expect((await monitor.baseline(v1))?.columns.map((c) => c.name)).toEqual(v1.columns.map((c) => c.name));
    // The next check still judges the others by the original schema: only the odd file drifts.
    const again = await monitor.check(v1);
    expect(new Set(again.changes.flatMap((c) => c.files))).toEqual(new Set([newFile]));
    expect(again.changes.flatMap((c) => c.files)).not.toContain(oldFile);
  });

  it('auto-update adopts the new schema when every checked file has it', async () => {
    await writeV1AndV2();
    const monitor = new SchemaDriftMonitor({ root, autoUpdateBaseline: true });
    const r = await monitor.check(v1, { from: '2025-03-04' });
    expect(r).toMatchObject({ drifted: true, baselineUpdated: true });
    expect(r.baselineKept).toBeUndefined();
    expect((await monitor.baseline(v1))?.columns.map((c) => c.name)).toEqual(v2.columns.map((c) => c.name));
    expect((await monitor.check(v1, { from: '2025-03-04' })).drifted).toBe(false);
  });

  it('takes a dataset directory, baselining from its newest file, and can throw SCHEMA_DRIFT', async () => {
    await new ParquetDataset<object>({ root, spec: v2 }).write([{ ...bar(4), source: 'ws' }]);
    const monitor = new SchemaDriftMonitor({ root });
    const dir = path.join(root, 'raw', 'stocks');
    expect(await monitor.check(dir)).toMatchObject({ baselineCreated: true, drifted: false });
    await new ParquetDataset<StockBar>({ root, spec: v1 }).write([bar(3)]);
    await expect(monitor.check(dir, { throwOnDrift: true })).rejects.toMatchObject({ code: 'SCHEMA_DRIFT', details: { dataset: 'raw/stocks' } });
    await expect(monitor.check(path.join(root, 'elsewhere'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reads the schema from the footer only: a file with damaged data pages still checks, while reading its rows fails', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: v1 });
    await ds.write(Array.from({ length: 2000 }, (_, i) => ({ ...bar(3), timestamp: bar(3).timestamp + i * 1000, close: Math.random() })));
    const file = (await ds.partitions())[0].path;
    const fh = await open(file, 'r+');
    await fh.write(Buffer.alloc(4000, 0), 0, 4000, 4); // zero the data right after the PAR1 magic
    await fh.close();
    await expect(ds.readAll()).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    expect(await new SchemaDriftMonitor({ root }).check(v1)).toMatchObject({ filesChecked: 1, unreadable: [], drifted: false });
  });

  it('lists files with an unreadable footer instead of failing the check', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: v1 });
    await ds.write([bar(3), bar(4)]);
    const bad = (await ds.partitions())[0].path;
    const fh = await open(bad, 'r+');
    await fh.truncate(10);
    await fh.close();
    expect(await new SchemaDriftMonitor({ root }).check(v1)).toMatchObject({ filesChecked: 1, unreadable: [bad] });
  });
});
