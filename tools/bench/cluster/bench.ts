// Cluster benchmark (simulated data, simulator latency fault on: every request answers after
// --latency ms, as a real API does). Two parts, printed as a table, last line one JSON object:
//
//   1. Scale-out: news backfill jobs (one request per (ticker, day)) run by 1, 2 and 4 `spyglass
//      worker --queue` processes (concurrency --concurrency each) on one redis-server; throughput
//      ratio to 1 worker, measured from enqueue to the last checkpoint with the workers already up
//      and warmed by 2 jobs per slot on earlier days (a cluster's workers are long-running, and a
//      fresh process's first jobs pay V8's JIT). Goals: ≥ 1.7× at 2, ≥ 2.5× at 4.
//   2. Queue overhead at 1 worker: the same jobs through the queue (one worker process, started
//      inside the timed region) vs the embedded ParallelRunner (one worker process, same
//      concurrency: HistoricalRunner's dayConcurrency). Goal: ratio ≤ 1.1.
//
// Sides alternate over --rounds rounds; each figure is the median. CPU seconds are printed per
// process beside wall: the workers, the simulator (its own process, `spyglass sim serve`, so its
// page generation is neither on the bench's event loop nor hidden in the bench's figure; `--sim
// in-process` for the old layout), redis-server and the bench itself (/proc/<pid>/stat).
// `--profile <dir>` writes a V8 CPU profile of every worker (and the simulator) there.
//
//   npx tsc -b tsconfig.json   # the bench runs the CLI and the libraries' dist/
//   node --import tsx tools/bench/cluster/bench.ts [--rounds 3] [--days 60] [--latency 300] [--concurrency 4] [--sim process|in-process] [--profile dir]
//
// Needs redis-server (Debian) on PATH; it is started on a free loopback port and stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IngestQueue, RedisCheckpointStore, connectRedis } from '@spyglass/cluster';
import { startRedis } from '@spyglass/cluster/testing';
import { nyseCalendar } from '@spyglass/core';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { ParallelRunner, ProcessRegistry, ingestJobsFor } from '@spyglass/pipeline';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' }, days: { type: 'string', default: '60' }, latency: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '4' },
    sim: { type: 'string', default: 'process' }, profile: { type: 'string' },
  },
});
const rounds = Number(args.rounds);
const latency = Number(args.latency);
const concurrency = Number(args.concurrency);
const to = '2025-03-21';
let from = to;
for (let i = 1; i < Number(args.days); i++) from = nyseCalendar.previousTradingDay(from);
const tickers = ['SPY', 'QQQ'];
const jobs = ingestJobsFor({ news: tickers }, from, to);
/** Warm-up jobs on the days before the timed ones: 2 per worker slot, so each warm worker has run the ingest path (JIT) before t0. */
function warmupJobs(workers: number) {
  let day = from;
  const days: string[] = [];
  while (days.length < Math.ceil((2 * workers * concurrency) / tickers.length)) days.unshift((day = nyseCalendar.previousTradingDay(day)));
  return ingestJobsFor({ news: tickers }, days[0]!, days.at(-1)!);
}

const TICKS = 100; // USER_HZ on Linux
function stat(pid: number | 'self'): string[] | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited: a reaped child's CPU is in our cutime/cstime
  }
}
/** CPU seconds of this process plus its reaped children (the ParallelRunner's forked worker). */
function cpuSeconds(): number {
  const f = stat('self')!;
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}
/** CPU seconds (utime+stime) of running processes so far. */
function processCpu(pids: ReadonlyArray<number | 'self' | undefined>): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = pid === undefined ? undefined : stat(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Node flags of every spawned process (--cpu-prof is not allowed in NODE_OPTIONS).
const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];
const redis = await startRedis();
/** The simulator with its latency fault: its own process (default) or inside the bench. */
async function startSim(): Promise<{ url: string; pid: number | 'self'; close: () => Promise<void> }> {
  if (args.sim === 'in-process') {
    const sim = await createExchangeSim({ seed: 7, faults: { slowRate: 1, slowMs: latency } });
    return { url: sim.url, pid: 'self', close: () => sim.close() };
  }
  const child = spawn(process.execPath, [...nodeArgs, join(REPO, 'apps/cli/bin/spyglass.js'), 'sim', 'serve', '--port', '0', '--seed', '7', '--faults', `slowRate=1,slowMs=${latency}`, '--json', '--log-level', 'warn', '--config-dir', join(REPO, 'config')],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('}')) break;
  }
  const url = (JSON.parse(out) as { rest: string }).rest;
  return { url, pid: child.pid!, close: async () => void (child.exitCode === null && (child.kill('SIGTERM'), await once(child, 'exit'))) };
}
const sim = await startSim();
const client = await connectRedis(redis.url);
const env = { ...process.env, MASSIVE_API_KEY: 'bench-key', MASSIVE_REST_URL: sim.url };
/** The other processes whose CPU a timed region is charged with. */
const others = () => ({ sim: processCpu([sim.pid]), redis: processCpu([redis.pid]), bench: processCpu(['self']) });
type Cpu = ReturnType<typeof others>;
const delta = (a: Cpu, b: Cpu): Cpu => ({ sim: b.sim - a.sim, redis: b.redis - a.redis, bench: b.bench - a.bench });
let run = 0;

function startWorkers(n: number, ns: string, root: string): ChildProcess[] {
  return Array.from({ length: n }, () =>
    spawn(process.execPath, [...nodeArgs, join(REPO, 'apps/cli/bin/spyglass.js'), 'worker', '--queue', redis.url, '--namespace', ns, '--concurrency', String(concurrency), '--rate-limit', '0', '--data-root', root, '--log-level', 'warn', '--config-dir', join(REPO, 'config')], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))));
}

/** Seconds from enqueue to the last checkpoint; `warm` starts the workers before the clock. */
interface RunFigures { seconds: number; cpu: number; workerCpu?: number; other: Cpu }
async function queueRun(workers: number, warm: boolean): Promise<RunFigures> {
  const ns = `bench${run++}`;
  const root = await mkdtemp(join(tmpdir(), 'spyglass-bench-cluster-'));
  const queue = new IngestQueue({ redis: client, namespace: ns, checkpoints: new RedisCheckpointStore({ redis: client, namespace: ns }) });
  const cpu0 = cpuSeconds();
  let children: ChildProcess[] = [];
  const ready = async () => {
    while ((await queue.workers()).filter((w) => w.alive).length < workers) await new Promise((r) => setTimeout(r, 50));
  };
  if (warm) {
    children = startWorkers(workers, ns, root);
    await ready();
    // Long-running workers have run jobs before: the timed region does not pay each process's JIT warm-up.
    const warmup = warmupJobs(workers);
    await queue.enqueue(warmup);
    await queue.waitUntilDone(warmup, { pollMs: 50 });
  }
  const t0 = performance.now();
  const inRegion0 = processCpu(children.map((c) => c.pid));
  const other0 = others();
  if (!warm) children = startWorkers(workers, ns, root);
  await queue.enqueue(jobs);
  // 50 ms polls: each poll reads every job's checkpoint, which costs the bench's CPU on a shared machine.
  const r = await queue.waitUntilDone(jobs, { pollMs: 50 });
  const seconds = (performance.now() - t0) / 1000;
  // Workers' CPU inside the timed region (warm: their start-up is before t0, so not in it).
  const workerCpu = processCpu(children.map((c) => c.pid)) - inRegion0;
  const other = delta(other0, others());
  if (r.done !== jobs.length || r.failed.length) throw new Error(`queue run incomplete: ${r.done}/${jobs.length}, ${r.failed.length} failed`);
  await stopWorkers(children);
  await queue.close();
  await rm(root, { recursive: true, force: true });
  return { seconds, cpu: cpuSeconds() - cpu0, workerCpu, other };
}

async function parallelRun(): Promise<RunFigures> {
  const root = await mkdtemp(join(tmpdir(), 'spyglass-bench-parallel-'));
  const cpu0 = cpuSeconds();
  const other0 = others();
  const t0 = performance.now();
  const runner = new ParallelRunner({
    settings: { dataRoot: root, apiKey: 'bench-key', restBaseUrl: sim.url, requestsPerMinute: null, dedupCapacity: 100_000, extendedHours: false,
      options: { mode: 'test', params: {}, concurrency } },
    workers: 1,
    registry: new ProcessRegistry({ dir: join(root, 'workers') }),
  });
  const outcomes = await runner.run(tickers.map((t) => ({ id: `news-${t}`, dataset: 'news' as const, ticker: t, from, to, resume: false })));
  const seconds = (performance.now() - t0) / 1000;
  const other = delta(other0, others());
  if (outcomes.some((o) => o.status !== 'completed')) throw new Error(`parallel run failed: ${JSON.stringify(outcomes.map((o) => o.error))}`);
  await rm(root, { recursive: true, force: true });
  return { seconds, cpu: cpuSeconds() - cpu0, other };
}

const results: Record<string, RunFigures[]> = { q1: [], q2: [], q4: [], q1cold: [], parallel1: [] };
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? (['q1', 'q2', 'q4', 'q1cold', 'parallel1'] as const) : (['parallel1', 'q1cold', 'q4', 'q2', 'q1'] as const);
  for (const side of order) {
    const r: RunFigures = side === 'parallel1' ? await parallelRun() : await queueRun(side === 'q1cold' ? 1 : Number(side.slice(1)), side !== 'q1cold');
    results[side]!.push(r);
    process.stderr.write(`round ${i + 1} ${side}: ${r.seconds.toFixed(2)} s wall; CPU s: ${r.workerCpu !== undefined ? `workers ${r.workerCpu.toFixed(2)} (timed region)` : `worker ${(r.cpu - r.other.bench).toFixed(2)} (reaped, start included)`}, simulator ${r.other.sim.toFixed(2)}, redis ${r.other.redis.toFixed(2)}, bench ${r.other.bench.toFixed(2)}; load ${loadavg()[0]!.toFixed(1)}\n`);
  }
}
const m = (k: string) => median(results[k]!.map((r) => r.seconds));
const c = (k: string) => median(results[k]!.map((r) => r.cpu));
const w = (k: string) => median(results[k]!.map((r) => r.workerCpu ?? Number.NaN));
const range = (k: string) => { const xs = results[k]!.map((r) => r.seconds); return [Math.min(...xs), Math.max(...xs)] as const; };
// Per-round ratios (each round's sides ran back to back), so the spread of a ratio is visible too.
const ratioRange = (num: string, den: string) => { const xs = results[num]!.map((r, i) => r.seconds / results[den]![i]!.seconds); return [+Math.min(...xs).toFixed(3), +Math.max(...xs).toFixed(3)]; };
const speedup2 = m('q1') / m('q2');
const speedup4 = m('q1') / m('q4');
const queueOverheadAt1 = m('q1cold') / m('parallel1');
console.log(`cluster benchmark: ${jobs.length} news jobs (${tickers.join(', ')} × ${Number(args.days)} days), ${latency} ms simulator latency per request, concurrency ${concurrency} per worker, ${rounds} rounds (median); simulated data`);
console.log('side                          wall s   CPU s (incl. worker start)   ratio   goal         wall range s');
console.log(`queue, 1 worker (warm)        ${m('q1').toFixed(2).padStart(6)}   ${c('q1').toFixed(2).padStart(6)}                       1.00   ${range('q1').map((x) => x.toFixed(2)).join('–')}`);
console.log(`queue, 2 workers (warm)       ${m('q2').toFixed(2).padStart(6)}   ${c('q2').toFixed(2).padStart(6)}                       ${speedup2.toFixed(2)}×  ≥ 1.7× ${speedup2 >= 1.7 ? 'met' : 'NOT met'}   ${range('q2').map((x) => x.toFixed(2)).join('–')}`);
console.log(`queue, 4 workers (warm)       ${m('q4').toFixed(2).padStart(6)}   ${c('q4').toFixed(2).padStart(6)}                       ${speedup4.toFixed(2)}×  ≥ 2.5× ${speedup4 >= 2.5 ? 'met' : 'NOT met'}   ${range('q4').map((x) => x.toFixed(2)).join('–')}`);
console.log(`queue, 1 worker (cold start)  ${m('q1cold').toFixed(2).padStart(6)}   ${c('q1cold').toFixed(2).padStart(6)}   ${range('q1cold').map((x) => x.toFixed(2)).join('–')}`);
console.log(`ParallelRunner, 1 worker      ${m('parallel1').toFixed(2).padStart(6)}   ${c('parallel1').toFixed(2).padStart(6)}                       ${queueOverheadAt1.toFixed(2)}   queue/parallel ≤ 1.1 ${queueOverheadAt1 <= 1.1 ? 'met' : 'NOT met'}   ${range('parallel1').map((x) => x.toFixed(2)).join('–')}`);
const o = (k: string, p: keyof Cpu) => median(results[k]!.map((r) => r.other[p]));
console.log(`CPU s per process in each timed region (median): ${['q1', 'q2', 'q4', 'q1cold', 'parallel1'].map((k) => `${k}: simulator ${o(k, 'sim').toFixed(2)}, redis ${o(k, 'redis').toFixed(2)}, bench ${o(k, 'bench').toFixed(2)}`).join('; ')} (simulator ${args.sim === 'in-process' ? 'inside the bench' : 'in its own process'})`);
await client.quit();
await sim.close();
await redis.stop();
console.log(`workers' CPU s inside the timed region (start-up excluded): 1 → ${w('q1').toFixed(2)}, 2 → ${w('q2').toFixed(2)}, 4 → ${w('q4').toFixed(2)} (${(w('q1') / jobs.length * 1000).toFixed(1)} ms per job at 1); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log(JSON.stringify({ bench: 'cluster', jobs: jobs.length, latencyMs: latency, concurrency, rounds, speedup2: +speedup2.toFixed(3), speedup4: +speedup4.toFixed(3), queueOverheadAt1: +queueOverheadAt1.toFixed(3), ranges: { speedup2: ratioRange('q1', 'q2'), speedup4: ratioRange('q1', 'q4'), queueOverheadAt1: ratioRange('q1cold', 'parallel1') }, workerCpuSeconds: { q1: w('q1'), q2: w('q2'), q4: w('q4') }, simulatorCpuSeconds: { q1: o('q1', 'sim'), q2: o('q2', 'sim'), q4: o('q4', 'sim') }, simulator: args.sim, loadAverage: +loadavg()[0]!.toFixed(1), seconds: { q1: m('q1'), q2: m('q2'), q4: m('q4'), q1cold: m('q1cold'), parallel1: m('parallel1') } }));
process.exit(0);
