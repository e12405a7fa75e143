import { readFileSync } from 'node:fs';
import { ManualClock } from '@spyglass/core';
import WebSocket from 'ws';
import { type ExchangeSim, createExchangeSim } from './exchange-sim-server.js';
import { SyntheticMarket } from './synthetic-market.js';

const market = new SyntheticMarket({ seed: 42 });
const examples = JSON.parse(readFileSync(new URL('./__fixtures__/openapi-example_websocket-messages.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const DATE = '2025-03-04';

type Event = Record<string, any>;

/** A plain ws client that records every event and can wait for one. */
class Client {
  readonly events: Event[] = [];
  readonly frames: string[] = [];
  closed = false;
  error: Error | null = null;
  private waiters: Array<() => void> = [];
  readonly ws: WebSocket;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      this.frames.push(String(data));
      this.events.push(...(JSON.parse(String(data)) as Event[]));
      this.wake();
    });
    this.ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.ws.on('error', (e) => {
      this.error = e;
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async until(test: (c: Client) => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this)) {
      if (Date.now() > deadline) throw new Error(`timed out; events: ${JSON.stringify(this.events.slice(-5))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  status(s: string): Event[] {
    return this.events.filter((e) => e.ev === 'status' && e.status === s);
  }

  bars(sym?: string): Event[] {
    return this.events.filter((e) => e.ev === 'AM' && (sym === undefined || e.sym === sym));
  }
}

async function authed(sim: ExchangeSim, cluster: string, key = 'k'): Promise<Client> {
  const c = new Client(`${sim.wsUrl}/${cluster}`);
  await c.until((x) => x.status('connected').length === 1);
  c.send({ action: 'auth', params: key });
  await c.until((x) => x.status('auth_success').length + x.status('auth_failed').length + x.status('max_connections').length > 0);
  return c;
}

describe('WebSocket protocol', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 42, market, port: 0, speed: 0, sessionDate: DATE, apiKeys: ['k', 'k2'], maxConnections: 1 });
  });
  afterAll(() => sim.close());

  it('connected → auth_success → subscribe → success, then the whole session of AM.SPY with the real fields', async () => {
    const c = await authed(sim, 'stocks');
    expect(c.events.slice(0, 2)).toEqual([
      { ev: 'status', status: 'connected', message: 'Connected Successfully' },
      { ev: 'status', status: 'auth_success', message: 'authenticated' },
    ]);
    c.send({ action: 'subscribe', params: 'AM.SPY' });
    // 390 messages as fast as the server can send: seconds on a machine shared with other suites.
    await c.until((x) => x.bars().length === 390 || x.closed, 30_000).finally(() => c.ws.close());
    expect(c.status('success')).toEqual([{ ev: 'status', status: 'success', message: 'subscribed to: AM.SPY' }]);
    const bars = c.bars('SPY');
    const expected = market.stockBars('SPY', DATE);
    expect(bars.map((b) => [b.s, b.o, b.h, b.l, b.c, b.v])).toEqual(expected.map((b) => [b.t, b.o, b.h, b.l, b.c, b.v]));
    expect(Object.keys(bars[0]!).sort()).toEqual(Object.keys(examples['/stocks/AM']!).sort());
    expect(bars.at(-1)).toMatchObject({ op: expected[0]!.o, av: expected.reduce((s, b) => s + b.v, 0), e: expected.at(-1)!.t + 60_000 });
  }, 40_000);

  it('streams I:VIX on /indices without volume fields', async () => {
    const c = await authed(sim, 'indices');
    c.send({ action: 'subscribe', params: 'AM.I:VIX' });
    await c.until((x) => x.bars().length === 390);
    expect(Object.keys(c.bars()[0]!).sort()).toEqual(Object.keys(examples['/indices/AM']!).sort());
    expect(c.bars().map((b) => b.c)).toEqual(market.indexBars('I:VIX', DATE).map((b) => b.c));
    c.ws.close();
  });

  it('streams every traded contract on /options with AM.*, and only what is subscribed', async () => {
    const c = await authed(sim, 'options');
    const [first] = market.optionContracts(DATE, { expirationDate: DATE }).filter((k) => market.optionBars(k.ticker, DATE).length > 100);
    c.send({ action: 'subscribe', params: `AM.${first!.ticker}` });
    const expected = market.optionBars(first!.ticker, DATE);
    await c.until((x) => x.bars().length === expected.length);
    expect(new Set(c.bars().map((b) => b.sym))).toEqual(new Set([first!.ticker]));
    expect(Object.keys(c.bars()[0]!).sort()).toEqual(Object.keys(examples['/options/AM']!).sort());
    expect(c.bars().map((b) => b.c)).toEqual(expected.map((b) => b.c));
    c.ws.close();
  });

  it('answers unsubscribe and stops sending that channel', async () => {
    const c = await authed(sim, 'stocks', 'k2');
    c.send({ action: 'subscribe', params: 'AM.*' });
    await c.until((x) => x.bars().length >= 1);
    c.send({ action: 'unsubscribe', params: 'AM.*' });
    await c.until((x) => x.status('success').length === 2);
    expect(c.status('success')[1]).toEqual({ ev: 'status', status: 'success', message: 'unsubscribed to: AM.*' });
    const count = c.bars().length;
    await new Promise((r) => setTimeout(r, 100));
    expect(c.bars().length).toBeLessThanOrEqual(count + 1);
    expect(c.bars().length).toBeLessThan(390);
    c.ws.close();
  });

  it('sends auth_failed for a bad key and closes', async () => {
    const c = await authed(sim, 'stocks', 'bad');
    expect(c.status('auth_failed')).toEqual([{ ev: 'status', status: 'auth_failed', message: 'authentication failed' }]);
    await c.until((x) => x.closed);
  });

  it('enforces max_connections per key and cluster with the real status, then closes', async () => {
    const first = await authed(sim, 'stocks');
    const second = await authed(sim, 'stocks');
    expect(second.status('max_connections')).toHaveLength(1);
    expect(second.status('max_connections')[0]!.message).toContain('Maximum number of websocket connections exceeded');
    await second.until((x) => x.closed);
    // Another cluster, or the slot freed by a close, is fine.
    const other = await authed(sim, 'indices');
    expect(other.status('auth_success')).toHaveLength(1);
    first.ws.close();
    await first.until((x) => x.closed);
    // The client sees its close before the server has released the slot: retry briefly.
    let third = await authed(sim, 'stocks');
    for (let i = 0; i < 50 && third.status('auth_success').length === 0; i++) {
      await third.until((x) => x.closed);
      await new Promise((r) => setTimeout(r, 20));
      third = await authed(sim, 'stocks');
    }
    expect(third.status('auth_success')).toHaveLength(1);
    other.ws.close();
    third.ws.close();
  });

  it('rejects unknown paths', async () => {
    const c = new Client(`${sim.wsUrl}/crypto`);
    await c.until((x) => x.closed);
    expect(c.events).toEqual([]);
    expect(c.error?.message).toContain('404');
  });
});

describe('WebSocket replay pacing', () => {
  it('emits one minute per 60 s / speed of the injected clock', async () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 4, 14, 30));
    const sim = await createExchangeSim({ seed: 42, market, port: 0, speed: 10, sessionDate: DATE, clock });
    try {
      const c = await authed(sim, 'stocks');
      c.send({ action: 'subscribe', params: 'AM.SPY' });
      await c.until((x) => x.status('success').length === 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(c.bars()).toHaveLength(0);
      await clock.advance(6_000); // one minute at 10×
      await c.until((x) => x.bars().length === 1);
      await clock.advance(6_000 * 4);
      await c.until((x) => x.bars().length === 5);
      expect(c.bars().map((b) => b.s)).toEqual(market.stockBars('SPY', DATE).slice(0, 5).map((b) => b.t));
      c.ws.close();
    } finally {
      await sim.close();
    }
  });
});

describe('WebSocket faults', () => {
  async function run(faults: Record<string, number>): Promise<{ c: Client; sim: ExchangeSim }> {
    const sim = await createExchangeSim({ seed: 42, market, port: 0, speed: 0, sessionDate: DATE, faults, faultSeed: 5 });
    const c = await authed(sim, 'stocks');
    c.send({ action: 'subscribe', params: 'AM.SPY' });
    return { c, sim };
  }

  it('drops the connection after N data messages (wsDropAfter)', async () => {
    const { c, sim } = await run({ wsDropAfter: 25 });
    await c.until((x) => x.closed);
    expect(c.bars()).toHaveLength(25);
    expect(sim.stats().faults.wsDrop).toBe(1);
    await sim.close();
  });

  it('drops the connection mid-session at a per-message rate (wsDropRate)', async () => {
    const { c, sim } = await run({ wsDropRate: 0.02 });
    await c.until((x) => x.closed);
    expect(c.bars().length).toBeGreaterThan(0);
    expect(c.bars().length).toBeLessThan(390);
    await sim.close();
  });

  it.each([
    ['wsDuplicateRate', 'wsDuplicate'],
    ['wsOutOfOrderRate', 'wsOutOfOrder'],
  ])('%s duplicates or reorders messages, observably and counted', async (option, kind) => {
    const { c, sim } = await run({ [option]: 0.1 });
    const injected = () => sim.stats().faults[kind as 'wsDuplicate'];
    await c.until((x) => new Set(x.bars().map((b) => b.s)).size === 390);
    await new Promise((r) => setTimeout(r, 20));
    const starts = c.bars().map((b) => b.s as number);
    if (kind === 'wsDuplicate') expect(starts.length - 390).toBe(injected());
    else {
      expect(starts).toHaveLength(390);
      const inversions = starts.filter((s, i) => i > 0 && s < starts[i - 1]!).length;
      expect(inversions).toBe(injected());
    }
    expect(injected()).toBeGreaterThan(10);
    c.ws.close();
    await sim.close();
  });
});
