import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '@spyglass/core';
import { FileLock } from './index.js';

let dir: string;
let lockFile: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'spyglass-lock-'));
  lockFile = path.join(dir, '.lock');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const holder = (pid: number, at: number) => JSON.stringify({ pid, host: hostname(), at, token: 'other' });

describe('FileLock', () => {
  it('runs holders one at a time and removes the lock file afterwards', async () => {
    const lock = new FileLock();
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        lock.run(lockFile, async () => {
          order.push(`${id}+`);
          expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
          await new Promise((r) => setImmediate(r));
          order.push(`${id}-`);
        }),
      ),
    );
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each<[string, () => string]>([
    ['a dead process', () => holder(deadPid(), 0)],
    ['a live process, but older than staleMs', () => holder(process.pid, -700_000)],
  ])('breaks a lock left by %s', async (_, body) => {
    await writeFile(lockFile, body());
    const lock = new FileLock({ clock: new ManualClock(0) });
    await expect(lock.run(lockFile, async () => 'ran')).resolves.toBe('ran');
  });

  it('waits for a live holder and gives up with STORAGE after timeoutMs', async () => {
    await writeFile(lockFile, holder(process.pid, 0));
    const clock = new ManualClock(0);
    const lock = new FileLock({ clock, timeoutMs: 1_000, pollMs: 100 });
    let settled = false;
    const p = lock.run(lockFile, async () => 'ran').finally(() => (settled = true));
    for (let i = 0; i < 200 && !settled; i++) await clock.advance(100);
    await expect(p).rejects.toMatchObject({ code: 'STORAGE', details: { file: lockFile } });
    await expect(p).rejects.toThrow(`still locked by pid ${process.pid}`);
    expect(JSON.parse(await readFile(lockFile, 'utf8')).token).toBe('other'); // not ours to remove
  });
});
