import { createServer, type Socket } from 'node:net';
import type { StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { EquityClient } from '../rest/equity-client.js';
import { MassiveRest } from '../rest/massive-rest.js';
import { createIndexStream, createOptionStream, createStockStream, type MarketStreamOptions } from './market-stream.js';
import type { StreamEvent } from './stream-event.js';

const DAY = '2025-03-04';
const KEY = 'ws-test-key-0123456789';
const quickReconnect = { maxAttempts: 5, initialDelayMs: 5, backoffBase: 2, maxDelayMs: 50, jitter: 0 };

function options(sim: ExchangeSim, subscriptions: string[], extra: Partial<MarketStreamOptions> = {}): MarketStreamOptions {
  return { apiKey: KEY, wsBaseUrl: sim.wsUrl, subscriptions, reconnect: quickReconnect, stallTimeoutMs: null, ...extra };
}

/** Collects events until `until` says stop (then closes the stream) or the stream ends. */
async function collect<T>(stream: AsyncIterable<StreamEvent<T>> & { close(): Promise<void> }, until: (events: StreamEvent<T>[]) => boolean = () => false) {
  const events: StreamEvent<T>[] = [];
  for await (const ev of stream) {
    events.push(ev);
    if (until(events)) break;
  }
  await stream.close();
  return events;
}

const barsOf = <T>(events: StreamEvent<T>[]) => events.flatMap((e) => (e.type === 'bar' ? [e.bar] : []));

describe('WebSocket streams against the exchange simulator', () => {
  it('authenticates, subscribes and streams the session bars, equal to the REST bars', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY });
    try {
      const rest = await new EquityClient(new MassiveRest({ apiKey: KEY, restBaseUrl: sim.url })).minuteBars('SPY', DAY, DAY);
      const stream = createStockStream(options(sim, ['AM.SPY']));
      const events = await collect(stream, (evs) => barsOf(evs).length === rest.records.length);
      const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
      expect(statuses.slice(0, 3)).toEqual(['connected', 'auth_success', 'success']);
      const bars = barsOf(events);
      expect(bars.map((b) => b.timestamp)).toEqual(rest.records.map((b) => b.timestamp));
      expect(bars.map((b) => [b.open, b.high, b.low, b.close, b.volume])).toEqual(rest.records.map((b) => [b.open, b.high, b.low, b.close, b.volume]));
      expect(bars[0]).toMatchObject({ ticker: 'SPY', transactions: null });
    } finally {
      await sim.close();
    }
  });

  it('reconnects after a drop, re-authenticates, re-subscribes and reports the gap to back-fill', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY, faults: { wsDropAfter: 30 } });
    try {
      const stream = createStockStream(options(sim, ['AM.SPY']));
      const events = await collect(stream, (evs) => evs.filter((e) => e.type === 'status' && e.status === 'success').length === 2);
      const types = events.map((e) => (e.type === 'status' ? e.status : e.type));
      const dropAt = types.indexOf('error');
      expect(dropAt).toBeGreaterThan(0);
      expect(types.slice(dropAt)).toEqual(['error', 'connected', 'auth_success', 'reconnected', 'success']);
      const bars = barsOf(events);
      expect(bars).toHaveLength(30);
      const reconnected = events.find((e) => e.type === 'reconnected');
      expect(reconnected).toMatchObject({ type: 'reconnected', attempt: 1, gapFrom: bars[29].timestamp + 60_000 });
      expect(stream.stats.connections).toBe(2);
      expect(sim.stats().faults.wsDrop).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('skips the bars the server replays after a reconnect instead of duplicating them', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY, faults: { wsDropAfter: 40, wsDuplicateRate: 0.2 } });
    try {
      const stream = createStockStream(options(sim, ['AM.SPY']));
      const events = await collect(stream, (evs) => evs.filter((e) => e.type === 'reconnected').length === 3);
      const ts = barsOf(events).map((b) => b.timestamp);
      expect(new Set(ts).size).toBe(ts.length);
      expect(stream.stats.duplicates).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('delivers every bar exactly once when the server duplicates and reorders messages', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY, faults: { wsDuplicateRate: 0.1, wsOutOfOrderRate: 0.1 }, faultSeed: 5 });
    try {
      const stream = createStockStream(options(sim, ['AM.SPY']));
      const bars = barsOf(await collect(stream, (evs) => barsOf(evs).length === 390));
      const ts = bars.map((b) => b.timestamp);
      expect(new Set(ts).size).toBe(390);
      expect(ts).not.toEqual([...ts].sort((a, b) => a - b)); // order is the server's: the pipeline sorts
      expect(stream.stats.duplicates).toBe(sim.stats().faults.wsDuplicate);
      expect(sim.stats().faults.wsOutOfOrder).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('ends with AUTH_FAILED, not a silent stop, when the key is refused', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, apiKeys: ['only-this-key-0000'] });
    try {
      const stream = createStockStream(options(sim, ['AM.SPY']));
      await expect(collect(stream)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      expect(stream.stats.connections).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('ends with MAX_CONNECTIONS when the key already has its connection', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 1, sessionDate: DAY });
    try {
      const first = createIndexStream(options(sim, ['AM.I:VIX']));
      const it = first[Symbol.asyncIterator]();
      while (true) {
        const ev = (await it.next()).value as StreamEvent<unknown>;
        if (ev.type === 'status' && ev.status === 'auth_success') break;
      }
      const second = createIndexStream(options(sim, ['AM.I:VIX']));
      await expect(collect(second)).rejects.toMatchObject({ code: 'MAX_CONNECTIONS' });
      await first.close();
    } finally {
      await sim.close();
    }
  });

  it('detects a stall, reconnects, and gives up with RETRIES_EXHAUSTED when the feed stays silent', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY });
    try {
      // A channel with no data: the connection is healthy but silent.
      const stream = createStockStream(options(sim, ['AM.NOSUCH'], { stallTimeoutMs: 80, reconnect: { ...quickReconnect, maxAttempts: 3 } }));
      const events: StreamEvent<StockBar>[] = [];
      const err = await (async () => {
        for await (const ev of stream) events.push(ev);
      })().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'RETRIES_EXHAUSTED', cause: { code: 'STALLED' } });
      expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.error.code)).toEqual(['STALLED', 'STALLED']);
      expect(stream.stats.connections).toBe(3);
    } finally {
      await sim.close();
    }
  });

  it('gives up on an unreachable server with RETRIES_EXHAUSTED carrying the network error', async () => {
    const stream = createStockStream({ apiKey: KEY, wsBaseUrl: 'ws://127.0.0.1:9', subscriptions: ['AM.SPY'], reconnect: { ...quickReconnect, maxAttempts: 3 } });
    const events: StreamEvent<StockBar>[] = [];
    const err = await (async () => {
      for await (const ev of stream) events.push(ev);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RETRIES_EXHAUSTED', cause: { code: 'NETWORK' } });
    expect(events.map((e) => e.type)).toEqual(['error', 'error']);
    expect(stream.stats.connections).toBe(3);
  });

  it('fails each attempt with TIMEOUT after connectTimeoutMs when the server accepts TCP but never upgrades', async () => {
    // A loopback listener that takes the connection and the upgrade request and never answers.
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const stream = createStockStream({ apiKey: KEY, wsBaseUrl: `ws://127.0.0.1:${port}`, subscriptions: ['AM.SPY'], connectTimeoutMs: 250, reconnect: { ...quickReconnect, maxAttempts: 2 } });
      const events: StreamEvent<StockBar>[] = [];
      const started = Date.now();
      const err = await (async () => {
        for await (const ev of stream) events.push(ev);
      })().catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(err).toMatchObject({ code: 'RETRIES_EXHAUSTED', cause: { code: 'TIMEOUT', details: { connectTimeoutMs: 250 } } });
      expect((err as Error & { cause: Error }).cause.message).toMatch(/no WebSocket upgrade within 250 ms \(sources\.yaml massive\.ws\.connectTimeoutMs\)/);
      expect(events.map((e) => e.type === 'error' && e.error.code)).toEqual(['TIMEOUT']);
      expect(held).toHaveLength(2);
      // Two attempts of 250 ms plus a 5 ms backoff: the configured timeout fired, not ws's default.
      expect(elapsed).toBeGreaterThanOrEqual(2 * 250 - 20);
      expect(elapsed).toBeLessThan(3_000);
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    }
  });

  it('pauses the socket when the consumer falls behind and still delivers every bar', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY });
    try {
      const stream = createStockStream(options(sim, ['AM.SPY'], { queueCapacity: 8 }));
      const bars: StockBar[] = [];
      for await (const ev of stream) {
        if (ev.type === 'bar') bars.push(ev.bar);
        if (bars.length === 390) break;
        await new Promise((r) => setTimeout(r, 0));
      }
      await stream.close();
      expect(stream.stats.pauses).toBeGreaterThan(0);
      expect(bars.map((b) => b.timestamp)).toEqual([...bars.map((b) => b.timestamp)].sort((a, b) => a - b));
      expect(new Set(bars.map((b) => b.timestamp)).size).toBe(390);
    } finally {
      await sim.close();
    }
  });

  it('closes at once while paused by back-pressure: the server close frame is read, not waited out for 30 s', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY });
    try {
      const stream = createStockStream(options(sim, ['AM.SPY'], { queueCapacity: 8 }));
      const it = stream[Symbol.asyncIterator]();
      // Read one bar, then stop reading: the queue fills and the socket is paused with frames unread.
      while ((await it.next()).value?.type !== 'bar');
      const deadline = Date.now() + 10_000;
      while (stream.stats.pauses === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(stream.stats.pauses).toBeGreaterThan(0);
      const asked = Date.now();
      await stream.close();
      expect(Date.now() - asked).toBeLessThan(5_000);
      // What was queued before the close is still delivered, then the stream ends.
      let rest = 0;
      for (let r = await it.next(); !r.done; r = await it.next()) rest++;
      expect(rest).toBeGreaterThanOrEqual(8);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('streams option bars with the contract parsed from the OCC symbol', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: DAY });
    try {
      const stream = createOptionStream(options(sim, ['AM.*']));
      const events = await collect(stream, (evs) => barsOf(evs).length >= 20);
      const bars = barsOf(events);
      expect(bars.length).toBeGreaterThanOrEqual(20);
      for (const b of bars) expect(b).toMatchObject({ ticker: expect.stringMatching(/^O:SPY\d{6}[CP]\d{8}$/), underlying: 'SPY', strike: expect.any(Number) });
    } finally {
      await sim.close();
    }
  });
});
