import { readFileSync } from 'node:fs';
import { ManualClock } from '@spyglass/core';
import { openapiErrors } from './__test-support__/openapi-validator.js';
import { type ExchangeSim, createExchangeSim } from './exchange-sim-server.js';
import { SyntheticMarket } from './synthetic-market.js';

const market = new SyntheticMarket({ seed: 42 });
const contractsMock = JSON.parse(readFileSync(new URL('./__fixtures__/client-python-mock_v3-reference-options-contracts.json', import.meta.url), 'utf8')) as {
  results: Record<string, unknown>[];
};

async function get(sim: ExchangeSim, pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(pathAndQuery.startsWith('http') ? pathAndQuery : `${sim.url}${pathAndQuery}`, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

/** Follows `next_url` (appending the key, as the real clients do) and returns every page. */
async function allPages(sim: ExchangeSim, first: string): Promise<any[]> {
  const pages: any[] = [];
  let url: string | undefined = `${sim.url}${first}`;
  while (url) {
    const { status, body } = await get(sim, url);
    expect(status).toBe(200);
    pages.push(body);
    url = body.next_url === undefined ? undefined : `${body.next_url}&apiKey=k`;
  }
  return pages;
}

describe('REST endpoints against the OpenAPI specification', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, market, port: 0, clock: new ManualClock(Date.UTC(2025, 2, 5, 15)) });
  });
  afterAll(() => sim.close());

  const open = market.stockBars('SPY', '2025-03-04')[0]!.o;
  const call = market
    .optionContracts('2025-03-04', { expirationDate: '2025-03-04', contractType: 'call' })
    .reduce((a, b) => (Math.abs(b.strike - open) < Math.abs(a.strike - open) ? b : a)).ticker;
  it.each([
    ['stock minute aggregates', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04', '/v2/aggs/ticker/{stocksTicker}/range/{multiplier}/{timespan}/{from}/{to}'],
    ['stock 5-minute aggregates', '/v2/aggs/ticker/SPY/range/5/minute/2025-03-03/2025-03-04?sort=desc&limit=50', '/v2/aggs/ticker/{stocksTicker}/range/{multiplier}/{timespan}/{from}/{to}'],
    ['stock daily aggregates', '/v2/aggs/ticker/SPY/range/1/day/2025-02-01/2025-03-04', '/v2/aggs/ticker/{stocksTicker}/range/{multiplier}/{timespan}/{from}/{to}'],
    ['unknown stock (empty)', '/v2/aggs/ticker/ZZZZ/range/1/minute/2025-03-04/2025-03-04', '/v2/aggs/ticker/{stocksTicker}/range/{multiplier}/{timespan}/{from}/{to}'],
    ['option aggregates', `/v2/aggs/ticker/${call}/range/1/minute/2025-03-03/2025-03-04`, '/v2/aggs/ticker/{optionsTicker}/range/{multiplier}/{timespan}/{from}/{to}'],
    ['index aggregates', '/v2/aggs/ticker/I:VIX/range/1/hour/2025-03-04/2025-03-04', '/v2/aggs/ticker/{indicesTicker}/range/{multiplier}/{timespan}/{from}/{to}'],
    ['option contracts', '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-03-04&limit=50', '/v3/reference/options/contracts'],
    ['stock open-close', '/v1/open-close/SPY/2025-03-04', '/v1/open-close/{stocksTicker}/{date}'],
    ['option open-close', `/v1/open-close/${call}/2025-03-04`, '/v1/open-close/{optionsTicker}/{date}'],
    ['index open-close', '/v1/open-close/I:VIX/2025-03-04', '/v1/open-close/{indicesTicker}/{date}'],
    ['news', '/v2/reference/news?ticker=SPY&published_utc.gte=2025-03-01&published_utc.lte=2025-03-05&limit=20', '/v2/reference/news'],
  ])('%s validates against the spec', async (_name, path, template) => {
    const { status, body } = await get(sim, `${path}${path.includes('?') ? '&' : '?'}apiKey=k`);
    expect(status).toBe(200);
    expect(openapiErrors(template, body)).toEqual([]);
    expect(body.status).toBe('OK');
    // The real open-close body has no request_id; every other envelope has one.
    if (!template.startsWith('/v1/open-close')) expect(typeof body.request_id).toBe('string');
  });

  it('serves minute bars as the market generated them, with the real envelope', async () => {
    const { body } = await get(sim, '/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?apiKey=k');
    expect(body).toMatchObject({ ticker: 'SPY', adjusted: true, queryCount: 390, resultsCount: 390 });
    expect(body.results).toEqual(market.stockBars('SPY', '2025-03-04'));
    expect(body.next_url).toBeUndefined();
  });

  it('rolls minutes up into daily bars at New York midnight and index bars without volume', async () => {
    const day = (await get(sim, '/v2/aggs/ticker/SPY/range/1/day/2025-03-04/2025-03-04?apiKey=k')).body.results[0];
    const minutes = market.stockBars('SPY', '2025-03-04');
    expect(day).toMatchObject({ t: Date.UTC(2025, 2, 4, 5), o: minutes[0]!.o, c: minutes.at(-1)!.c, v: minutes.reduce((s, b) => s + b.v, 0) });
    const vix = (await get(sim, '/v2/aggs/ticker/I:VIX/range/1/minute/2025-03-04/2025-03-04?apiKey=k')).body;
    expect(Object.keys(vix.results[0]).sort()).toEqual(['c', 'h', 'l', 'o', 't']);
    expect(vix.adjusted).toBeUndefined();
  });

  it('returns contract results with the fields of a real listing page', async () => {
    const { body } = await get(sim, '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-03-04&contract_type=put&strike_price.gte=535&strike_price.lte=545&expiration_date=2025-03-05&apiKey=k');
    expect(body.results.length).toBeGreaterThan(5);
    for (const c of body.results) {
      expect(Object.keys(c).sort()).toEqual(Object.keys(contractsMock.results[0]!).sort());
      expect(c).toMatchObject({ contract_type: 'put', expiration_date: '2025-03-05', underlying_ticker: 'SPY' });
      expect(c.strike_price).toBeGreaterThanOrEqual(535);
      expect(c.strike_price).toBeLessThanOrEqual(545);
    }
  });

  it('answers 404 NOT_FOUND for open-close on a closed day', async () => {
    const { status, body } = await get(sim, '/v1/open-close/SPY/2025-03-08?apiKey=k');
    expect(status).toBe(404);
    expect(body.status).toBe('NOT_FOUND');
  });
});

describe('pagination through absolute next_url without the key', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    // After 2025 has ended: the simulator serves nothing from the future of its clock.
    sim = await createExchangeSim({ seed: 42, market, port: 0, clock: new ManualClock(Date.UTC(2026, 0, 5, 15)) });
  });
  afterAll(() => sim.close());

  it.each(['asc', 'desc'])('aggregates %s: pages in order, nothing lost or duplicated', async (sort) => {
    const pages = await allPages(sim, `/v2/aggs/ticker/SPY/range/1/minute/2025-03-03/2025-03-05?sort=${sort}&limit=1000&apiKey=k`);
    expect(pages).toHaveLength(2);
    expect(pages[0].next_url.startsWith(`${sim.url}/v2/aggs/ticker/SPY/range/1/minute/`)).toBe(true);
    expect(pages[0].next_url).not.toContain('apiKey');
    const ts = pages.flatMap((p) => p.results.map((b: { t: number }) => b.t));
    const expected = ['2025-03-03', '2025-03-04', '2025-03-05'].flatMap((d) => market.stockBars('SPY', d).map((b) => b.t));
    expect(ts).toEqual(sort === 'asc' ? expected : expected.reverse());
  });

  it('caps limit at 50,000', async () => {
    const { body } = await get(sim, '/v2/aggs/ticker/SPY/range/1/minute/2025-01-01/2025-12-31?limit=60000&apiKey=k');
    expect(body.resultsCount).toBe(50_000);
    expect(body.next_url).toBeDefined();
  });

  it('option contracts: every contract once, in ticker order', async () => {
    const pages = await allPages(sim, '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-03-04&limit=100&apiKey=k');
    const tickers = pages.flatMap((p) => p.results.map((c: { ticker: string }) => c.ticker));
    expect(pages.length).toBeGreaterThan(2);
    expect(tickers).toEqual(market.optionContracts('2025-03-04').map((c) => c.ticker));
  });

  it('news: date filters as on the wire, newest first, every article once', async () => {
    const pages = await allPages(sim, '/v2/reference/news?ticker=SPY&published_utc.gte=2025-02-01T00:00:00Z&published_utc.lte=2025-03-01T00:00:00Z&limit=7&apiKey=k');
    const got = pages.flatMap((p) => p.results);
    const expected = market.news(Date.UTC(2025, 1, 1), Date.UTC(2025, 2, 1)).filter((a) => a.tickers.includes('SPY')).reverse();
    expect(pages.length).toBeGreaterThan(2);
    expect(got.map((a: { id: string }) => a.id)).toEqual(expected.map((a) => a.id));
    expect(got[0].insights[0]).toEqual({ ticker: expected[0]!.insights[0]!.ticker, sentiment: expected[0]!.insights[0]!.sentiment, sentiment_reasoning: expected[0]!.insights[0]!.sentimentReasoning });
  });
});

describe('like the real API: nothing from the future, expired contracts on request', () => {
  let sim: ExchangeSim;
  // Tuesday 2025-03-04, 10:00 New York: the session is 30 minutes old.
  const now = Date.UTC(2025, 2, 4, 15, 0);
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, market, port: 0, clock: new ManualClock(now) });
  });
  afterAll(() => sim.close());

  it.each([
    ['minute bars of today: only the minutes that have ended', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04', 30],
    ['minute bars of tomorrow: none', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-05/2025-03-05', 0],
    ['a range reaching into the future: up to now', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-03/2025-03-07', 390 + 30],
    ['option bars of tomorrow: none', `/v2/aggs/ticker/${market.optionContracts('2025-03-04', { expirationDate: '2025-03-05' })[0]!.ticker}/range/1/minute/2025-03-05/2025-03-05`, 0],
  ])('%s', async (_name, path, count) => {
    const { status, body } = await get(sim, `${path}?apiKey=k`);
    expect(status).toBe(200);
    expect(body.resultsCount).toBe(count);
    for (const b of body.results ?? []) expect(b.t + 60_000).toBeLessThanOrEqual(now);
  });

  it.each(['2025-03-04', '2025-03-05'])('open-close of %s (not over yet) is 404 NOT_FOUND', async (date) => {
    const { status, body } = await get(sim, `/v1/open-close/SPY/${date}?apiKey=k`);
    expect(status).toBe(404);
    expect(body.status).toBe('NOT_FOUND');
    expect((await get(sim, '/v1/open-close/SPY/2025-03-03?apiKey=k')).status).toBe(200);
  });

  it('news: nothing published after the clock, even when the range asks for the future', async () => {
    const all = (await allPages(sim, '/v2/reference/news?ticker=SPY&published_utc.gte=2025-03-03&published_utc.lte=2025-03-10&order=asc&limit=1000&apiKey=k')).flatMap((p) => p.results);
    const published = all.map((a: { published_utc: string }) => Date.parse(a.published_utc));
    expect(published.length).toBeGreaterThan(0);
    expect(Math.max(...published)).toBeLessThanOrEqual(now);
    expect(market.news(now + 1, Date.UTC(2025, 2, 10)).length).toBeGreaterThan(0); // the future has news the clock must hide
  });

  it('expired=true lists the contracts that expired before as_of; the default lists the live ones', async () => {
    const expired = (await allPages(sim, '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-03-04&expired=true&expiration_date.gte=2025-02-27&limit=1000&apiKey=k')).flatMap((p) => p.results);
    const expirations = new Set(expired.map((c: { expiration_date: string }) => c.expiration_date));
    expect([...expirations].sort()).toEqual(['2025-02-27', '2025-02-28', '2025-03-03']);
    expect(expired.length).toBe(['2025-02-27', '2025-02-28', '2025-03-03'].reduce((n, d) => n + market.optionContracts(d, { expirationDate: d }).length, 0));
    const live = (await allPages(sim, '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-03-04&limit=1000&apiKey=k')).flatMap((p) => p.results);
    expect(live.every((c: { expiration_date: string }) => c.expiration_date >= '2025-03-04')).toBe(true);
    expect((await get(sim, '/v3/reference/options/contracts?underlying_ticker=SPY&expired=maybe&apiKey=k')).status).toBe(400);
  });
});

describe('bad parameters get 400 like the real API, never a 500 or a guess', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, market, port: 0, clock: new ManualClock(Date.UTC(2026, 0, 5)) });
  });
  afterAll(() => sim.close());

  it.each([
    ['aggregates from an impossible month', '/v2/aggs/ticker/SPY/range/1/minute/2025-99-01/2025-03-01'],
    ['aggregates to an impossible day', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-01/2025-02-30'],
    ['open-close of month 13', '/v1/open-close/SPY/2025-13-01'],
    ['contracts as of an impossible date', '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-02-31'],
    ['aggregates limit=-5', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-03/2025-03-03?limit=-5'],
    ['aggregates limit=0', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-03/2025-03-03?limit=0'],
    ['aggregates limit=abc', '/v2/aggs/ticker/SPY/range/1/minute/2025-03-03/2025-03-03?limit=abc'],
    ['contracts limit=-5', '/v3/reference/options/contracts?underlying_ticker=SPY&as_of=2025-03-04&limit=-5'],
    ['news limit=-5', '/v2/reference/news?ticker=SPY&limit=-5'],
  ])('%s → 400', async (_name, path) => {
    const { status, body } = await get(sim, `${path}${path.includes('?') ? '&' : '?'}apiKey=k`);
    expect(status).toBe(400);
    expect(body.status).toBe('ERROR');
  });
});

describe('authentication, entitlements and the rate limit', () => {
  let sim: ExchangeSim;
  const clock = new ManualClock(Date.UTC(2025, 2, 5, 15));
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, market, port: 0, clock, apiKeys: ['good', 'stocks-only', 'limited'], entitlements: { 'stocks-only': ['stocks'] } });
  });
  afterAll(() => sim.close());
  const path = '/v1/open-close/SPY/2025-03-04';

  it.each([
    ['no key', 401, '', undefined, { status: 'ERROR', error: 'API Key was not provided' }],
    ['an unknown key', 401, '?apiKey=nope', undefined, { status: 'ERROR', error: 'Unknown API Key' }],
    ['a Bearer header', 200, '', { Authorization: 'Bearer good' }, { status: 'OK', symbol: 'SPY' }],
    ['a key not entitled to options', 403, '?apiKey=stocks-only', undefined, { status: 'NOT_AUTHORIZED', message: expect.stringContaining('not entitled') }],
  ])('%s → %i', async (_name, status, query, headers, body) => {
    const target = status === 403 ? '/v1/open-close/O:SPY250304C00540000/2025-03-04' : path;
    const res = await get(sim, `${target}${query}`, headers ? { headers } : undefined);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(body);
  });

  it('answers 429 past the per-minute limit and recovers in the next minute', async () => {
    const limited = await createExchangeSim({ seed: 42, market, port: 0, clock, rateLimitPerMinute: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await get(limited, `${path}?apiKey=limited`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const body = (await get(limited, `${path}?apiKey=limited`)).body;
      expect(body).toMatchObject({ status: 'ERROR', error: expect.stringContaining('exceeded the maximum requests per minute') });
      expect((await get(limited, `${path}?apiKey=other`)).status).toBe(200);
      await clock.advance(60_000);
      expect((await get(limited, `${path}?apiKey=limited`)).status).toBe(200);
      expect(limited.stats().statuses['429']).toBe(3);
    } finally {
      await limited.close();
    }
  });
});

describe('fault injection', () => {
  const path = '/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?apiKey=k';

  async function outcomes(faults: Record<string, number>, n: number, faultSeed = 3): Promise<{ kinds: string[]; sim: ExchangeSim }> {
    const sim = await createExchangeSim({ seed: 42, market, port: 0, faults, faultSeed });
    const kinds: string[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const res = await fetch(`${sim.url}${path}`);
        const text = await res.text();
        try {
          JSON.parse(text);
          kinds.push(String(res.status));
        } catch {
          kinds.push('bad-json');
        }
      } catch {
        kinds.push('network');
      }
    }
    return { kinds, sim };
  }

  it.each([
    ['rate429', { rate429: 0.5 }, '429', 'rate429'],
    ['rate5xx', { rate5xx: 0.5 }, '5xx', 'server5xx'],
    ['truncatedRate', { truncatedRate: 0.5 }, 'network|bad-json', 'truncated'],
    ['invalidJsonRate', { invalidJsonRate: 0.5 }, 'bad-json', 'invalidJson'],
    ['resetRate', { resetRate: 0.5 }, 'network', 'reset'],
  ])('%s is observable by a plain client and counted', async (_name, faults, expected, kind) => {
    const { kinds, sim } = await outcomes(faults, 16);
    try {
      const faulty = kinds.filter((k) => (expected === '5xx' ? /^5\d\d$/.test(k) : new RegExp(`^(${expected})$`).test(k)));
      expect(faulty.length).toBe(sim.stats().faults[kind as 'rate429']);
      expect(faulty.length).toBeGreaterThan(2);
      expect(kinds.filter((k) => k === '200').length).toBe(16 - faulty.length);
    } finally {
      await sim.close();
    }
  });

  it('delays responses with slowRate/slowMs', async () => {
    const sim = await createExchangeSim({ seed: 42, market, port: 0, faults: { slowRate: 1, slowMs: 150 } });
    try {
      const started = performance.now();
      expect((await fetch(`${sim.url}${path}`)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(sim.stats().faults.slow).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('is deterministic per faultSeed', async () => {
    const a = await outcomes({ rate429: 0.3, rate5xx: 0.2 }, 12, 9);
    const b = await outcomes({ rate429: 0.3, rate5xx: 0.2 }, 12, 9);
    await Promise.all([a.sim.close(), b.sim.close()]);
    expect(a.kinds).toEqual(b.kinds);
  });
});
