import { rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import type { HealthSnapshot } from '@spyglass/monitoring';
import { noiseSignalModel } from '@spyglass/pipeline/testing';
import { startStreamer, type Streamer } from './start-streamer.js';
import { SESSION, sample, simConfig, storedSpy, tempDataRoot, until } from './__test-support__/streamer-fixture.js';

/** A logger whose JSON lines the test can read. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', name: 'streamer', destination }), lines };
}

/** An SSE client: the `event: signal` frames received so far. */
function sseClient(url: string, host?: string): Promise<{ status: number; signals: () => Array<Record<string, unknown>>; close: () => void }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = httpGet(url, host ? { headers: { host } } : {}, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      const signals = () =>
        text
          .split('\n\n')
          .filter((f) => f.startsWith('event: signal\n'))
          .map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as Record<string, unknown>);
      resolve({ status: res.statusCode ?? 0, signals, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

const get = async (url: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};

describe('startStreamer against the exchange simulator', () => {
  let sim: ExchangeSim;
  let dataRoot: string;
  let streamer: Streamer | undefined;

  afterEach(async () => {
    await streamer?.stop();
    streamer = undefined;
    await sim.close();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('streams SPY, the selected options, VIX and news concurrently under one rate limiter, serves /metrics and /health on loopback, and flushes on stop', async () => {
    sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: SESSION });
    dataRoot = tempDataRoot();
    const { logger } = capturingLogger();
    // 60 requests a minute = one permit a second: the opening-price request and the first news poll
    // both go out at start-up, so one of them waits (recorded once its permit arrives).
    const config = simConfig(sim, dataRoot, { requestsPerMinute: 60 });
    streamer = await startStreamer({ config, logger, port: 0, ignoreMarketHours: true, optionsDate: SESSION });
    expect(streamer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // The replay of a regular session has 390 SPY and 390 VIX minutes.
    const metrics = await until(async () => {
      const m = (await get(`${streamer!.url}/metrics`)).text;
      const waited = (sample(m, 'spyglass_rate_limit_waits_total', { source: 'massive' }) ?? 0) >= 1;
      // Options start after the opening price and the listed chain (three permits at one a second), so
      // they trail the instant SPY and VIX replays: wait for their first stored bars too.
      const options = sample(m, 'spyglass_bars_ingested_total', { dataset: 'options' }) ?? 0;
      return sample(m, 'spyglass_bars_ingested_total', { dataset: 'stocks' }) === 390 && sample(m, 'spyglass_bars_ingested_total', { dataset: 'indices' }) === 390 && options > 0 && waited && m;
    }, 'SPY and VIX at 390 stored, options stored and a rate-limit wait recorded', 30_000);
    expect(sample(metrics, 'spyglass_bars_ingested_total', { dataset: 'options' })).toBeGreaterThan(0);
    // Arrival → durable latency: one observation per bar flushed.
    expect(sample(metrics, 'spyglass_operation_duration_seconds_count', { operation: 'arrival_to_durable:stocks' })).toBe(390);
    expect(sample(metrics, 'spyglass_operation_duration_seconds_bucket', { operation: 'arrival_to_durable:stocks', le: '+Inf' })).toBe(390);
    expect(sample(metrics, 'spyglass_worker_state', { worker: 'stream:stocks', state: 'running' })).toBe(1);
    expect(sample(metrics, 'spyglass_worker_state', { worker: 'stream:news:SPY', state: 'running' })).toBe(1);
    expect(sample(metrics, 'spyglass_ws_reconnects_total')).toBeUndefined(); // no drop, no reconnect series yet
    expect(sample(metrics, 'spyglass_rate_limit_waits_total', { source: 'massive' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'spyglass_rate_limit_wait_seconds_total', { source: 'massive' })).toBeGreaterThan(0.5);

    const health = await get(`${streamer.url}/health`);
    expect(health.status).toBe(200);
    const snapshot = JSON.parse(health.text) as HealthSnapshot;
    expect(snapshot.runners.map((r) => [r.name, r.state])).toEqual([
      ['stream:stocks', 'running'],
      ['stream:indices', 'running'],
      ['stream:options', 'running'],
      ['stream:news:SPY', 'running'],
    ]);
    const spyRunner = snapshot.runners.find((r) => r.name === 'stream:stocks')!;
    expect(spyRunner.detail).toContain('390 stored');
    expect(spyRunner.heartbeat?.progress.stored).toBe(390);
    // Options: the configured selection (2 calls, 2 puts) from the session's opening price.
    expect(snapshot.runners.find((r) => r.name === 'stream:options')!.detail).toMatch(/^(O:SPY250304[CP]\d{8},){3}O:SPY250304[CP]\d{8};/);
    // Every flush is a performance sample: 390 SPY bars carried, none slower than the overrun limit.
    const durable = snapshot.performance[0]!.operations.find((o) => o.operation === 'durable:stocks')!;
    expect(durable.items).toBe(390);
    expect(durable.maxMs).toBeLessThan(60_000);
    expect(snapshot.checks.find((c) => c.name === 'performance:streamer')?.status).toBe('ok');
    // A replay is a past session: freshness is reported, not judged.
    expect(snapshot.datasets.find((d) => d.dataset === 'stocks')).toMatchObject({ live: false, status: 'ok', lastBarAt: expect.any(Number) });

    const summary = await streamer.stop();
    expect(summary.failed).toEqual([]);
    expect(summary.streams.map((s) => [s.name, s.state, s.stoppedBy])).toEqual([
      ['stream:stocks', 'stopped', 'signal'],
      ['stream:indices', 'stopped', 'signal'],
      ['stream:options', 'stopped', 'signal'],
      ['stream:news:SPY', 'stopped', 'signal'],
    ]);
    const spy = summary.streams[0]!;
    expect(spy).toMatchObject({ stored: 390, duplicates: 0, quarantined: 0, received: 390 });
    // News is polled over REST (none published in the last hour of the wall clock), one socket per cluster.
    expect(sim.stats().requests.news).toBeGreaterThanOrEqual(1);
    expect(sim.stats().wsConnections).toBe(3);
    const bars = await storedSpy(dataRoot);
    expect(bars).toHaveLength(390);
    expect(new Set(bars.map((b) => b.timestamp)).size).toBe(390);
    // The server is closed after stop.
    await expect(fetch(`${streamer.url}/metrics`)).rejects.toThrow();
  });

  it('serves live signals at /signals (SSE, loopback Host check) from the bars it streams', async () => {
    sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: SESSION });
    dataRoot = tempDataRoot();
    const { logger } = capturingLogger();
    // Threshold 0 flags every scored bar: the test is about the wiring, not the model.
    const model = noiseSignalModel({ threshold: 0 });
    const features = { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 };
    streamer = await startStreamer({ config: simConfig(sim, dataRoot), logger, port: 0, ignoreMarketHours: true, optionsDate: SESSION, signals: { model, features, port: 0 } });
    expect(streamer.signalsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/signals$/);
    const refused = await sseClient(streamer.signalsUrl!, 'evil.example');
    expect(refused.status).toBe(421);
    refused.close();
    const client = await sseClient(streamer.signalsUrl!);
    expect(client.status).toBe(200);
    const signals = await until(async () => client.signals().length >= 5 && client.signals(), 'five live signals over SSE', 60_000);
    expect(signals[0]).toEqual(
      expect.objectContaining({ ticker: expect.stringMatching(/^O:SPY250304[CP]\d{8}$/), probability: expect.any(Number), threshold: 0, modelVersion: 'noise', reasons: expect.any(Array) }),
    );
    expect((signals[0]!.reasons as string[]).length).toBeGreaterThan(0);
    expect(signals[0]!.signalAt as number).toBeGreaterThanOrEqual(signals[0]!.arrivedAt as number);
    client.close();
    await streamer.stop();
    model.dispose();
    await expect(fetch(streamer.signalsUrl!)).rejects.toThrow();
  }, 90_000);

  it('counts WebSocket reconnects; the gap is back-filled over REST: no minute lost, none stored twice', async () => {
    // Every connection drops after 100 minutes; the runner reconnects and fetches the rest over REST.
    sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: SESSION, faults: { wsDropAfter: 100 } });
    dataRoot = tempDataRoot();
    const { logger, lines } = capturingLogger();
    const config = simConfig(sim, dataRoot, { streaming: { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } } });
    streamer = await startStreamer({ config, logger, port: 0, ignoreMarketHours: true, optionsDate: SESSION });

    const metrics = await until(async () => {
      const m = (await get(`${streamer!.url}/metrics`)).text;
      return sample(m, 'spyglass_bars_ingested_total', { dataset: 'stocks' }) === 390 && (sample(m, 'spyglass_ws_reconnects_total', { feed: 'stocks' }) ?? 0) >= 1 && m;
    }, 'SPY at 390 stored after a reconnect');
    expect(sample(metrics, 'spyglass_ws_reconnects_total', { feed: 'indices' })).toBeGreaterThanOrEqual(1);
    const summary = await streamer.stop();
    const spy = summary.streams.find((s) => s.name === 'stream:stocks')!;
    expect(spy).toMatchObject({ state: 'stopped', stored: 390, quarantined: 0 });
    expect(spy.reconnects).toBeGreaterThanOrEqual(1);
    expect(spy.backfilled).toBeGreaterThan(0);
    // Each new connection replays the session from its start; the bars already seen are skipped.
    expect(lines.some((l) => l.level === 40 && l.msg === 'stream:stocks: reconnected, back-filling the gap over REST')).toBe(true);
    expect(lines.some((l) => l.level === 40 && String(l.msg).startsWith('stream:stocks: NETWORK: '))).toBe(true);
    const bars = await storedSpy(dataRoot);
    expect(bars).toHaveLength(390);
    expect(new Set(bars.map((b) => b.timestamp)).size).toBe(390);
  });

  it('reports streams that fail with a typed error (AUTH_FAILED) as failed in the log, /health and the worker gauge; done resolves without a stop', async () => {
    sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: SESSION, apiKeys: ['the-right-key'] });
    dataRoot = tempDataRoot();
    const { logger, lines } = capturingLogger();
    streamer = await startStreamer({ config: simConfig(sim, dataRoot, { apiKey: 'a-wrong-key' }), logger, port: 0, ignoreMarketHours: true, optionsDate: SESSION });

    const summary = await streamer.done;
    expect(summary.failed).toEqual(['stream:stocks', 'stream:indices', 'stream:options', 'stream:news:SPY']);
    for (const s of summary.streams) expect(s).toMatchObject({ state: 'failed', stoppedBy: null, stored: 0, error: { code: 'AUTH_FAILED' } });

    const failures = lines.filter((l) => l.level === 50).map((l) => String(l.msg));
    expect(failures).toEqual(expect.arrayContaining([expect.stringMatching(/^stream:stocks failed: AUTH_FAILED: /), expect.stringMatching(/^stream:options failed: AUTH_FAILED: /)]));
    expect(JSON.stringify(lines)).not.toContain('a-wrong-key');

    // The server stays up until stop(): a probe sees the failure (critical → 503).
    const health = await get(`${streamer.url}/health`);
    expect(health.status).toBe(503);
    const snapshot = JSON.parse(health.text) as HealthSnapshot;
    expect(snapshot.status).toBe('critical');
    expect(snapshot.runners.every((r) => r.state === 'failed' && r.detail?.startsWith('AUTH_FAILED: '))).toBe(true);
    expect(snapshot.errors[0]!.types.find((t) => t.type === 'AUTH_FAILED')?.count).toBe(4);
    const metrics = (await get(`${streamer.url}/metrics`)).text;
    for (const w of ['stream:stocks', 'stream:indices', 'stream:options', 'stream:news:SPY']) {
      expect(sample(metrics, 'spyglass_worker_state', { worker: w, state: 'failed' })).toBe(1);
      expect(sample(metrics, 'spyglass_worker_state', { worker: w, state: 'running' })).toBe(0);
    }
  });
});
