import { nyseCalendar } from '@spyglass/core';
import { INCREMENTAL_FEATURE_COLUMNS, SessionFeatureEngine, type OptionBarInput, type SolvedGreeks } from './index.js';

// One session of deterministic bars: the underlying drifts and wiggles, the option prices follow
// it (some bars below intrinsic, so the solve fails on them and their IV is NaN).
const date = '2025-03-04';
const s = nyseCalendar.session(date)!;
const session = { date, openMs: s.open, closeMs: s.close };
const settings = { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 };
const MINUTE = 60_000;
const col = (name: string) => (INCREMENTAL_FEATURE_COLUMNS as readonly string[]).indexOf(name);
const GREEKS = ['iv', 'delta', 'gamma', 'theta', 'vega'] as const;

const contracts: { ticker: string; expiration: string; strike: number; contractType: string }[] = [
  { ticker: 'O:SPY250304C00601000', expiration: '2025-03-04', strike: 601, contractType: 'call' },
  { ticker: 'O:SPY250304P00598000', expiration: '2025-03-04', strike: 598, contractType: 'put' },
  { ticker: 'O:SPY250305C00605000', expiration: '2025-03-05', strike: 605, contractType: 'call' },
  // no time left: the engine neither solves nor takes given values
  { ticker: 'O:SPY250303C00600000', expiration: '2025-03-03', strike: 600, contractType: 'call' },
  // unknown type: same
  { ticker: 'O:SPY250304X00600000', expiration: '2025-03-04', strike: 600, contractType: '' },
];

function* minutes(): Generator<{ spot: number; bar: (typeof contracts)[number] & { t: number } & Record<'open' | 'high' | 'low' | 'close' | 'volume', number> }> {
  for (let m = 0; m < 120; m++) {
    const t = s.open + m * MINUTE;
    const spot = 600 + Math.sin(m / 7) * 2 + m * 0.01;
    for (const [k, c] of contracts.entries()) {
      const intrinsic = Math.max(0, c.contractType === 'put' ? c.strike - spot : spot - c.strike);
      const close = Math.max(0.01, intrinsic + 0.9 + 0.3 * Math.cos((m + k) / 5) - (m % 17 === 0 ? 1.5 : 0));
      yield { spot, bar: { ...c, t, open: close * 0.99, high: close * 1.02, low: close * 0.97, close, volume: 10 + ((m * 7 + k) % 40) } };
    }
  }
}

/** Feeds the session, solving inside the engine or taking `given(bar, solvedByEngine)`; returns the rows. */
function run(given?: (row: Float64Array) => SolvedGreeks): Float64Array[] {
  const engine = new SessionFeatureEngine(session, settings);
  const solver = new SessionFeatureEngine(session, settings);
  const rows: Float64Array[] = [];
  let lastSpot = -1;
  for (const { spot, bar } of minutes()) {
    if (bar.t !== lastSpot) {
      const u = { timestamp: bar.t, open: spot - 0.1, high: spot + 0.2, low: spot - 0.3, close: spot, volume: 100_000, vwap: spot };
      engine.addUnderlyingBar(u);
      solver.addUnderlyingBar(u);
      lastSpot = bar.t;
    }
    const input: OptionBarInput = { ticker: bar.ticker, timestamp: bar.t, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume, expiration: bar.expiration, strike: bar.strike, contractType: bar.contractType };
    const out = new Float64Array(INCREMENTAL_FEATURE_COLUMNS.length);
    if (given === undefined) expect(engine.addOptionBar(input, out)).toBe('applied');
    else {
      const own = new Float64Array(out.length);
      solver.addOptionBar(input, own);
      expect(engine.addOptionBar(input, out, given(own))).toBe('applied');
    }
    rows.push(out);
  }
  return rows;
}

const fromRow = (row: Float64Array): SolvedGreeks => ({ iv: row[col('iv')]!, delta: row[col('delta')]!, gamma: row[col('gamma')]!, theta: row[col('theta')]!, vega: row[col('vega')]! });

describe('SessionFeatureEngine.addOptionBar with solved greeks', () => {
  const solvedInside = run();

  it('solves some bars and leaves others without IV (the fixture covers both)', () => {
    const ivs = solvedInside.map((r) => r[col('iv')]!);
    expect(ivs.filter((v) => Number.isFinite(v)).length).toBeGreaterThan(100);
    expect(ivs.filter((v) => Number.isNaN(v)).length).toBeGreaterThan(100);
  });

  it('writes bit for bit the rows it writes when it solves, given the values its own solve gives', () => {
    const taken = run(fromRow);
    expect(taken.length).toBe(solvedInside.length);
    for (let r = 0; r < taken.length; r++) {
      for (let k = 0; k < taken[r]!.length; k++) {
        if (!Object.is(taken[r]![k], solvedInside[r]![k])) throw new Error(`row ${r} ${INCREMENTAL_FEATURE_COLUMNS[k]}: ${taken[r]![k]} vs ${solvedInside[r]![k]}`);
      }
    }
  });

  it.each([
    ['no time left', 'O:SPY250303C00600000'],
    ['an unknown contract type', 'O:SPY250304X00600000'],
  ])('ignores given values on a bar with %s (no IV, as without them)', (_why, ticker) => {
    const bogus: SolvedGreeks = { iv: 0.2, delta: 0.5, gamma: 0.1, theta: -1, vega: 0.3 };
    const rows = run(() => bogus);
    const own = contracts.findIndex((c) => c.ticker === ticker);
    for (let r = own; r < rows.length; r += contracts.length) {
      for (const g of GREEKS) expect(rows[r]![col(g)]).toBeNaN();
      expect(rows[r]![col('iv_ok')]).toBe(0);
    }
  });

  it('takes given values as they are where it would solve', () => {
    const bogus: SolvedGreeks = { iv: 0.2, delta: 0.5, gamma: 0.1, theta: -1, vega: 0.3 };
    const rows = run(() => bogus);
    expect(rows[0]![col('iv')]).toBe(0.2);
    expect(rows[0]![col('theta')]).toBe(-1);
  });
});
