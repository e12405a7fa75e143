import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { InstantClock } from '../__test-support__/instant-clock.js';
import { MassiveRest } from '../rest/massive-rest.js';
import { OptionsClient } from '../rest/options-client.js';
import { ContractSelector } from './contract-selector.js';
import { computeStrikes } from './strikes.js';

describe('ContractSelector in PROD mode against the simulator', () => {
  let sim: ExchangeSim;
  let options: OptionsClient;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 7, port: 0 });
    options = new OptionsClient(new MassiveRest({ apiKey: 'prod-mode-key-000', restBaseUrl: sim.url, clock: new InstantClock() }));
  });
  afterAll(() => sim.close());

  it.each([
    ['2025-03-04', 'same_day', '2025-03-04'],
    ['2025-03-07', 'next_trading_day', '2025-03-10'],
  ] as const)('on %s (%s) takes the listed contracts nearest the opening', async (date, expiry, expiration) => {
    const { price } = await options.openingPrice('SPY', date);
    const selector = new ContractSelector({ mode: 'prod', lister: options, params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry } });
    const sel = await selector.select(date, price);
    expect(sel.expiration).toBe(expiration);
    expect(sel.shortfall).toEqual({ calls: 0, puts: 0 });
    expect(sel.calls).toHaveLength(2);
    expect(sel.puts).toHaveLength(2);
    expect(sel.calls.every((c) => c.contractType === 'call' && c.strike > price && c.expiration === expiration)).toBe(true);
    expect(sel.puts.every((c) => c.contractType === 'put' && c.strike <= price && c.expiration === expiration)).toBe(true);
    // Nearest: nothing listed lies between the opening and the chosen strikes.
    const listing = await options.contracts({ underlying: 'SPY', expiration, asOf: date, strikeGte: price - 10, strikeLte: price + 10 });
    const callStrikes = listing.records.filter((c) => c.contractType === 'call' && c.strike > price).map((c) => c.strike).sort((a, b) => a - b);
    const putStrikes = listing.records.filter((c) => c.contractType === 'put' && c.strike <= price).map((c) => c.strike).sort((a, b) => b - a);
    expect(sel.calls.map((c) => c.strike)).toEqual(callStrikes.slice(0, 2));
    expect(sel.puts.map((c) => c.strike)).toEqual(putStrikes.slice(0, 2));
    // The simulator lists every $1, as SPY does, so the nearest listed strikes are the computed targets.
    const targets = computeStrikes({ opening: price, nCalls: 2, nPuts: 2, increment: 1 });
    expect(sel.calls.map((c) => c.strike)).toEqual(targets.calls);
    expect(sel.puts.map((c) => c.strike)).toEqual(targets.puts);
  });

  it('widens to the ±range discovery when the grid is coarser than the increment, and reports a shortfall honestly', async () => {
    const date = '2025-03-04';
    const { price } = await options.openingPrice('SPY', date);
    const selector = new ContractSelector({ mode: 'prod', lister: options, discoveryRange: 0.005, params: { underlying: 'SPY', increment: 0.1, nCalls: 3, nPuts: 400, expiry: 'same_day' } });
    const sel = await selector.select(date, price);
    expect(sel.calls).toHaveLength(3);
    expect(sel.calls[0].strike).toBeGreaterThan(price);
    expect(sel.puts.length).toBeLessThan(400);
    expect(sel.shortfall.puts).toBe(400 - sel.puts.length);
  });

  it('discovery mode lists every contract within ±range % of the opening', async () => {
    const date = '2025-03-04';
    const { price } = await options.openingPrice('SPY', date);
    const selector = new ContractSelector({ mode: 'prod', lister: options, params: { underlying: 'SPY', increment: 0.5, nCalls: 1, nPuts: 1, expiry: 'same_day' } });
    const { records } = await selector.discover(date, price, 0.01);
    expect(records.length).toBeGreaterThan(10);
    expect(records.every((c) => Math.abs(c.strike - price) <= price * 0.01 + 0.01)).toBe(true);
    expect(new Set(records.map((c) => c.contractType))).toEqual(new Set(['call', 'put']));
  });
});

describe('ContractSelector in TEST mode with a lister, against the simulator', () => {
  let sim: ExchangeSim;
  let options: OptionsClient;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 7, port: 0 });
    options = new OptionsClient(new MassiveRest({ apiKey: 'test-mode-key-000', restBaseUrl: sim.url, clock: new InstantClock() }));
  });
  afterAll(() => sim.close());

  it('keeps only listed contracts (each with bars) and names the built tickers the chain does not list', async () => {
    const date = '2025-03-04';
    const { price } = await options.openingPrice('SPY', date);
    // $0.50 strikes far from the money are not listed (the chain is $1 apart there).
    const params = { underlying: 'SPY', increment: 0.5, nCalls: 12, nPuts: 12, expiry: 'same_day' } as const;
    const sel = await new ContractSelector({ mode: 'test', lister: options, params }).select(date, price);
    const targets = computeStrikes({ opening: price, nCalls: 12, nPuts: 12, increment: 0.5 });
    const listed = new Set((await options.contracts({ underlying: 'SPY', expiration: date, asOf: date })).records.map((c) => c.ticker));
    expect(sel.unlisted.length).toBeGreaterThan(0);
    expect(sel.unlisted.every((t) => !listed.has(t))).toBe(true);
    expect([...sel.calls, ...sel.puts].every((c) => listed.has(c.ticker))).toBe(true);
    expect(sel.calls.length + sel.puts.length + sel.unlisted.length).toBe(targets.calls.length + targets.puts.length);
    expect(sel.shortfall).toEqual({ calls: 12 - sel.calls.length, puts: 12 - sel.puts.length });
    for (const c of [...sel.calls, ...sel.puts]) expect((await options.minuteBars(c.ticker, date, date)).records.length).toBeGreaterThan(0);
    for (const t of sel.unlisted) expect((await options.minuteBars(t, date, date)).records).toEqual([]);
  });

  it('without a lister makes no request and checks nothing (offline test mode)', async () => {
    const sel = await new ContractSelector({ mode: 'test', params: { underlying: 'SPY', increment: 0.5, nCalls: 2, nPuts: 2, expiry: 'same_day' } }).select('2025-03-04', 593.88);
    expect(sel.unlisted).toEqual([]);
    expect(sel.calls).toHaveLength(2);
  });
});
