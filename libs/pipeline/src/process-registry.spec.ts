import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@spyglass/core';
import { ProcessRegistry } from './process-registry.js';

describe('ProcessRegistry', () => {
  it('lists workers across instances and reports liveness', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    const clock = new ManualClock(1_000);
    const a = new ProcessRegistry({ dir, clock });
    await a.register({ id: 'w1', pid: process.pid, ticker: 'SPY', job: 'backfill', status: 'running', progress: { done: 1, total: 3, bars: 390 } });
    await clock.advance(10);
    await a.register({ id: 'w2', pid: 2 ** 22 + 12345, ticker: 'QQQ', job: 'backfill', status: 'failed', progress: { done: 0, total: 3, bars: 0 }, error: 'AUTH_FAILED' });

    const b = new ProcessRegistry({ dir });
    const list = await b.list();
    expect(list.map((w) => [w.id, w.ticker, w.alive, w.status])).toEqual([
      ['w1', 'SPY', true, 'running'],
      ['w2', 'QQQ', false, 'failed'],
    ]);
    await b.update('w1', { progress: { done: 2, total: 3, bars: 780 } });
    expect((await a.get('w1'))?.progress.done).toBe(2);
    expect(await b.prune()).toBe(1);
    expect((await b.list()).map((w) => w.id)).toEqual(['w1']);
  });

  it('stop sends SIGTERM to a live worker process and marks it stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    const registry = new ProcessRegistry({ dir });
    await registry.register({ id: 'sleeper', pid: child.pid!, ticker: 'SPY', job: 'backfill', status: 'running', progress: { done: 0, total: 1, bars: 0 } });

    expect(await registry.stop('all')).toEqual(['sleeper']);
    expect(await exited).toBe('SIGTERM');
    expect((await registry.get('sleeper'))?.status).toBe('stopped');
  });

  it('stop of an unknown id is a NOT_FOUND error', async () => {
    const registry = new ProcessRegistry({ dir: await mkdtemp(join(tmpdir(), 'registry-')) });
    await expect(registry.stop('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows a worker recorded running whose process is gone as dead, and sweep removes what dead processes left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => gone.on('exit', r));
    const registry = new ProcessRegistry({ dir });
    await registry.register({ id: 'crashed', pid: gone.pid!, ticker: 'SPY', job: 'backfill', status: 'running', progress: { done: 1, total: 3, bars: 390 } });
    await registry.register({ id: 'finished', pid: gone.pid!, ticker: 'QQQ', job: 'backfill', status: 'completed', progress: { done: 3, total: 3, bars: 1170 } });
    await registry.register({ id: 'live', pid: process.pid, ticker: 'IWM', job: 'backfill', status: 'running', progress: { done: 0, total: 3, bars: 0 } });
    // Temp files of saves interrupted by a kill: one of a dead process, one of this (live) one.
    await writeFile(join(dir, `crashed.json.${gone.pid!}.abc123.tmp`), '{');
    await writeFile(join(dir, `live.json.${process.pid}.def456.tmp`), '{');
    expect((await registry.list()).map((w) => [w.id, w.state])).toEqual([
      ['crashed', 'dead'],
      ['finished', 'completed'],
      ['live', 'running'],
    ]);
    expect(await registry.sweep()).toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['live.json', `live.json.${process.pid}.def456.tmp`]);
  });
});
