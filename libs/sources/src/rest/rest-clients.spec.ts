import { inspect } from 'node:util';
import { backoffDelay, nyWallTime, type RetryPolicy } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { InstantClock } from '../__test-support__/instant-clock.js';
import { startRecordingProxy } from '../__test-support__/recording-proxy.js';
import { EquityClient } from './equity-client.js';
import { IndexClient } from './index-client.js';
import { MassiveRest, type MassiveRestOptions, type WirePage } from './massive-rest.js';
import { NewsClient } from './news-client.js';
import { OptionsClient } from './options-client.js';

const DAY = '2025-03-04';
const KEY = 'test-key-0123456789';
const fast: RetryPolicy = { maxAttempts: 4, initialDelayMs: 100, backoffBase: 2, maxDelayMs: 10_000, jitter: 0 };

function rest(sim: { url: string }, extra: Partial<MassiveRestOptions> = {}): MassiveRest {
  return new MassiveRest({ apiKey: KEY, restBaseUrl: sim.url, clock: new InstantClock(), retryPolicy: fast, random: () => 0, ...extra });
}

describe('REST adapters against the exchange simulator over loopback', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, port: 0 });
  });
  afterAll(() => sim.close());

  it('pages stock minute bars through next_url in order, equal to the one-page answer', async () => {
    const onePage = await new EquityClient(rest(sim)).minuteBars('SPY', DAY, DAY);
    const paged = await new EquityClient(rest(sim), { limit: 100 }).minuteBars('SPY', DAY, DAY);
    expect(onePage.pages).toBe(1);
    expect(onePage.records.length).toBeGreaterThanOrEqual(390);
    expect(paged.pages).toBe(Math.ceil(onePage.records.length / 100));
    expect(paged.records).toEqual(onePage.records.map((b) => ({ ...b, ingestedAt: expect.any(Number) })));
    const ts = paged.records.map((b) => b.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(ts).size).toBe(ts.length);
    expect(ts[0]).toBe(nyWallTime(DAY, 9, 30));
    expect(paged.rejected).toEqual([]);
  });

  it('round-trips a streamed 50,000-bar page unchanged: every wire bar equals the market\'s, in order, none lost or repeated', async () => {
    const [from, to] = ['2024-01-02', '2024-07-31'];
    const head = await fetch(`${sim.url}/v2/aggs/ticker/SPY/range/1/minute/${from}/${to}?limit=50000&apiKey=${KEY}`);
    // Streamed: written as generated, so no Content-Length up front.
    expect([head.headers.get('transfer-encoding'), head.headers.get('content-length')]).toEqual(['chunked', null]);
    await head.body?.cancel();
    const pages: WirePage[] = [];
    for await (const p of new EquityClient(rest(sim), { limit: 50_000 }).pages('SPY', from, to)) pages.push(p);
    const expected = sim.market.tradingDays(from, to).flatMap((d) => sim.market.stockBars('SPY', d));
    expect(expected.length).toBeGreaterThan(50_000);
    expect(pages.map((p) => p.results.length)).toEqual([50_000, expected.length - 50_000]);
    expect(pages[0]!.envelope).toMatchObject({ status: 'OK', ticker: 'SPY', count: 50_000, resultsCount: 50_000, next_url: expect.any(String) });
    expect(pages[1]!.envelope['next_url']).toBeUndefined();
    // Compared as text: a deep equality over 50,000 objects costs more than the whole round trip.
    expect(JSON.stringify(pages.flatMap((p) => p.results))).toBe(JSON.stringify(expected));
    const { records, rejected } = await new EquityClient(rest(sim), { limit: 50_000 }).minuteBars('SPY', from, to);
    expect(rejected).toEqual([]);
    expect(JSON.stringify(records.map((r) => [r.timestamp, r.open, r.high, r.low, r.close, r.volume, r.vwap, r.transactions]))).toBe(
      JSON.stringify(expected.map((b) => [b.t, b.o, b.h, b.l, b.c, b.v, b.vw, b.n])),
    );
  }, 120_000);

  it('exposes the raw wire pages before mapping', async () => {
    const pages = [];
    for await (const p of new EquityClient(rest(sim), { limit: 200 }).pages('SPY', DAY, DAY)) pages.push(p);
    expect(pages.map((p) => p.index)).toEqual(pages.map((_, i) => i));
    expect(pages[0].envelope).toMatchObject({ status: 'OK', ticker: 'SPY' });
    expect(pages[0].results[0]).toEqual(expect.objectContaining({ t: nyWallTime(DAY, 9, 30), o: expect.any(Number), vw: expect.any(Number), n: expect.any(Number) }));
    expect(pages.at(-1)!.envelope.next_url).toBeUndefined();
    expect(pages.map((p) => p.url).join(' ')).not.toContain(KEY);
  });

  it('fetches I:VIX minute bars without volume', async () => {
    const { records, rejected } = await new IndexClient(rest(sim), { limit: 150 }).minuteBars('I:VIX', DAY, DAY);
    expect(rejected).toEqual([]);
    expect(records.length).toBeGreaterThanOrEqual(390);
    expect(records[0]).toEqual({ ticker: 'I:VIX', timestamp: nyWallTime(DAY, 9, 30), open: expect.any(Number), high: expect.any(Number), low: expect.any(Number), close: expect.any(Number), ingestedAt: expect.any(Number) });
  });

  it('lists option contracts across pages and fetches their minute bars', async () => {
    const options = new OptionsClient(rest(sim));
    const { price, source } = await options.openingPrice('SPY', DAY);
    expect(source).toBe('open-close');
    const spy = await new EquityClient(rest(sim)).minuteBars('SPY', DAY, DAY);
    expect(price).toBe(spy.records[0].open);

    const q = { underlying: 'SPY', expiration: DAY, asOf: DAY, strikeGte: price - 5, strikeLte: price + 5 };
    const all = await options.contracts(q);
    const paged = await options.contracts({ ...q, limit: 7 });
    expect(all.records.length).toBeGreaterThan(14);
    expect(paged.pages).toBe(Math.ceil(all.records.length / 7));
    expect(paged.records).toEqual(all.records);
    expect(all.records.every((c) => c.expiration === DAY && c.strike >= price - 5 && c.strike <= price + 5)).toBe(true);

    const atm = all.records.find((c) => c.contractType === 'call' && c.strike > price)!;
    const bars = await options.minuteBars(atm.ticker, DAY, DAY);
    expect(bars.rejected).toEqual([]);
    expect(bars.records.length).toBeGreaterThan(0);
    expect(bars.records[0]).toMatchObject({ ticker: atm.ticker, underlying: 'SPY', expiration: DAY, strike: atm.strike, contractType: 'call' });
  });

  it('falls back to the first minute bar when /v1/open-close has no record', async () => {
    const proxy = await startRecordingProxy(sim.url, (path) =>
      path.startsWith('/v1/open-close/') ? { status: 404, body: { status: 'NOT_FOUND', request_id: 'x', message: 'Data not found.' } } : undefined,
    );
    try {
      const direct = await new OptionsClient(rest(sim)).openingPrice('SPY', DAY);
      const fallback = await new OptionsClient(rest(proxy)).openingPrice('SPY', DAY);
      expect(fallback).toEqual({ price: direct.price, source: 'first-minute-bar' });
      expect(proxy.requests.map((u) => new URL(u, 'http://x').pathname)).toEqual([`/v1/open-close/SPY/${DAY}`, `/v2/aggs/ticker/SPY/range/1/minute/${DAY}/${DAY}`]);
    } finally {
      await proxy.close();
    }
  });

  it('sends news date filters as raw published_utc.gte/.lte query parameters and maps sentiment', async () => {
    const proxy = await startRecordingProxy(sim.url);
    try {
      const news = new NewsClient(rest(proxy));
      const { records, rejected } = await news.articles({ ticker: 'SPY', from: DAY, to: '2025-03-05', limit: 5 });
      const first = new URL(proxy.requests[0], 'http://x');
      expect(first.pathname).toBe('/v2/reference/news');
      expect(first.searchParams.get('published_utc.gte')).toBe('2025-03-04T00:00:00Z');
      expect(first.searchParams.get('published_utc.lte')).toBe('2025-03-05T23:59:59Z');
      expect(first.searchParams.get('ticker')).toBe('SPY');
      expect([...first.searchParams.keys()].filter((k) => /^\d+$/.test(k))).toEqual([]); // the client's mis-encoding would add 0=2&1=0…
      expect(proxy.requests.length).toBeGreaterThan(1); // paginated through the proxy: next_url's origin is the configured one
      expect(rejected).toEqual([]);
      expect(records.length).toBeGreaterThan(5);
      const lo = Date.parse('2025-03-04T00:00:00Z');
      const hi = Date.parse('2025-03-05T23:59:59Z');
      expect(records.every((a) => a.timestamp >= lo && a.timestamp <= hi && a.tickers.includes('SPY'))).toBe(true);
      expect(records.map((a) => a.timestamp)).toEqual([...records.map((a) => a.timestamp)].sort((a, b) => a - b));
      for (const a of records) expect(a.sentiment).toBe(a.insights.find((i) => i.ticker === 'SPY')?.sentiment ?? null);
      expect(new Set(records.map((a) => a.id)).size).toBe(records.length);
    } finally {
      await proxy.close();
    }
  });

  it('polls news as it is published: each article once, none missed, stopping cleanly on the signal', async () => {
    // The simulator publishes news up to its clock; sharing the client's clock makes articles appear between polls.
    const clock = new InstantClock(Date.parse('2025-03-04T13:00:00Z'));
    const live = await createExchangeSim({ seed: 42, port: 0, clock });
    try {
      const news = new NewsClient(rest(live, { clock }));
      const since = clock.now();
      const stop = new AbortController();
      const ids: string[] = [];
      let polls = 0;
      const sleep = clock.sleep.bind(clock);
      clock.sleep = async (ms, signal) => {
        if (++polls === 16) stop.abort(); // 16 polls, 30 minutes apart: 13:00 → 20:30 UTC
        return sleep(ms, signal);
      };
      for await (const r of news.poll({ ticker: 'SPY', intervalMs: 30 * 60_000, since, signal: stop.signal })) {
        expect(r.ok).toBe(true);
        if (r.ok) ids.push(r.value.id);
      }
      const published = await news.articles({ ticker: 'SPY', from: since, to: Date.parse('2025-03-04T20:30:00Z') });
      expect(polls).toBe(16);
      expect(published.records.length).toBeGreaterThan(1);
      expect(ids).toEqual(published.records.map((a) => a.id));
    } finally {
      await live.close();
    }
  });
});

describe('REST failures against the simulator', () => {
  it('recovers a 429 storm with exponential backoff, keeping every page in order', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, faults: { rate429: 0.6 }, faultSeed: 3 });
    try {
      const clock = new InstantClock();
      const policy: RetryPolicy = { ...fast, maxAttempts: 30 };
      const r = rest(sim, { clock, retryPolicy: policy });
      const clean = await new EquityClient(rest(await createExchangeSimOnce())).minuteBars('SPY', DAY, DAY);
      const { records, pages } = await new EquityClient(r, { limit: 50 }).minuteBars('SPY', DAY, DAY);
      expect(sim.stats().faults.rate429).toBeGreaterThan(3);
      expect(pages).toBe(Math.ceil(clean.records.length / 50));
      expect(records.map((b) => b.timestamp)).toEqual(clean.records.map((b) => b.timestamp));
      expect(records.map((b) => b.close)).toEqual(clean.records.map((b) => b.close));
      // Every wait is the policy's backoff for its attempt number: 100, 200, 400 … ms.
      const allowed = new Set(Array.from({ length: 30 }, (_, i) => backoffDelay(policy, i + 1, () => 0)));
      expect(clock.sleeps.length).toBe(sim.stats().faults.rate429);
      expect(clock.sleeps.every((ms) => allowed.has(ms))).toBe(true);
      expect(Math.max(...clock.sleeps)).toBeGreaterThan(100);
    } finally {
      await sim.close();
    }
  });

  it("paces requests with core's rate limiter so a 5-a-minute plan never sees a 429", async () => {
    const clock = new InstantClock();
    const sim = await createExchangeSim({ seed: 42, port: 0, rateLimitPerMinute: 5, clock });
    try {
      const r = rest(sim, { clock, rateLimitPerMinute: 5 });
      const started = clock.now();
      const { pages, records } = await new EquityClient(r, { limit: 35 }).minuteBars('SPY', DAY, DAY);
      expect(pages).toBe(Math.ceil(records.length / 35));
      expect(sim.stats().statuses['429']).toBeUndefined();
      expect(clock.now() - started).toBeGreaterThanOrEqual((pages - 1) * 12_000);
    } finally {
      await sim.close();
    }
  });

  it('does not retry a 401: AUTH_FAILED after exactly one request', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, apiKeys: ['the-right-key-000'] });
    try {
      const err = await new EquityClient(rest(sim)).minuteBars('SPY', DAY, DAY).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'AUTH_FAILED', details: { status: 401 } });
      expect((err as Error).message).not.toContain(KEY);
      expect(sim.stats().requests.aggs).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('does not retry a 403: NOT_ENTITLED when the plan lacks options', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, entitlements: { [KEY]: ['stocks'] } });
    try {
      await expect(new OptionsClient(rest(sim)).contracts({ underlying: 'SPY', expiration: DAY })).rejects.toMatchObject({ code: 'NOT_ENTITLED' });
      expect(sim.stats().requests['options-contracts']).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it.each([
    ['truncated', { truncatedRate: 1 }],
    ['invalid JSON', { invalidJsonRate: 1 }],
  ])('turns %s bodies into BAD_PAYLOAD, retried a few times then surfaced', async (_name, faults) => {
    const sim = await createExchangeSim({ seed: 42, port: 0, faults });
    try {
      const err = await new EquityClient(rest(sim)).minuteBars('SPY', DAY, DAY).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'RETRIES_EXHAUSTED', cause: { code: 'BAD_PAYLOAD' } });
      expect(sim.stats().requests.aggs).toBe(fast.maxAttempts);
      const once = await new EquityClient(rest(sim, { retryPolicy: { ...fast, maxAttempts: 1 } })).minuteBars('SPY', DAY, DAY).catch((e: unknown) => e);
      expect(once).toMatchObject({ code: 'RETRIES_EXHAUSTED', cause: { code: 'BAD_PAYLOAD' } });
    } finally {
      await sim.close();
    }
  });

  it('turns a truncated later page (fetched by our pagination) into BAD_PAYLOAD too, and recovers when it is transient', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, faults: { truncatedRate: 0.3, resetRate: 0.1, rate5xx: 0.2 }, faultSeed: 9 });
    try {
      const clean = await new EquityClient(rest(await createExchangeSimOnce())).minuteBars('SPY', DAY, DAY);
      const r = rest(sim, { retryPolicy: { ...fast, maxAttempts: 15 } });
      const { records } = await new EquityClient(r, { limit: 40 }).minuteBars('SPY', DAY, DAY);
      const f = sim.stats().faults;
      expect(f.truncated + f.reset + f.server5xx).toBeGreaterThan(2);
      expect(records.map((b) => b.timestamp)).toEqual(clean.records.map((b) => b.timestamp));
    } finally {
      await sim.close();
    }
  });

  it('times out a slow response (TIMEOUT, retried) and stops at once on the caller\'s abort (ABORTED)', async () => {
    const sim = await createExchangeSim({ seed: 42, port: 0, faults: { slowRate: 1, slowMs: 400 } });
    try {
      const r = rest(sim, { timeoutMs: 50, retryPolicy: { ...fast, maxAttempts: 2 } });
      await expect(new EquityClient(r).minuteBars('SPY', DAY, DAY)).rejects.toMatchObject({ code: 'RETRIES_EXHAUSTED', cause: { code: 'TIMEOUT' } });
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 30);
      await expect(new EquityClient(rest(sim)).minuteBars('SPY', DAY, DAY, stop.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      await sim.close();
    }
  });

  it.each([
    ['a refused connection', async () => new EquityClient(rest({ url: 'http://127.0.0.1:9' }, { retryPolicy: { ...fast, maxAttempts: 1 } })).minuteBars('SPY', DAY, DAY)],
    ['a truncated body', async () => {
      const sim = await createExchangeSim({ seed: 42, port: 0, faults: { truncatedRate: 1 } });
      try {
        return await new EquityClient(rest(sim, { retryPolicy: { ...fast, maxAttempts: 1 } })).minuteBars('SPY', DAY, DAY);
      } finally {
        await sim.close();
      }
    }],
  ])('never carries the API key in an error or its cause chain (%s)', async (_name, run) => {
    const err = await run().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RETRIES_EXHAUSTED' });
    expect(inspect(err, { depth: 20 })).not.toContain(KEY);
    expect(JSON.stringify(err)).not.toContain(KEY);
  });

  it('reports a missing opening price as NOT_FOUND on a closed day', async () => {
    const sim = await createExchangeSimOnce();
    await expect(new OptionsClient(rest(sim)).openingPrice('SPY', '2025-03-08')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

// One clean simulator shared by the failure tests as their reference answer.
let shared: ExchangeSim | undefined;
async function createExchangeSimOnce(): Promise<ExchangeSim> {
  shared ??= await createExchangeSim({ seed: 42, port: 0 });
  return shared;
}
afterAll(async () => {
  await shared?.close();
});
