import { ManualClock, type StockBar } from '@spyglass/core';
import type { StreamEvent } from '../stream/stream-event.js';
import { FeedSimulator } from './feed-simulator.js';

const T0 = Date.UTC(2025, 2, 4, 14, 30);
const bar = (minute: number): StockBar => ({
  ticker: 'SPY', timestamp: T0 + minute * 60_000, open: 580 + minute / 100, high: 581, low: 579, close: 580.5, volume: 1000 + minute, vwap: 580.2, transactions: 10, ingestedAt: T0,
});

async function* asAsync<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

/** Lets the producer run until it is asleep on the clock, so advancing time wakes exactly that sleep. */
async function asleep(clock: ManualClock): Promise<void> {
  for (let i = 0; i < 1000 && clock.pending === 0; i++) await new Promise((r) => setImmediate(r));
  expect(clock.pending).toBe(1);
}

const bars = <T>(events: StreamEvent<T>[]) => events.filter((e): e is { type: 'bar'; bar: T } => e.type === 'bar').map((e) => e.bar);

describe('FeedSimulator', () => {
  it('replays every record in order with no waiting at speed 0', async () => {
    const clock = new ManualClock(T0);
    const records = [0, 1, 2, 390, 391].map(bar);
    const feed = new FeedSimulator({ records: asAsync(records), speed: 0, clock });
    const events: StreamEvent<StockBar>[] = [];
    for await (const ev of feed) events.push(ev);
    expect(bars(events)).toEqual(records);
    expect(events[0]).toMatchObject({ type: 'status', status: 'replay_started' });
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'replay_finished' });
    expect(feed.stats).toEqual({ records: 5, outOfOrder: 0, waitedMs: 0 });
    expect(clock.now()).toBe(T0);
  });

  it('waits (gap / speed) between records, capping each gap', async () => {
    const clock = new ManualClock(T0);
    // 1-minute gaps at 60× = 1 s each; the 2-hour gap would be 120 s and is capped at 5 s.
    const feed = new FeedSimulator({ records: [0, 1, 2, 122].map(bar), speed: 60, maxGapDelayMs: 5000, clock });
    const it = feed[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'status' });
    expect((await it.next()).value).toMatchObject({ type: 'bar', bar: { timestamp: T0 } });
    const second = it.next();
    let delivered = false;
    void second.then(() => (delivered = true));
    await asleep(clock);
    await clock.advance(999);
    expect(delivered).toBe(false);
    await clock.advance(1);
    expect((await second).value).toMatchObject({ bar: { timestamp: T0 + 60_000 } });
    const third = it.next();
    await asleep(clock);
    await clock.advance(1000);
    expect((await third).value).toMatchObject({ bar: { timestamp: T0 + 120_000 } });
    const fourth = it.next();
    await asleep(clock);
    await clock.advance(5000);
    expect((await fourth).value).toMatchObject({ bar: { timestamp: T0 + 122 * 60_000 } });
    expect(feed.stats.waitedMs).toBe(7000);
  });

  it('stops on the signal: the iteration ends normally and later records are not emitted', async () => {
    const clock = new ManualClock(T0);
    const stop = new AbortController();
    const feed = new FeedSimulator({ records: [0, 1, 2, 3].map(bar), speed: 1, clock, signal: stop.signal });
    const got: StockBar[] = [];
    const done = (async () => {
      for await (const ev of feed) {
        if (ev.type !== 'bar') continue;
        got.push(ev.bar);
        if (got.length === 2) stop.abort();
      }
    })();
    // Speed 1 would wait a minute per bar; the default cap makes it 5 s.
    await asleep(clock);
    await clock.advance(5000);
    await done;
    expect(got.map((b) => b.timestamp)).toEqual([T0, T0 + 60_000]);
    expect(clock.pending).toBe(0);
  });

  it('replays any dataset (news) through timestampOf, counting out-of-order records without dropping them', async () => {
    const news = [
      { id: 'a', published: T0 },
      { id: 'b', published: T0 + 5000 },
      { id: 'c', published: T0 + 1000 },
    ];
    const feed = new FeedSimulator({ records: news, timestampOf: (n) => n.published, speed: 0 });
    const events: StreamEvent<(typeof news)[number]>[] = [];
    for await (const ev of feed) events.push(ev);
    expect(bars(events).map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(feed.stats.outOfOrder).toBe(1);
  });

  it('applies back-pressure to a slow consumer without losing records', async () => {
    const records = Array.from({ length: 50 }, (_, i) => bar(i));
    const feed = new FeedSimulator({ records, speed: 0, queueCapacity: 4 });
    const got: StockBar[] = [];
    for await (const ev of feed) {
      if (ev.type === 'bar') got.push(ev.bar);
      await new Promise((r) => setImmediate(r));
    }
    expect(got).toEqual(records);
  });

  it('replays batches (as storage yields them), sorting across partitions when asked', async () => {
    async function* partitions(): AsyncGenerator<StockBar[]> {
      yield [bar(0), bar(2)].map((b) => ({ ...b, ticker: 'O:A' }));
      yield [bar(1), bar(3)].map((b) => ({ ...b, ticker: 'O:B' }));
    }
    const feed = new FeedSimulator({ batches: partitions(), sort: true, speed: 0 });
    const events: StreamEvent<StockBar>[] = [];
    for await (const ev of feed) events.push(ev);
    expect(bars(events).map((b) => [b.ticker, b.timestamp - T0])).toEqual([['O:A', 0], ['O:B', 60_000], ['O:A', 120_000], ['O:B', 180_000]]);
    expect(feed.stats.outOfOrder).toBe(0);
  });

  it.each([[-1], [Number.NaN]])('rejects speed %p', (speed) => {
    expect(() => new FeedSimulator({ records: [], speed })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('needs exactly one of records or batches', () => {
    expect(() => new FeedSimulator<StockBar>({ speed: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new FeedSimulator<StockBar>({ speed: 0, records: [], batches: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('surfaces a failing record source as a typed error instead of ending quietly', async () => {
    async function* broken(): AsyncGenerator<StockBar> {
      yield bar(0);
      throw new Error('parquet page checksum mismatch');
    }
    const feed = new FeedSimulator({ records: broken(), speed: 0 });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const ev of feed) seen.push(ev.type);
      })(),
    ).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringContaining('checksum') });
    expect(seen).toEqual(['status', 'bar']);
  });
});
