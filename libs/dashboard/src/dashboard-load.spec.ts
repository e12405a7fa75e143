// Load test of the loopback dashboard (issue 16, items 9-10): 2,000 concurrent requests over
// loopback on a sample data root. Prints its figures; bounded in time; loopback only.
import { mkdtemp, rm } from 'node:fs/promises';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardServer, type DashboardServer } from './dashboard-server.js';
import { buildSampleRoot } from './__test-support__/sample-root.js';

const CONCURRENT = 2_000;
const ROUTES = ['/api/data', '/api/scanner', '/api/model', '/'];

/** GET `url` with a Host header; resolves with the status and the milliseconds it took. */
function timedGet(agent: Agent, url: string, host?: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, ...(host ? { headers: { host } } : {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

describe(`dashboard under ${CONCURRENT.toLocaleString('en-US')} concurrent requests`, () => {
  let root: string;
  let server: DashboardServer;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-dash-load-'));
    await buildSampleRoot(root);
    server = await createDashboardServer({ root, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('answers every request, computes each answer once per data state, and keeps RSS growth under 50 MB', async () => {
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    // Warm-up: module code and the first computation are not what is measured.
    await timedGet(agent, `${server.url}/api/data`);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => timedGet(agent, `${server.url}${ROUTES[i % ROUTES.length]}`)));
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    const rebinding = await timedGet(agent, `${server.url}/api/data`, 'evil.example');
    agent.destroy();
    const ms = results.map((r) => r.ms);
    const figures = {
      requests: CONCURRENT,
      p50Ms: Math.round(quantile(ms, 0.5)),
      p99Ms: Math.round(quantile(ms, 0.99)),
      wallMs: Math.round(wallMs),
      rssGrowthMb: Math.round((rssPeak - rssBefore) / 1e5) / 10,
      computations: server.computations(),
    };
    process.stdout.write(`dashboard load: ${JSON.stringify(figures)}\n`);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(rebinding.status).toBe(421);
    // One computation per route per 5 s (maxAgeMs) at most, plus the warm-up: never one per request.
    for (const n of Object.values(figures.computations)) expect(n).toBeLessThanOrEqual(2 + Math.ceil(wallMs / 5_000));
    expect(figures.rssGrowthMb).toBeLessThanOrEqual(50);
    // The goal is p99 <= 2 s on an idle 2-core machine; the bound here leaves room for a CI machine
    // shared with other jobs (client and server share this process).
    expect(figures.p99Ms).toBeLessThanOrEqual(30_000);
  }, 60_000);
});
