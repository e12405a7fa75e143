import { readFileSync } from 'node:fs';
import { bsGreeks, bsPrice, impliedVolatility, type OptionRight } from './index.js';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const MINUTE = 1 / (365 * 24 * 60);

describe('impliedVolatility round trip', () => {
  const expiries = [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 1 / 365, 7 / 365, 30 / 365, 1];
  const vols = [0.05, 0.2, 0.5, 1, 2.5, 4.99];
  const moneyness = [0.5, 0.8, 0.95, 0.999, 1, 1.001, 1.05, 1.2, 2];
  const cases = (['call', 'put'] as OptionRight[]).flatMap((type) =>
    expiries.flatMap((years) => vols.map((vol) => ({ type, years, vol }))),
  );

  it.each(cases)('$type T=$years y σ=$vol across strikes 50 %…200 % of spot', ({ type, years, vol }) => {
    let solved = 0;
    let solvedAtTheMoney = false;
    for (const k of moneyness) {
      const contract = { type, spot: 100, strike: 100 * k, years, rate: 0.05, dividendYield: 0.013 };
      const price = bsPrice({ ...contract, vol });
      const r = impliedVolatility({ ...contract, price });
      if (r.ok) {
        solved++;
        if (k === 1) solvedAtTheMoney = true;
        // The attainable accuracy is the price's rounding error divided by vega: deep ITM contracts
        // minutes from expiry carry almost no vol information in their price.
        const vegaRaw = bsGreeks({ ...contract, vol }).vega * 100;
        const attainable = (1e3 * Number.EPSILON * Math.max(price, 1)) / vegaRaw;
        expect(Math.abs(r.vol - vol)).toBeLessThanOrEqual(1e-7 * vol + attainable);
        expect(r.vol).toBeGreaterThan(0);
      } else {
        // A failure is only acceptable when the price holds no time value a vol could explain:
        // a 1 % vol change must not move it beyond rounding.
        expect(r.reason).toBe('BELOW_INTRINSIC');
        const moved = Math.abs(bsPrice({ ...contract, vol: vol * 1.01 }) - price);
        expect(moved).toBeLessThanOrEqual(1e-9 * Math.max(price, 1e-300));
      }
    }
    // The at-the-money strike always carries vol information, however close the expiry.
    expect(solvedAtTheMoney).toBe(true);
    expect(solved).toBeGreaterThanOrEqual(1);
  });

  it('converges in few iterations at the money minutes from expiry and at 500 % vol', () => {
    for (const [years, vol, strike] of [
      [MINUTE, 0.15, 601],
      [MINUTE, 4.99, 601],
      [1, 4.99, 601],
      [2 * MINUTE, 0.01, 600],
    ]) {
      const contract = { type: 'call' as const, spot: 600, strike, years, rate: 0.05, dividendYield: 0.013 };
      const r = impliedVolatility({ ...contract, price: bsPrice({ ...contract, vol }) });
      expect(r).toMatchObject({ ok: true });
      if (r.ok) {
        expect(r.vol).toBeCloseTo(vol, 8);
        expect(r.iterations).toBeLessThanOrEqual(20);
      }
    }
  });

  it('recovers 500 % exactly at the default upper bound and beyond it with a wider bound', () => {
    const contract = { type: 'call' as const, spot: 100, strike: 110, years: 30 / 365, rate: 0.05, dividendYield: 0 };
    const at5 = impliedVolatility({ ...contract, price: bsPrice({ ...contract, vol: 5 }) });
    expect(at5.ok && at5.vol).toBeCloseTo(5, 9);
    const at7 = { ...contract, price: bsPrice({ ...contract, vol: 7 }) };
    expect(impliedVolatility(at7)).toMatchObject({ ok: false, reason: 'ABOVE_UPPER_BOUND' });
    const wide = impliedVolatility({ ...at7, upperVol: 10 });
    expect(wide.ok && wide.vol).toBeCloseTo(7, 8);
  });
});

describe('impliedVolatility on random contracts far outside SPY ranges', () => {
  /** Seeded LCG, so a failure names a reproducible seed. */
  const lcg = (seed: number): (() => number) => {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return (s + 0.5) / 2 ** 32;
    };
  };

  it.each([1, 2, 3, 4])('seed %i: 5 000 contracts (spot 0.01…10 000, strikes e^±2, 1 min…2 y, rates −5…25 %, vol 1…499 %)', (seed) => {
    const rand = lcg(seed);
    let solved = 0;
    for (let k = 0; k < 5000; k++) {
      const spot = Math.exp(Math.log(0.01) + rand() * Math.log(1e6));
      const contract = {
        type: rand() < 0.5 ? ('call' as const) : ('put' as const),
        spot,
        strike: spot * Math.exp(rand() * 4 - 2),
        years: Math.exp(rand() * Math.log(2 * 525_600)) / 525_600,
        rate: rand() * 0.3 - 0.05,
        dividendYield: rand() * 0.2 - 0.02,
      };
      const vol = Math.exp(Math.log(0.01) + rand() * Math.log(499));
      const price = bsPrice({ ...contract, vol });
      const r = impliedVolatility({ ...contract, price });
      if (r.ok) {
        solved++;
        const vegaRaw = bsGreeks({ ...contract, vol }).vega * 100;
        const attainable = (1e3 * Number.EPSILON * Math.max(price, contract.spot, contract.strike)) / vegaRaw;
        expect(Math.abs(r.vol - vol)).toBeLessThanOrEqual(1e-7 * vol + attainable);
      } else {
        expect(r.reason).toBe('BELOW_INTRINSIC');
        if (price > 1e-290) expect(Math.abs(bsPrice({ ...contract, vol: vol * 1.01 }) - price)).toBeLessThanOrEqual(1e-9 * price);
      }
    }
    expect(solved).toBeGreaterThan(1000);
  });
});

describe('impliedVolatility against vollib', () => {
  it.each(fixture('vollib_canonical_examples.json').black_scholes_implied_vol_roundtrip as any[])(
    'canonical round trip price $price → σ $expected_sigma',
    (c) => {
      const r = impliedVolatility({ type: c.flag === 'c' ? 'call' : 'put', spot: c.S, strike: c.K, years: c.t, rate: c.r, dividendYield: 0, price: c.price });
      expect(r.ok).toBe(true);
      if (r.ok) expect(Math.abs(r.vol - c.expected_sigma)).toBeLessThanOrEqual(c.tol);
    },
  );

  const data = fixture('py_vollib_test_data.json') as { columns: string[]; data: number[][] };
  const rows = data.data.map((r) => Object.fromEntries(data.columns.map((c, k) => [c, r[k]])) as Record<string, number>);
  // py_vollib's test_implied_volatility tolerances: 1e-4 for calls, 1e-3 for puts (deep ITM puts
  // carry their time value in the last digits of the price).
  const tolerance = { call: 1e-4, put: 1e-3 };
  it.each(rows.map((r, n) => [n, r] as const))('py_vollib test_data row %i: σ recovered (py_vollib tolerance) or no time value', (_n, row) => {
    for (const type of ['call', 'put'] as const) {
      const contract = { type, spot: row.S, strike: row.K, years: row.t, rate: row.R, dividendYield: 0 };
      const price = bsPrice({ ...contract, vol: row.v });
      const r = impliedVolatility({ ...contract, price });
      if (r.ok) expect(Math.abs(r.vol - row.v)).toBeLessThanOrEqual(tolerance[type]);
      else {
        expect(r.reason).toBe('BELOW_INTRINSIC');
        expect(Math.abs(bsPrice({ ...contract, vol: row.v * 1.01 }) - price)).toBeLessThanOrEqual(1e-9 * Math.max(price, 1e-300));
      }
    }
  });
});

describe('impliedVolatility typed failures (never a silent 0)', () => {
  const base = { spot: 100, strike: 100, years: 0.25, rate: 0.05, dividendYield: 0.01 };
  it.each([
    ['call below intrinsic', { ...base, type: 'call', strike: 80, price: 15 }, 'BELOW_INTRINSIC'],
    ['put below intrinsic', { ...base, type: 'put', strike: 130, price: 25 }, 'BELOW_INTRINSIC'],
    ['call exactly at intrinsic (no time value)', { ...base, type: 'call', strike: 1, years: MINUTE, price: 100 * Math.exp(-0.01 * MINUTE) - Math.exp(-0.05 * MINUTE) }, 'BELOW_INTRINSIC'],
    ['call worth more than the stock', { ...base, type: 'call', price: 101 }, 'ABOVE_UPPER_BOUND'],
    ['put worth more than the strike', { ...base, type: 'put', price: 100 }, 'ABOVE_UPPER_BOUND'],
    ['price needing more than 500 % vol a minute from expiry', { ...base, type: 'call', years: MINUTE, price: 2 }, 'ABOVE_UPPER_BOUND'],
    ['zero price', { ...base, type: 'call', price: 0 }, 'BELOW_INTRINSIC'],
    ['negative price', { ...base, type: 'call', price: -1 }, 'INVALID_INPUT'],
    ['NaN price', { ...base, type: 'call', price: Number.NaN }, 'INVALID_INPUT'],
    ['at expiry', { ...base, type: 'call', years: 0, price: 1 }, 'INVALID_INPUT'],
    ['negative spot', { ...base, type: 'put', spot: -5, price: 1 }, 'INVALID_INPUT'],
    ['inverted bounds', { ...base, type: 'put', price: 3, lowerVol: 2, upperVol: 1 }, 'INVALID_INPUT'],
  ] as const)('%s → %s', (_name, input, reason) => {
    const r = impliedVolatility(input);
    expect(r).toMatchObject({ ok: false, reason });
    if (!r.ok) expect(r.message).toMatch(/impliedVolatility/);
  });

  it('treats a deep-ITM time value at rounding level as no information, not as > 500 % vol', () => {
    const contract = { type: 'call' as const, spot: 1300.5889909673365, strike: 385.35119846750354, years: 0.0009415464691160008, rate: 0.2296269964776002, dividendYield: 0.04471609098371118 };
    const price = bsPrice({ ...contract, vol: 4.765712866393544 });
    expect(impliedVolatility({ ...contract, price })).toMatchObject({ ok: false, reason: 'BELOW_INTRINSIC' });
  });

  it('reports NOT_CONVERGED when the iteration cap is too small', () => {
    const contract = { type: 'call' as const, spot: 100, strike: 130, years: 5 * MINUTE, rate: 0.05, dividendYield: 0 };
    const price = bsPrice({ ...contract, vol: 3 });
    expect(impliedVolatility({ ...contract, price, maxIterations: 1 })).toMatchObject({ ok: false, reason: 'NOT_CONVERGED' });
    expect(impliedVolatility({ ...contract, price })).toMatchObject({ ok: true });
  });
});
