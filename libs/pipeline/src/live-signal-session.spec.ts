import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyseCalendar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { consolidate, generateFeatures } from '@spyglass/processing';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { Ingestion } from './ingestion.js';
import type { LiveSignalRecord } from './live-signal-engine.js';
import { runLiveSignals } from './live-signal-session.js';
import { LiveStreams } from './live-streams.js';
import { ParquetWriterThread } from './parquet-writer-thread.js';
import { createSignalEventServer } from './signal-event-server.js';
import { SIGNALS_DATASET_SPEC, SignalStore } from './signal-store.js';
import { batchFeatureRows } from './testing/batch-feature-rows.js';
import { testSettings } from './__test-support__/test-settings.js';
import { noiseSignalModel } from './testing/index.js';

/**
 * The whole live path against the simulator: the 0DTE + 1DTE chain over its WebSocket clusters,
 * signals to the `signals` dataset and to SSE, and every live probability equal to the batch
 * path's over what the durable path stored. Tolerance as in live-signal-engine.spec.ts.
 */
const DATE = '2025-03-04';
const features = { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 };

let sim: ExchangeSim;
let root: string;

beforeAll(async () => {
  sim = await createExchangeSim({ seed: 5, speed: 0, sessionDate: DATE });
  root = mkdtempSync(join(tmpdir(), 'live-session-'));
});

afterAll(async () => {
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

function sseRequest(url: string, host?: string): Promise<{ status: number; events: () => string[]; close: () => void }> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const req = get(url, host ? { headers: { host } } : {}, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push(c));
      resolve({ status: res.statusCode ?? 0, events: () => chunks.join('').split('\n\n').filter((f) => f.startsWith('event: signal')), close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

it('follows the 0DTE+1DTE chain over WebSocket; signals go to JSON, the signals dataset and SSE; probabilities equal the batch path', async () => {
  const ingestion = new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root }));
  // What was stored before the session (news back to the look-back) is the warm start.
  await ingestion.backfill('news', { ticker: 'SPY', from: nyseCalendar.previousTradingDay(DATE), to: DATE });
  const streams = new LiveStreams(ingestion, {
    apiKey: 'test-key', wsBaseUrl: sim.wsUrl, flushSize: 5_000, flushIntervalMs: 200, stallTimeoutMs: null, enforceMarketHours: false,
    reconnect: { maxAttempts: 3, initialDelayMs: 10, backoffBase: 2, maxDelayMs: 100, jitter: 0 },
  });
  const model = noiseSignalModel({ threshold: 0.5 });
  // The durable path (bars and signals) writes in its own thread, off the scoring event loop.
  const writer = new ParquetWriterThread({ root });
  const store = new SignalStore({ root, sink: writer.sink(SIGNALS_DATASET_SPEC), flushIntervalMs: 100 });
  const sse = await createSignalEventServer({ port: 0, keepAliveMs: 50 });
  const client = await sseRequest(`${sse.url}/signals`);
  const refused = await sseRequest(`${sse.url}/signals`, 'evil.example');
  expect([client.status, refused.status]).toEqual([200, 421]);
  refused.close();

  const live = new Map<string, number>();
  const lines: string[] = [];
  const close = nyseCalendar.session(DATE)!.close;
  const ac = new AbortController();
  let lastBurst = 0;
  const summary = await runLiveSignals(
    {
      ingestion, streams, model, writer, dataRoot: root, date: DATE, strikeBand: 3, features, newsPollMs: 60_000, barrierWaitMs: 30_000,
      onSignal: (s: LiveSignalRecord) => {
        lines.push(JSON.stringify(s));
        store.add(s);
        sse.publish(s);
      },
      onBurst: (b) => {
        b.tickers.forEach((t, i) => live.set(`${t}|${b.timestamps[i]}`, b.probabilities[i]!));
        lastBurst = Math.max(lastBurst, ...b.timestamps);
        if (lastBurst >= close - 60_000) setTimeout(() => ac.abort(), 500);
      },
    },
    ac.signal,
  );
  await store.close();
  await writer.close();
  await new Promise((res) => setTimeout(res, 100));
  client.close();
  await sse.close();

  expect(summary.contracts.length).toBeGreaterThanOrEqual(20);
  expect(summary.contracts.some((t) => t.includes('250304')) && summary.contracts.some((t) => t.includes('250305'))).toBe(true);
  expect(summary.engine).toMatchObject({ late: 0, invalid: 0 });
  expect(summary.engine.scored).toBe(live.size);
  expect(lines.length).toBe(summary.engine.signals);
  expect(lines.length).toBeGreaterThan(0);
  expect(JSON.parse(lines[0]!)).toEqual(expect.objectContaining({ ticker: expect.any(String), probability: expect.any(Number), reasons: expect.any(Array) }));
  expect(client.events().length).toBe(lines.length);
  const stored = await new ParquetDataset<LiveSignalRecord>({ root, spec: SIGNALS_DATASET_SPEC }).readAll();
  expect(stored.length).toBe(lines.length);

  // The durable path stored every bar: the batch features over it score the same, row for row.
  await consolidate({ root, dates: [DATE], ...features, schemaDrift: { monitor: false } });
  // DuckDB's definition of the features (method 'sql'): an independent reference for the live
  // engine, since the default batch path replays the engine itself.
  await generateFeatures({ root, dates: [DATE], newsLookbackMinutes: 60, schemaDrift: { monitor: false }, method: 'sql' });
  const { rows, keys } = await batchFeatureRows(root, DATE);
  const batch = model.predict(rows, keys.length);
  const missing = keys.filter((k) => !live.has(k)).map((k) => `${k.split('|')[0]} ${new Date(Number(k.split('|')[1])).toISOString()}`);
  expect({ missing: missing.slice(0, 5), n: missing.length, engine: summary.engine }).toEqual({ missing: [], n: 0, engine: summary.engine });
  expect(keys.length).toBe(live.size);
  const differing = keys.filter((k, i) => live.get(k) !== batch[i]);
  expect(differing).toEqual([]);

  // A restart after the close: the feed replays the stored session, the warm engine scores none of
  // it, and the runners count every bar as a duplicate instead of rewriting the day's partitions.
  const optionRows = async () => (await new ParquetDataset({ root, spec: rawDatasetSpecs.options }).readAll({ from: DATE, to: DATE })).length;
  const rowsBefore = await optionRows();
  const again = new ParquetWriterThread({ root });
  const sent = sim.stats().wsMessages;
  const stop = new AbortController();
  const watch = setInterval(() => sim.stats().wsMessages - sent >= 3 * 390 && setTimeout(() => stop.abort(), 500), 50);
  const restarted = await runLiveSignals({ ingestion, streams, model, writer: again, dataRoot: root, date: DATE, strikeBand: 3, features, newsPollMs: 60_000 }, stop.signal);
  clearInterval(watch);
  await again.close();
  expect(restarted.engine.scored).toBe(0);
  const bars = restarted.streams.filter((st) => !st.name.includes('news'));
  expect(bars.map((st) => [st.name, st.received > 0, st.stored, st.duplicates === st.received])).toEqual(bars.map((st) => [st.name, true, 0, true]));
  expect(await optionRows()).toBe(rowsBefore);
  model.dispose();
}, 300_000);
