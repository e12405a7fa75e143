import { Agent, request } from 'node:http';
import { ManualClock, SpyglassError } from '@spyglass/core';
import { buildHealthSnapshot, type HealthSnapshot } from './health-snapshot.js';
import { createMetricsServer, type MetricsServer } from './metrics-server.js';
import { createSpyglassMetrics } from './metrics.js';
import { PerformanceMonitor } from './performance-monitor.js';

const NOW = Date.UTC(2025, 2, 10, 14, 0);

describe('createSpyglassMetrics + createMetricsServer over loopback', () => {
  let server: MetricsServer;
  let health: HealthSnapshot;
  const metrics = createSpyglassMetrics();

  beforeAll(async () => {
    health = await buildHealthSnapshot({ clock: new ManualClock(NOW), datasets: [{ dataset: 'stocks', lastBarAt: NOW - 60_000 }] });
    server = await createMetricsServer({ port: 0, registry: metrics.registry, health: () => health, cacheMs: 0 });
  });
  afterAll(() => server.close());

  it('binds to the loopback interface on a free port by default', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it.each(['/health', '/metrics'])('%s refuses a foreign Host header with 421 (DNS rebinding), serves loopback names', async (path) => {
    expect(await statusWithHost(`${server.url}${path}`, 'evil.example:80')).toBe(421);
    expect(await statusWithHost(`${server.url}${path}`, `rebind.attacker.test:${server.port}`)).toBe(421);
    expect(await statusWithHost(`${server.url}${path}`, `localhost:${server.port}`)).toBe(200);
    expect(await statusWithHost(`${server.url}${path}`, `127.0.0.1:${server.port}`)).toBe(200);
  });

  it('exposes ingestion, quarantine, latency, reconnect, rate-limit and worker-state metrics', async () => {
    const clock = new ManualClock(NOW);
    const monitor = new PerformanceMonitor({ session: 'stream:SPY', clock });
    const off = metrics.observePerformance(monitor);
    metrics.barsIngested.inc({ dataset: 'stocks' }, 390);
    metrics.barsQuarantined.inc({ dataset: 'options', reason: 'OHLC_INCONSISTENT' }, 2);
    metrics.reconnects.inc({ feed: 'stocks' });
    metrics.recordRateLimitWait('rest', 1_500);
    metrics.setWorkerState('w1', 'running');
    metrics.setWorkerState('w1', 'stalled');
    monitor.record('parquet.write', { durationMs: 30 });
    monitor.record('parquet.write', { durationMs: 700 });
    off();
    monitor.record('parquet.write', { durationMs: 700 }); // after unsubscribing: not observed

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const line of [
      'spyglass_bars_ingested_total{dataset="stocks"} 390',
      'spyglass_bars_quarantined_total{dataset="options",reason="OHLC_INCONSISTENT"} 2',
      'spyglass_ws_reconnects_total{feed="stocks"} 1',
      'spyglass_rate_limit_waits_total{source="rest"} 1',
      'spyglass_rate_limit_wait_seconds_total{source="rest"} 1.5',
      'spyglass_worker_state{worker="w1",state="running"} 0',
      'spyglass_worker_state{worker="w1",state="stalled"} 1',
      'spyglass_operation_duration_seconds_bucket{le="0.05",operation="parquet.write"} 1',
      'spyglass_operation_duration_seconds_bucket{le="1",operation="parquet.write"} 2',
      'spyglass_operation_duration_seconds_count{operation="parquet.write"} 2',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });

  it('serves the health snapshot as JSON and as text', async () => {
    const json = await fetch(`${server.url}/health`);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(health);
    const text = await fetch(`${server.url}/health?format=text`);
    expect(await text.text()).toContain('status OK');
  });

  it('answers 503 on a critical snapshot, 404 on unknown paths and 405 on other methods', async () => {
    const saved = health;
    health = await buildHealthSnapshot({ clock: new ManualClock(NOW), workers: [{ id: 'w9', session: 's', state: 'failed' }] });
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(503);
    } finally {
      health = saved;
    }
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 when the health provider throws, and keeps serving', async () => {
    const failing = await createMetricsServer({
      port: 0,
      registry: metrics.registry,
      health: () => {
        throw new Error('provider exploded');
      },
    });
    try {
      const res = await fetch(`${failing.url}/health`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'provider exploded' });
      expect((await fetch(`${failing.url}/metrics`)).status).toBe(200);
    } finally {
      await failing.close();
    }
  });

  it('computes /health once for a burst of concurrent probes and reuses it for cacheMs, and a failure is not reused', async () => {
    let now = NOW;
    let calls = 0;
    let fail = true;
    const counted = await createMetricsServer({
      port: 0,
      registry: metrics.registry,
      cacheMs: 1_000,
      now: () => now,
      health: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        if (fail) throw new Error('first snapshot failed');
        return health;
      },
    });
    try {
      expect((await fetch(`${counted.url}/health`)).status).toBe(500);
      fail = false;
      const statuses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${counted.url}/health`).then((r) => r.status)));
      expect(statuses).toEqual(Array(50).fill(200));
      expect(calls).toBe(2);
      now += 999;
      await fetch(`${counted.url}/health`);
      expect(calls).toBe(2);
      now += 1;
      await fetch(`${counted.url}/health`);
      expect(calls).toBe(3);
    } finally {
      await counted.close();
    }
  });

  it('rejects with a NETWORK SpyglassError when the port is taken', async () => {
    const err = await createMetricsServer({ port: server.port, registry: metrics.registry }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpyglassError);
    expect((err as SpyglassError).code).toBe('NETWORK');
    expect((err as SpyglassError).message).toContain(`127.0.0.1:${server.port}`);
  });

  it('closes even with a keep-alive connection open', async () => {
    const other = await createMetricsServer({ port: 0, registry: metrics.registry });
    await new Promise<void>((resolve) => {
      const req = request(`${other.url}/metrics`, { agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.end();
    });
    await other.close();
    await expect(fetch(`${other.url}/metrics`)).rejects.toThrow();
  });
});

/** The status of a GET whose Host header is `host` (fetch does not let a caller set Host). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
