// `spyglass schema-check`: the alert switches come from settings.yaml; --auto-update keeps the
// baseline while only some files drifted.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StockBar } from '@spyglass/core';
import { CONFIG_DIR } from '@spyglass/pipeline/testing';
import { ParquetDataset, defineDataset, rawDatasetSpecs } from '@spyglass/storage';
import { runCli } from '../__test-support__/run-cli.js';

const v1 = rawDatasetSpecs.stocks;
const v2 = defineDataset({ ...v1, columns: v1.columns.map((c) => (c.name === 'volume' ? { ...c, type: 'int64' as const } : c)) });
const bar = (day: number): StockBar => ({
  ticker: 'SPY', timestamp: Date.UTC(2025, 2, day, 15), open: 1, high: 2, low: 0.5, close: 1.5, volume: 100, vwap: 1.2, transactions: 7, ingestedAt: 0,
});

describe('schema-check', () => {
  let root: string;
  let configDir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-schema-'));
    configDir = join(root, 'config');
    await cp(CONFIG_DIR, configDir, { recursive: true });
    await new ParquetDataset<StockBar>({ root, spec: v1 }).write([bar(3), bar(5)]);
    await new ParquetDataset<object>({ root, spec: v2 }).write([bar(6)]); // the newest file is the odd one
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const check = async (...extra: string[]) =>
    JSON.parse(await runCli('schema-check', '--dataset', 'stocks', '--config-dir', configDir, '--data-root', root, '--log-level', 'silent', '--json', ...extra)) as Array<Record<string, any>>;

  it('reports a type change with the default settings, and not when settings.yaml switches typeChange off', async () => {
    expect((await check())[0]).toMatchObject({ drifted: true, changes: [expect.objectContaining({ kind: 'type_change', column: 'volume' })] });
    process.exitCode = 0;
    const settings = join(configDir, 'settings.yaml');
    await writeFile(settings, (await readFile(settings, 'utf8')).replace('typeChange: true', 'typeChange: false'));
    expect((await check())[0]).toMatchObject({ drifted: false, changes: [] });
  });

  it('--auto-update keeps the baseline while only one of three files drifted', async () => {
    const [r] = await check('--auto-update');
    process.exitCode = 0;
    expect(r).toMatchObject({ drifted: true, baselineUpdated: false, baselineKept: expect.stringContaining('2 of 3 files do not have the newest schema') });
    const [again] = await check();
    process.exitCode = 0;
    expect(again!.changes.flatMap((c: { files: string[] }) => c.files)).toEqual([expect.stringContaining('date=2025-03-06')]);
  });
});
