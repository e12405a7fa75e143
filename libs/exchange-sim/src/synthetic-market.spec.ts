import { readFileSync } from 'node:fs';
import { nyseCalendar } from '@spyglass/core';
import { bsPrice } from '@spyglass/features';
import { parseOccTicker } from '@spyglass/core';
import { SyntheticMarket } from './synthetic-market.js';

const market = new SyntheticMarket({ seed: 42 });
const isCents = (x: number): boolean => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;

describe('SyntheticMarket determinism', () => {
  it('gives identical bars for the same seed, generated in any order, and different bars for another seed', () => {
    const again = new SyntheticMarket({ seed: 42 });
    // Reach the later day first: days do not depend on what was generated before.
    const later = again.stockBars('SPY', '2025-03-05');
    expect(again.stockBars('SPY', '2025-03-04')).toEqual(market.stockBars('SPY', '2025-03-04'));
    expect(later).toEqual(market.stockBars('SPY', '2025-03-05'));
    const [c] = market.optionContracts('2025-03-04', { contractType: 'call', strikeGte: 560 });
    expect(again.optionBars(c!.ticker, '2025-03-04')).toEqual(market.optionBars(c!.ticker, '2025-03-04'));
    expect(again.news(Date.UTC(2025, 2, 3), Date.UTC(2025, 2, 6))).toEqual(market.news(Date.UTC(2025, 2, 3), Date.UTC(2025, 2, 6)));
    expect(new SyntheticMarket({ seed: 43 }).stockBars('SPY', '2025-03-04')).not.toEqual(market.stockBars('SPY', '2025-03-04'));
  });
});

describe('SPY and VIX minute bars', () => {
  it.each([
    ['2019-01-02', 390],
    ['2020-03-16', 390],
    ['2025-03-04', 390],
    ['2025-11-28', 210], // day after Thanksgiving: 13:00 close
    ['2027-12-31', 390],
  ])('%s has one bar per session minute (%i), from the open, cent-exact and consistent', (date, minutes) => {
    const session = nyseCalendar.session(date)!;
    const bars = market.stockBars('SPY', date);
    expect(bars).toHaveLength(minutes);
    expect(bars[0]!.t).toBe(session.open);
    expect(bars.at(-1)!.t).toBe(session.close - 60_000);
    for (const b of bars) {
      expect([b.o, b.h, b.l, b.c].every(isCents)).toBe(true);
      expect(b.l).toBeLessThanOrEqual(Math.min(b.o, b.c));
      expect(b.h).toBeGreaterThanOrEqual(Math.max(b.o, b.c));
      expect(b.vw).toBeGreaterThanOrEqual(b.l);
      expect(b.vw).toBeLessThanOrEqual(b.h);
      expect(Number.isInteger(b.v) && Number.isInteger(b.n) && b.n >= 1).toBe(true);
    }
    const vix = market.indexBars('I:VIX', date);
    expect(vix).toHaveLength(minutes);
    expect(Object.keys(vix[0]!).sort()).toEqual(['c', 'h', 'l', 'o', 't']);
  });

  it.each([
    ['2019-06-03', 200, 330],
    ['2022-06-01', 330, 560],
    ['2025-03-04', 450, 720],
  ])('trades at a realistic level on %s (between %i and %i)', (date, lo, hi) => {
    const c = market.stockBars('SPY', date)[0]!.o;
    expect(c).toBeGreaterThan(lo);
    expect(c).toBeLessThan(hi);
  });

  it('has no bars on weekends and holidays, nor for tickers it does not trade', () => {
    expect(market.stockBars('SPY', '2025-03-08')).toEqual([]);
    expect(market.stockBars('SPY', '2025-12-25')).toEqual([]);
    expect(market.stockBars('AAPL', '2025-03-04')).toEqual([]);
    expect(market.indexBars('I:SPX', '2025-03-04')).toEqual([]);
  });
});

describe('option chain', () => {
  // The SPY option tickers of the real API's specification (the fixtures hold no SPY chain): every
  // strike a whole dollar, as SPY's listings are ($1 minimum strike interval).
  const realSpyTickers = [...new Set(readFileSync(new URL('./__fixtures__/openapi.json', import.meta.url), 'utf8').match(/O:SPY\d{6}[CP]\d{8}/g))];

  it('lists 0DTE and 1DTE with strikes $1 apart and none between, like the real SPY tickers', () => {
    expect(realSpyTickers.length).toBeGreaterThanOrEqual(3);
    expect(realSpyTickers.map((t) => parseOccTicker(t).strike).filter((k) => !Number.isInteger(k))).toEqual([]);
    const contracts = market.optionContracts('2025-03-04');
    expect([...new Set(contracts.map((c) => c.expiration))]).toEqual(['2025-03-04', '2025-03-05']);
    for (const expiration of ['2025-03-04', '2025-03-05']) {
      const strikes = [...new Set(contracts.filter((c) => c.expiration === expiration).map((c) => c.strike))].sort((a, b) => a - b);
      const open = market.stockBars('SPY', '2025-03-04')[0]!.o;
      expect(strikes.filter((k) => !Number.isInteger(k))).toEqual([]);
      expect(strikes.every((k, i, a) => i === 0 || k - a[i - 1]! === 1)).toBe(true);
      // The money is inside the chain, with strikes on both sides of it.
      expect(strikes[0]!).toBeLessThan(open - 5);
      expect(strikes.at(-1)!).toBeGreaterThan(open + 5);
    }
    for (const c of contracts) expect(parseOccTicker(c.ticker)).toEqual({ underlying: 'SPY', expiration: c.expiration, contractType: c.contractType, strike: c.strike });
  });

  it('lists $0.5 strikes near the money only when asked (halfStrikeRange)', () => {
    const halves = new SyntheticMarket({ seed: 42, halfStrikeRange: 5 }).strikes('2025-03-04').filter((k) => !Number.isInteger(k));
    const open = market.stockBars('SPY', '2025-03-04')[0]!.o;
    expect(halves.length).toBeGreaterThan(5);
    expect(halves.every((k) => Math.abs(k - open) < 8)).toBe(true);
  });

  it('lists more expirations when configured', () => {
    const wide = new SyntheticMarket({ seed: 42, expirations: 4 });
    expect(wide.listedExpirations('2025-03-07')).toEqual(['2025-03-07', '2025-03-10', '2025-03-11', '2025-03-12']);
  });

  it('prices trades by Black-Scholes at the surface IV, within the spread, and trades far strikes rarely', () => {
    const date = '2025-03-04';
    const open = market.stockBars('SPY', date)[0]!.o;
    const contracts = market.optionContracts(date, { expirationDate: date, contractType: 'call' });
    const near = contracts.reduce((a, b) => (Math.abs(b.strike - open) < Math.abs(a.strike - open) ? b : a));
    const far = contracts.reduce((a, b) => (b.strike > a.strike ? b : a));
    const nearBars = market.optionBars(near.ticker, date);
    expect(nearBars.length).toBeGreaterThan(market.optionBars(far.ticker, date).length * 3);
    for (const bar of nearBars) {
      const q = market.optionQuote(near.ticker, bar.t)!;
      const theo = bsPrice({ type: 'call', spot: q.spot, strike: near.strike, years: q.years, rate: q.rate, dividendYield: q.dividendYield, vol: q.iv });
      expect(q.theo).toBeCloseTo(theo, 10);
      expect(Math.abs(bar.c - Math.max(0.01, theo))).toBeLessThanOrEqual(q.halfSpread + 0.005 + 1e-9);
      expect(bar.vw).toBeGreaterThanOrEqual(bar.l);
      expect(bar.vw).toBeLessThanOrEqual(bar.h);
    }
  });

  it('has no bars for a contract that is not listed that day', () => {
    expect(market.optionBars('O:SPY250306C00580000', '2025-03-04')).toEqual([]);
    expect(market.optionBars('O:SPY250304C09999000', '2025-03-04')).toEqual([]);
  });
});

describe('news', () => {
  it('publishes articles for SPY and related tickers with per-ticker insights, oldest first', () => {
    const articles = market.news(Date.UTC(2025, 2, 3), Date.UTC(2025, 2, 8));
    expect(articles.length).toBeGreaterThan(15);
    expect(articles.map((a) => a.publishedUtc)).toEqual([...articles.map((a) => a.publishedUtc)].sort((a, b) => a - b));
    for (const a of articles) {
      expect(a.insights.map((i) => i.ticker)).toEqual(a.tickers);
      expect(a.insights.every((i) => ['positive', 'neutral', 'negative'].includes(i.sentiment) && i.sentimentReasoning.length > 10)).toBe(true);
    }
    expect(new Set(articles.flatMap((a) => a.tickers)).size).toBeGreaterThan(4);
  });
});
