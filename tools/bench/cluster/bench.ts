// Cluster benchmark (simulated data, simulator latency fault on: every request answers after
// --latency ms, as a real API does). Two parts, printed as a table, last line one JSON object:
//
//   1. Scale-out: news backfill jobs (one request per (ticker, day)) run by 1, 2 and 4 `spyglass
//      worker --queue` processes (concurrency --concurrency each) on one redis-server; throughput
//      ratio to 1 worker, measured from enqueue to the last checkpoint with the workers already up
//      (a cluster's workers are long-running). Goals: ≥ 1.7× at 2, ≥ 2.5× at 4.
//   2. Queue overhead at 1 worker: the same jobs through the queue (one worker process, started
//      inside the timed region) vs the embedded ParallelRunner (one worker process, same
//      concurrency: HistoricalRunner's dayConcurrency). Goal: ratio ≤ 1.1.
//
// Sides alternate over --rounds rounds; each figure is the median. CPU seconds are this process
// plus its reaped children (/proc/self/stat utime+stime+cutime+cstime), worker start included.
//
//   npx tsc -b tsconfig.json   # the bench runs the CLI and the libraries' dist/
//   node --import tsx tools/bench/cluster/bench.ts [--rounds 2] [--days 60] [--latency 300] [--concurrency 4]
//
// Needs redis-server (Debian) on PATH; it is started on a free loopback port and stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
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
  options: { rounds: { type: 'string', default: '2' }, days: { type: 'string', default: '60' }, latency: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '4' } },
});
const rounds = Number(args.rounds);
const latency = Number(args.latency);
const concurrency = Number(args.concurrency);
const to = '2025-03-21';
let from = to;
for (let i = 1; i < Number(args.days); i++) from = nyseCalendar.previousTradingDay(from);
const tickers = ['SPY', 'QQQ'];
const jobs = ingestJobsFor({ news: tickers }, from, to);

const TICKS = 100; // USER_HZ on Linux
function cpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}
/** CPU seconds of running processes so far (/proc/<pid>/stat utime+stime): the workers' share of a timed region, start-up excluded. */
function processCpu(pids: ReadonlyArray<number | undefined>): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // exited: its CPU is counted by cpuSeconds() once reaped
    }
  }
  return ticks / TICKS;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const redis = await startRedis();
const sim = await createExchangeSim({ seed: 7, faults: { slowRate: 1, slowMs: latency } });
const client = await connectRedis(redis.url);
const env = { ...process.env, MASSIVE_API_KEY: 'bench-key', MASSIVE_REST_URL: sim.url };
let run = 0;

function startWorkers(n: number, ns: string, root: string): ChildProcess[] {
  return Array.from({ length: n }, () =>
    spawn(process.execPath, [join(REPO, 'apps/cli/bin/spyglass.js'), 'worker', '--queue', redis.url, '--namespace', ns, '--concurrency', String(concurrency), '--rate-limit', '0', '--data-root', root, '--log-level', 'warn', '--config-dir', join(REPO, 'config')], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))));
}

/** Seconds from enqueue to the last checkpoint; `warm` starts the workers before the clock. */
async function queueRun(workers: number, warm: boolean): Promise<{ seconds: number; cpu: number; workerCpu: number }> {
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
  }
  const t0 = performance.now();
  const inRegion0 = processCpu(children.map((c) => c.pid));
  if (!warm) children = startWorkers(workers, ns, root);
  await queue.enqueue(jobs);
  const r = await queue.waitUntilDone(jobs, { pollMs: 20 });
  const seconds = (performance.now() - t0) / 1000;
  // Workers' CPU inside the timed region (warm: their start-up is before t0, so not in it).
  const workerCpu = processCpu(children.map((c) => c.pid)) - inRegion0;
  if (r.done !== jobs.length || r.failed.length) throw new Error(`queue run incomplete: ${r.done}/${jobs.length}, ${r.failed.length} failed`);
  await stopWorkers(children);
  await queue.close();
  await rm(root, { recursive: true, force: true });
  return { seconds, cpu: cpuSeconds() - cpu0, workerCpu };
}

async function parallelRun(): Promise<{ seconds: number; cpu: number }> {
  const root = await mkdtemp(join(tmpdir(), 'spyglass-bench-parallel-'));
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const runner = new ParallelRunner({
    settings: { dataRoot: root, apiKey: 'bench-key', restBaseUrl: sim.url, requestsPerMinute: null, dedupCapacity: 100_000, extendedHours: false,
      options: { mode: 'test', params: {}, concurrency } },
    workers: 1,
    registry: new ProcessRegistry({ dir: join(root, 'workers') }),
  });
  const outcomes = await runner.run(tickers.map((t) => ({ id: `news-${t}`, dataset: 'news' as const, ticker: t, from, to, resume: false })));
  const seconds = (performance.now() - t0) / 1000;
  if (outcomes.some((o) => o.status !== 'completed')) throw new Error(`parallel run failed: ${JSON.stringify(outcomes.map((o) => o.error))}`);
  await rm(root, { recursive: true, force: true });
  return { seconds, cpu: cpuSeconds() - cpu0 };
}

const results: Record<string, Array<{ seconds: number; cpu: number; workerCpu?: number }>> = { q1: [], q2: [], q4: [], q1cold: [], parallel1: [] };
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? (['q1', 'q2', 'q4', 'q1cold', 'parallel1'] as const) : (['parallel1', 'q1cold', 'q4', 'q2', 'q1'] as const);
  for (const side of order) {
    const r: { seconds: number; cpu: number; workerCpu?: number } = side === 'parallel1' ? await parallelRun() : await queueRun(side === 'q1cold' ? 1 : Number(side.slice(1)), side !== 'q1cold');
    results[side]!.push(r);
    process.stderr.write(`round ${i + 1} ${side}: ${r.seconds.toFixed(2)} s wall, ${r.cpu.toFixed(2)} CPU s${r.workerCpu !== undefined ? ` (workers in the timed region ${r.workerCpu.toFixed(2)})` : ''}, load ${loadavg()[0]!.toFixed(1)}\n`);
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
await client.quit();
await sim.close();
await redis.stop();
console.log(`workers' CPU s inside the timed region (start-up excluded): 1 → ${w('q1').toFixed(2)}, 2 → ${w('q2').toFixed(2)}, 4 → ${w('q4').toFixed(2)} (${(w('q1') / jobs.length * 1000).toFixed(1)} ms per job at 1); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
console.log(JSON.stringify({ bench: 'cluster', jobs: jobs.length, latencyMs: latency, concurrency, rounds, speedup2: +speedup2.toFixed(3), speedup4: +speedup4.toFixed(3), queueOverheadAt1: +queueOverheadAt1.toFixed(3), ranges: { speedup2: ratioRange('q1', 'q2'), speedup4: ratioRange('q1', 'q4'), queueOverheadAt1: ratioRange('q1cold', 'parallel1') }, workerCpuSeconds: { q1: w('q1'), q2: w('q2'), q4: w('q4') }, loadAverage: +loadavg()[0]!.toFixed(1), seconds: { q1: m('q1'), q2: m('q2'), q4: m('q4'), q1cold: m('q1cold'), parallel1: m('parallel1') } }));
process.exit(0);
