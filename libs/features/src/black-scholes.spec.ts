import { readFileSync } from 'node:fs';
import { bsGreeks, bsPrice, type BlackScholesInput } from './index.js';
import { SpyglassError } from '@spyglass/core';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

const vollibData = fixture('py_vollib_test_data.json') as { columns: string[]; data: number[][] };
const rows = vollibData.data.map((r) => Object.fromEntries(vollibData.columns.map((c, k) => [c, r[k]])) as Record<string, number>);
const canonical = fixture('vollib_canonical_examples.json') as Record<string, any>;

const input = (type: 'call' | 'put', S: number, K: number, t: number, r: number, v: number, q = 0): BlackScholesInput => ({
  type,
  spot: S,
  strike: K,
  years: t,
  rate: r,
  dividendYield: q,
  vol: v,
});

describe('bsGreeks against py_vollib tests/test_data.json (its own tolerances)', () => {
  it.each(rows.map((row, n) => [n, row] as const))('row %i', (_n, row) => {
    const call = bsGreeks(input('call', row.S, row.K, row.t, row.R, row.v));
    const put = bsGreeks(input('put', row.S, row.K, row.t, row.R, row.v));
    // py_vollib's test_black_scholes.py: delta 1e-6 on prices/greeks, theta compared as annual/365,
    // vega and rho as raw × 0.01, rho with 1e-9.
    expect(Math.abs(call.price - row.bs_call)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(put.price - row.bs_put)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(call.delta - row.CD)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(put.delta - row.PD)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(call.gamma - row.CG)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(put.gamma - row.PG)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(call.theta - row.CT / 365)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(put.theta - row.PT / 365)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(call.vega - row.CV * 0.01)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(put.vega - row.PV * 0.01)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(call.rho - row.CR * 0.01)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(put.rho - row.PR * 0.01)).toBeLessThanOrEqual(1e-9);
    expect(bsPrice(input('call', row.S, row.K, row.t, row.R, row.v))).toBe(call.price);
  });
});

describe('vollib canonical examples', () => {
  it.each(canonical.black_scholes_price as any[])('price $flag S=$S K=$K t=$t → $expected', (c) => {
    const price = bsPrice(input(c.flag === 'c' ? 'call' : 'put', c.S, c.K, c.t, c.r, c.sigma));
    expect(Math.abs(price - c.expected)).toBeLessThanOrEqual(c.tol);
  });

  it.each(canonical.black_scholes_merton_price as any[])('Merton price with dividend yield $q → $expected', (c) => {
    const price = bsPrice(input(c.flag === 'c' ? 'call' : 'put', c.S, c.K, c.t, c.r, c.sigma, c.q));
    expect(Math.abs(price - c.expected)).toBeLessThanOrEqual(c.tol);
  });

  it('Hull example S=49 K=50 t=0.3846 r=0.05 σ=0.2 (theta compared per year as the source does)', () => {
    const ex = canonical['black_scholes_greeks_hull_S49_K50_t0.3846_r0.05_sigma0.2'];
    const call = bsGreeks(input('call', 49, 50, 0.3846, 0.05, 0.2));
    const put = bsGreeks(input('put', 49, 50, 0.3846, 0.05, 0.2));
    expect(Math.abs(call.delta - ex.delta_call.expected)).toBeLessThanOrEqual(ex.delta_call.tol);
    expect(Math.abs(call.theta * 365 - ex.theta_call_x365.expected)).toBeLessThanOrEqual(ex.theta_call_x365.tol);
    expect(Math.abs(put.theta * 365 - ex.theta_put_x365.expected)).toBeLessThanOrEqual(ex.theta_put_x365.tol);
    expect(Math.abs(call.gamma - ex.gamma.expected)).toBeLessThanOrEqual(ex.gamma.tol);
    expect(Math.abs(call.vega - ex.vega_per_1pct.expected)).toBeLessThanOrEqual(ex.vega_per_1pct.tol);
    expect(Math.abs(call.rho - ex.rho_call_per_1pct.expected)).toBeLessThanOrEqual(ex.rho_call_per_1pct.tol);
  });

  it('Merton greeks S=100 K=95 t=0.5 r=0.1 σ=0.2 q=0.05 to 1e-12', () => {
    const ex = canonical['bsm_greeks_S100_K95_t0.5_r0.1_sigma0.2_q0.05'];
    const call = bsGreeks(input('call', 100, 95, 0.5, 0.1, 0.2, 0.05));
    const put = bsGreeks(input('put', 100, 95, 0.5, 0.1, 0.2, 0.05));
    const pairs: [number, number][] = [
      [call.delta, ex.delta_call],
      [put.delta, ex.delta_put],
      [call.theta, ex.theta_call],
      [put.theta, ex.theta_put],
      [call.gamma, ex.gamma],
      [put.gamma, ex.gamma],
      [call.vega, ex.vega],
      [call.rho, ex.rho_call],
      [put.rho, ex.rho_put],
    ];
    for (const [actual, expected] of pairs) expect(Math.abs(actual - expected)).toBeLessThanOrEqual(ex.tol);
  });
});

describe('model identities', () => {
  const grid = [
    input('call', 100, 80, 1 / 365 / 24, 0.04, 0.3, 0.013),
    input('call', 100, 100, 0.25, 0.04, 0.2, 0.013),
    input('call', 450, 470, 2 / 365, 0.05, 0.15, 0.013),
    input('call', 100, 150, 1, 0.01, 1.5, 0),
    input('call', 100, 60, 0.1, 0.0, 5, 0.02),
  ];

  it.each(grid)('put-call parity C − P = S·e^{-qT} − K·e^{-rT} (S=$spot K=$strike T=$years)', (c) => {
    const call = bsPrice(c);
    const put = bsPrice({ ...c, type: 'put' });
    const parity = c.spot * Math.exp(-c.dividendYield * c.years) - c.strike * Math.exp(-c.rate * c.years);
    expect(call - put).toBeCloseTo(parity, 10);
  });

  it.each(grid.flatMap((c) => [c, { ...c, type: 'put' as const }]))('greeks equal finite differences of the price ($type S=$spot K=$strike T=$years)', (c) => {
    const g = bsGreeks(c);
    const bump = (patch: Partial<BlackScholesInput>): number => bsPrice({ ...c, ...patch });
    const hS = c.spot * 1e-4;
    const hV = 1e-5;
    const hR = 1e-6;
    const hT = Math.min(c.years / 10, 1e-6);
    expect((bump({ spot: c.spot + hS }) - bump({ spot: c.spot - hS })) / (2 * hS)).toBeCloseTo(g.delta, 6);
    const gammaFd = (bump({ spot: c.spot + hS }) - 2 * g.price + bump({ spot: c.spot - hS })) / (hS * hS);
    expect(Math.abs(gammaFd - g.gamma)).toBeLessThanOrEqual(1e-4 * Math.max(1, g.gamma));
    expect(((bump({ vol: c.vol + hV }) - bump({ vol: c.vol - hV })) / (2 * hV)) * 0.01).toBeCloseTo(g.vega, 7);
    expect(((bump({ rate: c.rate + hR }) - bump({ rate: c.rate - hR })) / (2 * hR)) * 0.01).toBeCloseTo(g.rho, 6);
    // Theta is the decay as calendar time passes: −∂V/∂T, per day.
    const thetaFd = (-(bump({ years: c.years + hT }) - bump({ years: c.years - hT })) / (2 * hT)) / 365;
    expect(Math.abs(thetaFd - g.theta)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(g.theta)));
  });

  it.each([
    ['call', 105, 5, 1],
    ['call', 95, 0, 0],
    ['put', 95, 5, -1],
    ['put', 105, 0, 0],
  ] as const)('at expiry a %s with S=%p is worth its intrinsic %p with delta %p', (type, spot, value, delta) => {
    const g = bsGreeks(input(type, spot, 100, 0, 0.05, 0.3));
    expect(g.price).toBe(value);
    expect(g.delta).toBe(delta);
    expect(g.gamma).toBe(0);
    expect(g.vega).toBe(0);
  });

  it('prices far-OTM options minutes from expiry without cancellation (positive, below the forward bound)', () => {
    const p = bsPrice(input('call', 500, 520, 5 / (365 * 24 * 60), 0.05, 0.5));
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-30);
  });
});

describe('input validation', () => {
  it.each([
    ['spot', { spot: 0 }],
    ['spot', { spot: Number.NaN }],
    ['strike', { strike: -1 }],
    ['years', { years: -0.1 }],
    ['rate', { rate: Number.POSITIVE_INFINITY }],
    ['dividendYield', { dividendYield: Number.NaN }],
    ['vol', { vol: -0.2 }],
    ['type', { type: 'straddle' }],
  ] as const)('rejects bad %s with INVALID_ARGUMENT naming the field', (field, patch) => {
    const bad = { ...input('call', 100, 100, 0.5, 0.05, 0.2), ...patch } as BlackScholesInput;
    expect(() => bsPrice(bad)).toThrow(SpyglassError);
    try {
      bsGreeks(bad);
    } catch (e) {
      expect((e as SpyglassError).code).toBe('INVALID_ARGUMENT');
      expect((e as SpyglassError).message).toContain(field);
      return;
    }
    throw new Error('bsGreeks accepted a bad input');
  });
});
