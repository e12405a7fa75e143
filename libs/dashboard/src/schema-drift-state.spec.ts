import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@spyglass/core';
import { rawDatasetSpecs, readParquetInfo, SchemaDriftMonitor } from '@spyglass/storage';
import { readSchemaDriftState } from './schema-drift-state.js';
import { buildSampleRoot, SAMPLE_NOW } from './__test-support__/sample-root.js';

describe('readSchemaDriftState over storage SchemaDriftMonitor output', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-dash-drift-'));
    await buildSampleRoot(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports no_baseline before any check, then ok and drift from real checks, without writing anything', async () => {
    expect(await readSchemaDriftState(root, ['raw/stocks', 'raw/options'])).toEqual([
      { dataset: 'raw/options', state: 'no_baseline' },
      { dataset: 'raw/stocks', state: 'no_baseline' },
    ]);
    const clock = new ManualClock(SAMPLE_NOW);
    const monitor = new SchemaDriftMonitor({ root, clock });
    expect((await monitor.check(rawDatasetSpecs.stocks)).drifted).toBe(false);
    // An options baseline without vwap and with volume as int64: the files drift from it.
    const file = (await monitor.check(rawDatasetSpecs.options)).dir;
    const sample = (await readParquetInfo(join(file, 'ticker=O:SPY201215C00368000', 'date=2020-12-15', 'part-0.parquet'))).columns;
    await clock.advance(1_000);
    await monitor.setBaseline(rawDatasetSpecs.options, sample.filter((c) => c.name !== 'vwap').map((c) => (c.name === 'volume' ? { ...c, type: 'int64' } : c)));
    await clock.advance(1_000);
    const report = await monitor.check(rawDatasetSpecs.options);
    expect(report.drifted).toBe(true);

    const states = await readSchemaDriftState(root, ['raw/stocks', 'raw/options']);
    expect(states).toEqual([
      { dataset: 'raw/options', state: 'drift', changes: expect.arrayContaining(['new column vwap (float64)', 'volume: int64 -> float64']) },
      { dataset: 'raw/stocks', state: 'ok' },
    ]);
    expect(states[0].changes).toHaveLength(2);
    // Reading twice gives the same answer: the reader appends no events.
    expect(await readSchemaDriftState(root, ['raw/stocks', 'raw/options'])).toEqual(states);
  });

  it('ignores events older than an updated baseline and a torn last line', async () => {
    const clock = new ManualClock(SAMPLE_NOW + 10_000);
    const monitor = new SchemaDriftMonitor({ root, clock, autoUpdateBaseline: true });
    await monitor.check(rawDatasetSpecs.options); // logs the drift again, then adopts the files' schema
    await appendFile(join(root, 'schema_drift', 'events.jsonl'), '{"at": 1, "dataset": "raw/opt');
    expect(await readSchemaDriftState(root)).toEqual([
      { dataset: 'raw/options', state: 'ok' },
      { dataset: 'raw/stocks', state: 'ok' },
    ]);
  });
});
