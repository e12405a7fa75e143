import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, SpyglassError, nyseCalendar, type StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Deduplicator, Quarantine, recordKeyFor, validatorFor } from '@spyglass/processing';
import { EquityClient, FeedSimulator, MassiveRest, createStockStream } from '@spyglass/sources';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { datasetHash } from './__test-support__/dataset-hash.js';
import { StreamingRunner, type StreamingSource } from './streaming-runner.js';

const DAY = '2025-03-04';
const tmp = () => mkdtemp(join(tmpdir(), 'spyglass-stream-'));

function stagesFor(root: string) {
  return {
    dataset: 'stocks',
    validator: validatorFor('stocks'),
    quarantine: new Quarantine({ root }),
    sink: new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }),
    dedup: new Deduplicator<StockBar>(recordKeyFor('stocks'), { capacity: 10_000 }),
  };
}

describe('StreamingRunner', () => {
  let sim: ExchangeSim;
  let restRoot: string;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 11, sessionDate: DAY, speed: 0, faults: { wsDropRate: 0.01, wsDuplicateRate: 0.05, wsOutOfOrderRate: 0.05 }, faultSeed: 5 });
    restRoot = await tmp();
    const rest = new MassiveRest({ apiKey: 'k', restBaseUrl: sim.url });
    const { records } = await new EquityClient(rest).minuteBars('SPY', DAY, DAY);
    await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).write(records);
  });
  afterAll(() => sim.close());

  it('stores a whole session through drops, duplicates and reordering: equal to the REST backfill', async () => {
    const root = await tmp();
    const rest = new MassiveRest({ apiKey: 'k', restBaseUrl: sim.url });
    const equities = new EquityClient(rest);
    const stream = createStockStream({ apiKey: 'k', wsBaseUrl: sim.wsUrl, subscriptions: ['AM.SPY'], stallTimeoutMs: null,
      reconnect: { maxAttempts: 20, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 10, jitter: 0 } });
    const ac = new AbortController();
    let stored = 0;
    const runner = new StreamingRunner<StockBar>({
      name: 'SPY',
      ...stagesFor(root),
      flushSize: 50,
      flushIntervalMs: 200,
      // The replayed session is in the past: the gap ends at that session's close, not at the wall clock.
      backfill: (from, to) => equities.minuteBars('SPY', from, Math.min(to, nyseCalendar.session(DAY)!.close - 60_000)),
      onFlushed: () => {
        stored = runner.counts().stored;
        if (stored >= 390) ac.abort();
      },
    });
    const summary = await runner.run(stream, ac.signal);
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.stored).toBe(390);
    expect(summary.quarantined).toBe(0);
    expect(sim.stats().faults.wsDrop + sim.stats().faults.wsDuplicate + sim.stats().faults.wsOutOfOrder).toBeGreaterThan(0);
    // The WebSocket AM message has no trade count (`n`): compare everything else.
    expect(await datasetHash(root, 'stocks', ['transactions'])).toEqual(await datasetHash(restRoot, 'stocks', ['transactions']));
  });

  it('flushes by time, quarantines replayed malformed bars, and stops cleanly at the end of a replay', async () => {
    const root = await tmp();
    const good = await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll();
    const bad = { ...good[10]!, high: good[10]!.low - 1 };
    const feed = new FeedSimulator<StockBar>({ records: [...good.slice(0, 20), bad, ...good.slice(20, 30)], speed: 0 });
    const summary = await new StreamingRunner<StockBar>({ name: 'replay', ...stagesFor(root), flushSize: 1000, flushIntervalMs: 50 }).run(feed);
    expect(summary).toMatchObject({ stoppedBy: 'end', received: 31, stored: 30, quarantined: 1 });
  });

  it('waits for the open when started outside market hours, and stops at the close', async () => {
    const clock = new ManualClock(Date.parse('2025-03-04T13:00:00Z')); // 08:00 ET
    const root = await tmp();
    const bars = (await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll()).slice(0, 3);
    const feed = new FeedSimulator<StockBar>({ records: bars, speed: 0, clock });
    const runner = new StreamingRunner<StockBar>({ name: 'hours', ...stagesFor(root), flushSize: 1, flushIntervalMs: 1000, marketHours: nyseCalendar, clock });
    const done = runner.run(feed);
    await clock.advance(60 * 60_000);
    expect(runner.counts().received).toBe(0); // 09:00 ET: still waiting
    await clock.advance(31 * 60_000); // past 09:30 ET
    for (let i = 0; i < 20 && runner.counts().received < 3; i++) await clock.advance(1);
    const summary = await done;
    expect(summary.stored).toBe(3);
  });

  // A source holding a burst it has already received, as MarketStream does: close() stops receiving,
  // and the iteration ends after what is queued.
  const burstSource = (bars: readonly StockBar[], onRead?: (i: number) => void): StreamingSource<StockBar> => {
    let closed = false;
    return {
      async *[Symbol.asyncIterator]() {
        for (const [i, bar] of bars.entries()) {
          onRead?.(i);
          yield { type: 'bar' as const, bar };
        }
        while (!closed) await new Promise((r) => setTimeout(r, 5)); // connected, nothing more arriving
      },
      close: async () => {
        closed = true;
      },
    };
  };

  it.each([
    ['SIGTERM after the first bar of a burst', 'signal'],
    ['the close passing after the first bar of the 15:59 burst', 'market-close'],
  ] as const)('stops on %s and still stores every bar already received', async (_case, stoppedBy) => {
    const root = await tmp();
    const burst = (await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll()).slice(-100);
    let now = Date.parse(`${DAY}T20:59:30Z`); // 15:59:30 New York
    const clock = { now: () => now, sleep: (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, Math.min(ms, 50));
      signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
    }) };
    const ac = new AbortController();
    const source = burstSource(burst, (i) => {
      if (i !== 1) return;
      if (stoppedBy === 'signal') ac.abort('SIGTERM');
      else now = Date.parse(`${DAY}T21:00:01Z`);
    });
    const runner = new StreamingRunner<StockBar>({ name: 'burst', ...stagesFor(root), flushSize: 1_000, flushIntervalMs: 60_000, marketHours: nyseCalendar, clock });
    const summary = await runner.run(source, ac.signal);
    expect(summary).toMatchObject({ stoppedBy, received: 100, stored: 100 });
    expect((await new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }).readAll()).length).toBe(100);
  });

  it('reads on while a flush is written, one flush in flight at a time, in order, and drains at the end', async () => {
    const root = await tmp();
    const bars = await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll();
    const stages = stagesFor(root);
    const dataset = stages.sink;
    // The real dataset behind a gate: each write waits until the test opens it.
    const gates: Array<() => void> = [];
    const writes: Array<{ first: number; n: number; receivedAtStart: number }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const runner: StreamingRunner<StockBar> = new StreamingRunner<StockBar>({
      name: 'pipelined',
      ...stages,
      sink: {
        write: async (records: readonly StockBar[]) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          writes.push({ first: records[0]!.timestamp, n: records.length, receivedAtStart: runner.counts().buffered });
          await new Promise<void>((r) => gates.push(r));
          try {
            return await dataset.write(records);
          } finally {
            inFlight--;
          }
        },
      },
      flushSize: 100,
      flushIntervalMs: 60_000,
    });
    const feed = new FeedSimulator<StockBar>({ records: bars, speed: 0 });
    let finished = false;
    const done = runner.run(feed).finally(() => (finished = true));
    // Bounded by time, not by event-loop turns: a real fsync'd write can take long on a loaded machine.
    const until = async (cond: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      expect(cond()).toBe(true);
    };
    // First flush blocked: the runner has read a second buffer meanwhile (100 in flight + 100 buffered),
    // and holds the third flush back instead of starting a second write.
    await until(() => gates.length === 1 && runner.counts().buffered >= 200);
    expect(writes).toHaveLength(1);
    while (!finished) {
      await until(() => gates.length > 0 || finished);
      gates.shift()?.();
    }
    const summary = await done;
    expect(maxInFlight).toBe(1);
    expect(writes.map((w) => w.first)).toEqual([...writes.map((w) => w.first)].sort((a, b) => a - b));
    expect(writes.reduce((n, w) => n + w.n, 0)).toBe(bars.length);
    expect(summary).toMatchObject({ stoppedBy: 'end', received: bars.length, stored: bars.length, flushes: writes.length });
    expect(await dataset.readAll()).toEqual(bars);
  });

  it('fails the run with the error of a flush written in the background, after writing what came before', async () => {
    const root = await tmp();
    const bars = await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll();
    const stages = stagesFor(root);
    let calls = 0;
    const runner = new StreamingRunner<StockBar>({
      name: 'failing',
      ...stages,
      sink: {
        write: async (records: readonly StockBar[]) => {
          if (++calls === 2) throw new SpyglassError('STORAGE', 'disk full');
          return stages.sink.write(records);
        },
      },
      flushSize: 100,
      flushIntervalMs: 60_000,
    });
    await expect(runner.run(new FeedSimulator<StockBar>({ records: bars, speed: 0 }))).rejects.toMatchObject({ code: 'STORAGE', message: 'disk full' });
    expect((await stages.sink.readAll()).slice(0, 100)).toEqual(bars.slice(0, 100));
  });
  it.each([
    [1000, 128, 8],
    [1000, 1000, 1],
    [1000, undefined, 1],
    [1000, 300, 4],
  ])('a flush of %i bars with writeSlice %s reaches the sink in %i writes, every bar stored once, a duplicate and a malformed bar counted', async (n, writeSlice, writes) => {
    const root = await tmp();
    const stages = stagesFor(root);
    const bars = (await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll()).slice(0, 390);
    // n bars of distinct minutes (the session's bars shifted by whole days), one repeat and one malformed bar.
    const records = Array.from({ length: n }, (_, i) => ({ ...bars[i % 390]!, timestamp: bars[i % 390]!.timestamp + Math.floor(i / 390) * 86_400_000 }));
    const feed = new FeedSimulator<StockBar>({ records: [...records, records[5]!, { ...records[7]!, high: records[7]!.low - 1, timestamp: records[7]!.timestamp + 30_000 }], speed: 0 });
    const sizes: number[] = [];
    const sink = stages.sink;
    const counted = { ...stages, sink: { write: (r: readonly StockBar[]) => (sizes.push(r.length), sink.write(r)) } };
    const summary = await new StreamingRunner<StockBar>({ name: 'slices', ...counted, flushSize: 100_000, flushIntervalMs: 60_000, ...(writeSlice ? { writeSlice } : {}) }).run(feed);
    expect(summary).toMatchObject({ received: n + 2, stored: n, duplicates: 1, quarantined: 1, flushes: 1 });
    expect(sizes).toHaveLength(writes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(writeSlice ?? n + 2);
    expect((await sink.readAll()).length).toBe(n);
  });

  it('a flush timer that fires while the loop is busy is not lost: the buffer is flushed without further events', async () => {
    const root = await tmp();
    const bars = (await new ParquetDataset<StockBar>({ root: restRoot, spec: rawDatasetSpecs.stocks }).readAll()).slice(0, 3);
    const flushedAt: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    // Three bars at once, then silence until every flush is seen: the second flush comes only from the timer.
    const source: StreamingSource<StockBar> = {
      async *[Symbol.asyncIterator]() {
        for (const bar of bars) yield { type: 'bar' as const, bar };
        await gate;
      },
      close: async () => release(),
    };
    const runner = new StreamingRunner<StockBar>({ name: 'timer', ...stagesFor(root), flushSize: 2, flushIntervalMs: 20, onFlushed: (b) => void flushedAt.push(b.length) });
    const done = runner.run(source);
    for (let i = 0; i < 100 && flushedAt.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    release();
    const summary = await done;
    expect(flushedAt).toEqual([2, 1]);
    expect(summary.stored).toBe(3);
  });
});
