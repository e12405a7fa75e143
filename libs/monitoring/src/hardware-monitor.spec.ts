import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@spyglass/core';
import { HardwareMonitor } from './hardware-monitor.js';

describe('HardwareMonitor', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-hw-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('measures the data root file system like df does', async () => {
    const hw = new HardwareMonitor({ dataRoot: root, clock: new ManualClock(1_000) });
    const s = await hw.sample();
    // df reads the same statfs figures; Use% is rounded up and other processes write meanwhile.
    const [size, pcent] = execFileSync('df', ['-B1', '--output=size,pcent', root], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/);
    expect(s.disk).toMatchObject({ path: root, totalBytes: Number(size) });
    expect(Math.abs(s.disk.usedPct - parseInt(pcent, 10))).toBeLessThanOrEqual(1);
    expect(s.disk.availableBytes).toBeLessThanOrEqual(s.disk.totalBytes);
    expect(s.disk.usedPct).toBeGreaterThan(0);
    expect(s.disk.usedPct).toBeLessThanOrEqual(100);
    expect(s.at).toBe(1_000);
    expect(s.cpu.cores).toBeGreaterThan(0);
    expect(s.cpu.usagePct).toBeGreaterThanOrEqual(0);
    expect(s.cpu.usagePct).toBeLessThanOrEqual(100);
    expect(s.memory.totalBytes).toBeGreaterThan(s.memory.freeBytes);
    expect(s.memory.processRssBytes).toBeGreaterThan(0);
  });

  it('falls back to the nearest existing ancestor before the data root is created', async () => {
    const hw = new HardwareMonitor({ dataRoot: join(root, 'not', 'yet') });
    expect((await hw.sample()).disk.path).toBe(root);
  });

  it('tracks the CPU time and memory a function uses', async () => {
    const clock = new ManualClock(0);
    const hw = new HardwareMonitor({ dataRoot: root, clock });
    const { result, usage } = await hw.track('spin', async () => {
      let x = 0;
      for (let i = 0; i < 5e6; i++) x += Math.sqrt(i);
      await clock.advance(250);
      return x;
    });
    expect(result).toBeGreaterThan(0);
    expect(usage).toMatchObject({ label: 'spin', wallMs: 250 });
    expect(usage.cpuUserMs + usage.cpuSystemMs).toBeGreaterThan(0);
  });
});
