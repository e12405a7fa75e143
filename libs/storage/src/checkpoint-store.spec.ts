import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '@spyglass/core';
import { CheckpointStore } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spyglass-cp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CheckpointStore', () => {
  it('marks, lists and resets per job, ticker and date with the injected clock', async () => {
    const clock = new ManualClock(1_000);
    const cp = new CheckpointStore({ dir, clock });
    await cp.markComplete('backfill', 'SPY', '2025-03-04', { rows: 390 });
    await clock.advance(500);
    await cp.markComplete('backfill', 'O:SPY250304C00601000', '2025-03-04');
    await cp.markComplete('news', 'SPY', '2025-03-04');
    expect(await cp.isComplete('backfill', 'SPY', '2025-03-04')).toBe(true);
    expect(await cp.isComplete('backfill', 'SPY', '2025-03-05')).toBe(false);
    expect(await cp.isComplete('other', 'SPY', '2025-03-04')).toBe(false);
    expect(await cp.list('backfill')).toEqual([
      { job: 'backfill', ticker: 'O:SPY250304C00601000', date: '2025-03-04', completedAt: 1_500 },
      { job: 'backfill', ticker: 'SPY', date: '2025-03-04', completedAt: 1_000, meta: { rows: 390 } },
    ]);
    expect((await cp.list()).map((e) => e.job)).toEqual(['backfill', 'backfill', 'news']);
    await cp.reset('backfill');
    expect(await cp.list()).toEqual([expect.objectContaining({ job: 'news' })]);
    // A fresh instance (a restarted process) sees the same state.
    expect(await new CheckpointStore({ dir }).isComplete('news', 'SPY', '2025-03-04')).toBe(true);
  });

  it.each([['../escape'], ['a/b'], ['..']])('keeps a job called %j inside the store directory', async (job) => {
    const cp = new CheckpointStore({ dir });
    await cp.markComplete(job, 'SPY', '2025-03-04');
    expect(await cp.isComplete(job, 'SPY', '2025-03-04')).toBe(true);
    expect(await readdir(path.dirname(dir))).not.toContain('escape');
    expect((await readdir(dir)).length).toBe(1);
  });

  it('loses no update when many writers mark the same job and ticker at once', async () => {
    const dates = Array.from({ length: 40 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')}`);
    await Promise.all(dates.map((d) => new CheckpointStore({ dir }).markComplete('backfill', 'SPY', d)));
    expect((await new CheckpointStore({ dir }).list('backfill')).map((e) => e.date)).toEqual(dates);
  });

  it.each([
    ['the log', 'SPY.log', '{"date":"2025-03-05","completedAt":1}\nnot json at all\n{"date":"2025-03-06","completedAt":2}\n'],
    ['a legacy JSON file', 'SPY.json', '{"version":1,"dates":'],
  ])('reports damage in %s as CORRUPT_FILE naming it', async (_what, name, damaged) => {
    const cp = new CheckpointStore({ dir });
    await cp.markComplete('backfill', 'SPY', '2025-03-04');
    const file = path.join(dir, 'backfill', name);
    await writeFile(file, damaged);
    await expect(cp.isComplete('backfill', 'SPY', '2025-03-04')).rejects.toMatchObject({ code: 'CORRUPT_FILE', details: { file } });
  });

  it('reads the dates of a legacy <ticker>.json next to the log', async () => {
    await mkdir(path.join(dir, 'backfill'), { recursive: true });
    await writeFile(path.join(dir, 'backfill', 'SPY.json'), JSON.stringify({ version: 1, job: 'backfill', ticker: 'SPY', dates: { '2025-03-03': { completedAt: 5, meta: { rows: 1 } } } }));
    const cp = new CheckpointStore({ dir, clock: new ManualClock(9) });
    await cp.markComplete('backfill', 'SPY', '2025-03-04');
    expect(await cp.list('backfill')).toEqual([
      { job: 'backfill', ticker: 'SPY', date: '2025-03-03', completedAt: 5, meta: { rows: 1 } },
      { job: 'backfill', ticker: 'SPY', date: '2025-03-04', completedAt: 9 },
    ]);
  });

  it('ignores a line torn by a power cut and keeps every line appended after it', async () => {
    const cp = new CheckpointStore({ dir });
    await cp.markComplete('backfill', 'SPY', '2025-03-03');
    const file = path.join(dir, 'backfill', 'SPY.log');
    // What a power cut can leave: the start of an unsynced line (and zeroed blocks), no newline.
    await appendFile(file, '{"date":"2025-03-04","job":"back\0\0');
    expect(await new CheckpointStore({ dir }).isComplete('backfill', 'SPY', '2025-03-04')).toBe(false);
    const restarted = new CheckpointStore({ dir });
    await restarted.markComplete('backfill', 'SPY', '2025-03-05');
    expect((await new CheckpointStore({ dir }).list('backfill')).map((e) => e.date)).toEqual(['2025-03-03', '2025-03-05']);
  });

  it('sees dates marked by another instance (another process) and re-marks overwrite', async () => {
    const reader = new CheckpointStore({ dir });
    const writer = new CheckpointStore({ dir, clock: new ManualClock(1) });
    expect(await reader.isComplete('backfill', 'SPY', '2025-03-04')).toBe(false);
    await writer.markComplete('backfill', 'SPY', '2025-03-04', { rows: 1 });
    expect(await reader.isComplete('backfill', 'SPY', '2025-03-04')).toBe(true);
    await writer.markComplete('backfill', 'SPY', '2025-03-04', { rows: 2 });
    expect(await reader.list('backfill')).toEqual([{ job: 'backfill', ticker: 'SPY', date: '2025-03-04', completedAt: 1, meta: { rows: 2 } }]);
    await writer.reset('backfill');
    expect(await reader.isComplete('backfill', 'SPY', '2025-03-04')).toBe(false);
    await writer.markComplete('backfill', 'SPY', '2025-03-05');
    expect((await reader.list('backfill')).map((e) => e.date)).toEqual(['2025-03-05']);
    // The reader resets under the writer, which keeps marking.
    await reader.reset('backfill');
    await writer.markComplete('backfill', 'SPY', '2025-03-06');
    expect((await new CheckpointStore({ dir }).list('backfill')).map((e) => e.date)).toEqual(['2025-03-06']);
  });

  it('survives kill -9 of a process that is checkpointing in a loop', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, '__test-support__/checkpoint-child.ts'), dir], {
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(here, '__test-support__/tsconfig.child.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
    proc.kill('SIGKILL'); // the child is in its tight loop, most likely inside a write
    await new Promise((r) => proc.on('exit', r));
    const entries = await new CheckpointStore({ dir }).list('backfill');
    expect(entries.length).toBeGreaterThan(20);
    // Complete and gap-free: every date up to the last one written is there.
    expect(entries.map((e) => e.date)).toEqual(entries.map((_, i) => `d${String(i).padStart(6, '0')}`));
    await new CheckpointStore({ dir }).markComplete('backfill', 'SPY', 'after');
    expect(await new CheckpointStore({ dir }).isComplete('backfill', 'SPY', 'after')).toBe(true);
  }, 30_000);
});

describe('CheckpointStore.markCompleteMany', () => {
  it('marks several dates in one append that another instance reads back with their metadata', async () => {
    const clock = new ManualClock(5_000);
    const cp = new CheckpointStore({ dir, clock });
    await cp.markComplete('backfill', 'SPY', '2025-03-03', { rows: 1 });
    await cp.markCompleteMany('backfill', 'SPY', [
      { date: '2025-03-04', meta: { rows: 390 } },
      { date: '2025-03-05' },
      { date: '2025-03-03', meta: { rows: 2 } },
    ]);
    await cp.markCompleteMany('backfill', 'SPY', []);
    const other = new CheckpointStore({ dir });
    expect(await other.get('backfill', 'SPY', '2025-03-04')).toEqual({ job: 'backfill', ticker: 'SPY', date: '2025-03-04', completedAt: 5_000, meta: { rows: 390 } });
    expect(await other.isComplete('backfill', 'SPY', '2025-03-05')).toBe(true);
    // A later line re-marks an earlier date.
    expect((await other.get('backfill', 'SPY', '2025-03-03'))?.meta).toEqual({ rows: 2 });
    const log = (await readdir(path.join(dir, 'backfill'))).filter((f) => f.endsWith('.log'));
    expect(log).toEqual(['SPY.log']);
  });
});
