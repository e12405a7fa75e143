import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StockBar } from '@spyglass/core';
import { ParquetDataset, partitionDir, rawDatasetSpecs } from './index.js';
import { fixtureSpyBars } from './__test-support__/bars.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, '__test-support__/write-partition-child.ts');
const childEnv = { ...process.env, TSX_TSCONFIG_PATH: path.join(here, '__test-support__/tsconfig.child.json') };

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-crash-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * Starts the writer child and SIGKILLs it as soon as its temp file appears in `dir` (with
 * `minBytes`, once the temp file holds that many: row groups already written out).
 */
async function killMidWrite(dir: string, rows: number, opts: { rowGroupSize?: number; minBytes?: number } = {}): Promise<{ sawTemp: string[]; signal: NodeJS.Signals | null; tempBytes: number }> {
  const args = ['--import', 'tsx', child, root, String(rows), ...(opts.rowGroupSize ? [String(opts.rowGroupSize)] : [])];
  const proc = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  let sawTemp: string[] = [];
  let tempBytes = 0;
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    sawTemp = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    if (sawTemp.length > 0) {
      tempBytes = (await stat(path.join(dir, sawTemp[0]!)).catch(() => undefined))?.size ?? 0;
      if (tempBytes >= (opts.minBytes ?? 0)) {
        proc.kill('SIGKILL');
        break;
      }
    }
    await new Promise((r) => setImmediate(r));
  }
  const signal = await exited;
  if (sawTemp.length === 0 || tempBytes < (opts.minBytes ?? 0)) throw new Error(`child finished before it could be killed: ${stderr}`);
  return { sawTemp, signal, tempBytes };
}

/** One stored SPY day (the fixture's 391 bars): its dataset, bars, directory, file and hash. */
async function storedPartition() {
  const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
  const before = fixtureSpyBars(path.join(here, '__fixtures__')).slice(0, 391);
  await ds.write(before);
  const dir = partitionDir(root, rawDatasetSpecs.stocks, { ticker: 'SPY', date: '2020-12-15' });
  const file = path.join(dir, 'part-0.parquet');
  const hash = createHash('sha256').update(await readFile(file)).digest('hex');
  return { ds, before, dir, file, hash };
}

describe('a writer killed with SIGKILL in the middle of a write', () => {
  it('leaves the previous partition intact and readable, and the next write recovers', async () => {
    const { ds, before, dir, file, hash } = await storedPartition();

    const { sawTemp, signal } = await killMidWrite(dir, 400_000);
    expect(signal).toBe('SIGKILL');
    expect(sawTemp).toHaveLength(1);

    // The old file is untouched and complete; the dead writer's lock (on the ticker directory) and
    // its temp file are still there.
    expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(hash);
    expect(await ds.readAll()).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual([...sawTemp, 'part-0.parquet'].sort());
    expect(await readdir(path.dirname(dir))).toContain('.lock');

    // The next writer breaks the dead process's lock, removes its temp file and merges normally.
    const late = { ...before[390], timestamp: before[390].timestamp + 60_000 };
    await ds.write([late]);
    expect(await readdir(dir)).toEqual(['part-0.parquet']);
    expect(await readdir(path.dirname(dir))).toEqual(['date=2020-12-15']);
    expect(await ds.readAll()).toEqual([...before, late]);
  }, 60_000);

  it('creating a new partition leaves no partial file, and the next write creates it', async () => {
    const ds = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    const dir = partitionDir(root, rawDatasetSpecs.stocks, { ticker: 'SPY', date: '2020-12-15' });
    await mkdir(dir, { recursive: true });
    const { sawTemp, signal } = await killMidWrite(dir, 400_000);
    expect(signal).toBe('SIGKILL');
    // Only the dead writer's temp file: readers see no partition at all, not half of one.
    expect(await readdir(dir)).toEqual(sawTemp);
    expect(await ds.readAll()).toEqual([]);

    const bars = fixtureSpyBars(path.join(here, '__fixtures__')).slice(0, 391);
    await ds.write(bars);
    expect(await readdir(dir)).toEqual(['part-0.parquet']);
    expect(await ds.readAll()).toEqual(bars);
  }, 60_000);

  it('between row groups already on disk leaves the previous partition intact, and the next write recovers', async () => {
    const { ds, before, dir, file, hash } = await storedPartition();

    // Row groups of 20,000 rows are written to the temp file as they are encoded: kill the writer
    // once more than 1 MB of them is there (the footer, written last, is not).
    const { sawTemp, signal, tempBytes } = await killMidWrite(dir, 600_000, { rowGroupSize: 20_000, minBytes: 1 << 20 });
    expect(signal).toBe('SIGKILL');
    expect(tempBytes).toBeGreaterThanOrEqual(1 << 20);
    expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(hash);
    expect(await ds.readAll()).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual([...sawTemp, 'part-0.parquet'].sort());

    const late = { ...before[390], timestamp: before[390].timestamp + 60_000 };
    await ds.write([late]);
    expect(await readdir(dir)).toEqual(['part-0.parquet']);
    expect(await ds.readAll()).toEqual([...before, late]);
  }, 60_000);
});
