// Backfill-only harness for profiling (`node --cpu-prof`, `strace -c -f`): starts the simulator in a
// child process, warms up once, then runs `Ingestion.backfill('stocks')` over `--days` trading days
// `--rounds` times into fresh data roots, printing wall and CPU seconds per round and the load.
// Simulated data only (exchange-sim seed 42, loopback).
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx tools/bench/ingest/profile-backfill.ts --days 60 --rounds 10
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyseCalendar } from '@spyglass/core';
import { Ingestion } from '@spyglass/pipeline';
import { ingestionSettings } from './bench.js';
import { startSimProcess } from './start-sim-process.js';

const arg = (name: string, def: number): number => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : def;
};
const days = arg('days', 60);
const rounds = arg('rounds', 10);
const scratch = await mkdtemp(join(tmpdir(), 'spyglass-profile-backfill-'));
const sim = await startSimProcess({ seed: 42, speed: 600, sessionDate: '2025-03-04', cacheDays: Math.max(64, days + 8) });
try {
  const td = nyseCalendar.tradingDays('2025-01-02', '2027-12-31').slice(0, days);
  for (let i = 0; i <= rounds; i++) {
    const root = await mkdtemp(join(scratch, `r${i}-`));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await new Ingestion(ingestionSettings(root, sim.url)).backfill('stocks', { ticker: 'SPY', from: td[0]!, to: td.at(-1)! });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await rm(root, { recursive: true, force: true });
    console.log(`${i === 0 ? 'warm-up' : `round ${i}`}: ${s.stored} bars in ${wall.toFixed(3)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s CPU (user ${(cpu.user / 1e6).toFixed(3)}), load ${loadavg()[0]!.toFixed(1)}`);
  }
} finally {
  await sim.stop();
  await rm(scratch, { recursive: true, force: true });
}
