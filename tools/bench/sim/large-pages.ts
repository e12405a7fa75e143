// Resident memory of the loopback exchange simulator serving many concurrent 50,000-bar pages
// (issue 16: 200 concurrent pages took it to 2.5 GB). The simulator runs in its own process so its
// RSS is its own; this process only fires the requests and reads every body to the end.
//
//   npx tsc -b libs/exchange-sim/tsconfig.lib.json
//   node --import tsx tools/bench/sim/large-pages.ts [--concurrent 200] [--limit 50000] [--rounds 3] [--read-delay-ms 3000]
//
// Baseline in the same run: the RSS growth of ONE such request (the day cache warmed by it), against
// which the growth under N concurrent requests is printed as a ratio; rounds alternate 1 and N.
// CPU seconds of the simulator process (utime+stime from /proc) beside wall seconds. Simulated data.
import { spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const concurrent = arg('concurrent', 200);
const limit = arg('limit', 50_000);
const rounds = arg('rounds', 3);
// Clients that start reading late, as a busy consumer does: what the server holds meanwhile is the point.
const readDelayMs = arg('read-delay-ms', 3_000);
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
// Another build of the simulator (e.g. the previous commit's, copied to libs/exchange-sim/dist-old) to compare.
const simDist = process.argv.includes('--sim-dist') ? process.argv[process.argv.indexOf('--sim-dist') + 1]! : 'libs/exchange-sim/dist';

const serverSource = `
  import { createExchangeSim } from ${JSON.stringify(join(REPO, simDist, 'index.js'))};
  const sim = await createExchangeSim({ seed: 7, port: 0 });
  process.stdout.write(sim.url + '\\n');
`;
const child = spawn(process.execPath, ['--input-type=module', '-e', serverSource], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((res) => child.stdout.once('data', (d: Buffer) => res(d.toString().trim())));
const pid = child.pid!;

const status = (): { rssMb: number; cpuS: number } => {
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssMb: rss, cpuS: (Number(stat[11]) + Number(stat[12])) / 100 };
};
const page = `${url}/v2/aggs/ticker/SPY/range/1/minute/2024-01-02/2025-12-31?limit=${limit}&apiKey=bench`;

let failures = 0;
async function burst(n: number): Promise<{ peakGrowthMb: number; wallS: number; cpuS: number; bars: number }> {
  const before = status();
  let peak = before.rssMb;
  const sampler = setInterval(() => (peak = Math.max(peak, status().rssMb)), 20);
  const t0 = performance.now();
  const counts = await Promise.all(
    Array.from({ length: n }, async () => {
      const text = await new Promise<string>((resolve) => {
        get(page, { agent }, (res) => {
          res.pause();
          const chunks: Buffer[] = [];
          setTimeout(() => {
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks).toString()));
            res.resume();
          }, readDelayMs);
        }).on("error", () => (failures++, resolve("")));
      });
      return (text.match(/"t":/g) ?? []).length;
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, status().rssMb);
  return { peakGrowthMb: peak - before.rssMb, wallS, cpuS: status().cpuS - before.cpuS, bars: counts[0]! };
}

try {
  await burst(1); // warm the simulator's day cache and JIT
  const startRss = status().rssMb;
  const one: Awaited<ReturnType<typeof burst>>[] = [];
  const many: Awaited<ReturnType<typeof burst>>[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(await burst(1));
    many.push(await burst(concurrent));
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const result = {
    bench: 'sim-large-pages',
    simDist,
    concurrent,
    failedRequests: failures,
    readDelayMs,
    barsPerPage: many[0]!.bars,
    rounds,
    simRssStartMb: Math.round(startRss),
    peakGrowthOneMb: Math.round(median(one.map((x) => x.peakGrowthMb))),
    peakGrowthConcurrentMb: Math.round(median(many.map((x) => x.peakGrowthMb))),
    ratioConcurrentToOne: Number((median(many.map((x) => x.peakGrowthMb)) / Math.max(1, median(one.map((x) => x.peakGrowthMb)))).toFixed(1)),
    rssAfterMb: Math.round(status().rssMb),
    wallSConcurrent: Number(median(many.map((x) => x.wallS)).toFixed(2)),
    cpuSConcurrent: Number(median(many.map((x) => x.cpuS)).toFixed(2)),
  };
  console.log(JSON.stringify(result));
} finally {
  child.kill();
}
