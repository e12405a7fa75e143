import { SpyglassError } from '@spyglass/core';
import { normCdf, normPdf } from './normal-distribution.js';

/**
 * Option right: a call or a put.
 *
 * @example
 * ```ts
 * const right: OptionRight = contract.contractType; // 'call' | 'put'
 * ```
 */
export type OptionRight = 'call' | 'put';

/**
 * Inputs of the Black-Scholes-Merton model (European option, continuous dividend yield).
 * Units: `years` is time to expiry in years (ACT/365, see {@link yearsToExpiry}); `rate`,
 * `dividendYield` and `vol` are annualised decimals (0.05 = 5 %), continuously compounded.
 *
 * @example
 * ```ts
 * const input: BlackScholesInput = { type: 'call', spot: 600, strike: 601, years: 30 / 365, rate: 0.043, dividendYield: 0.012, vol: 0.18 };
 * const price = bsPrice(input);
 * ```
 */
export interface BlackScholesInput {
  type: OptionRight;
  spot: number;
  strike: number;
  years: number;
  rate: number;
  dividendYield: number;
  vol: number;
}

/**
 * Price and sensitivities. Units follow the convention of py_vollib and most trading screens:
 * `theta` per calendar day (annual theta / 365), `vega` per 1 vol point (∂V/∂σ × 0.01),
 * `rho` per 1 % of rate (∂V/∂r × 0.01); `delta` and `gamma` per 1 unit of spot.
 *
 * @example
 * ```ts
 * const { delta, theta, vega }: Greeks = bsGreeks({ type: 'put', spot: 600, strike: 595, years: 7 / 365, rate: 0.043, dividendYield: 0.012, vol: 0.2 });
 * ```
 */
export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  /** Per calendar day: annual theta / 365. */
  theta: number;
  /** Per 1 vol point: ∂V/∂σ × 0.01. */
  vega: number;
  /** Per 1 % of rate: ∂V/∂r × 0.01. */
  rho: number;
}

function invalid(where: string, field: string, value: unknown, why: string): never {
  throw new SpyglassError('INVALID_ARGUMENT', `${where}: ${field} = ${String(value)}: ${why}`, { details: { field, value } });
}

/**
 * Why an input is outside the model's domain, or undefined when it is valid. Shared by the throwing
 * pricers and the implied-volatility solver, which reports it as a typed result instead.
 */
export function blackScholesInputProblem(i: Omit<BlackScholesInput, 'vol'> & { vol?: number }): [field: string, why: string] | undefined {
  if (i.type !== 'call' && i.type !== 'put') return ['type', "must be 'call' or 'put'"];
  if (!(i.spot > 0 && i.spot < Infinity)) return ['spot', 'must be a finite number > 0'];
  if (!(i.strike > 0 && i.strike < Infinity)) return ['strike', 'must be a finite number > 0'];
  if (!(i.years >= 0 && i.years < Infinity)) return ['years', 'must be a finite number >= 0 (0 = at expiry)'];
  if (!Number.isFinite(i.rate)) return ['rate', 'must be a finite number (decimal, 0.05 = 5 %)'];
  if (!Number.isFinite(i.dividendYield)) return ['dividendYield', 'must be a finite number (decimal)'];
  if (i.vol !== undefined && !(i.vol >= 0 && i.vol < Infinity)) return ['vol', 'must be a finite number >= 0 (decimal, 0.2 = 20 %)'];
  return undefined;
}

function assertInput(i: BlackScholesInput, where: string): void {
  const problem = blackScholesInputProblem(i);
  if (problem !== undefined) invalid(where, problem[0], (i as unknown as Record<string, unknown>)[problem[0]], problem[1]);
}

/**
 * Unchecked price kernel of {@link bsPrice}. At `years = 0`
 * or `vol = 0` it returns the deterministic limit max(±(S·e^{-qT} − K·e^{-rT}), 0).
 */
function priceUnchecked(call: boolean, spot: number, strike: number, years: number, rate: number, q: number, vol: number): number {
  const fwdSpot = spot * Math.exp(-q * years);
  const pvStrike = strike * Math.exp(-rate * years);
  const sd = vol * Math.sqrt(years);
  if (sd === 0) return Math.max(call ? fwdSpot - pvStrike : pvStrike - fwdSpot, 0);
  const d1 = Math.log(fwdSpot / pvStrike) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  // Each leg from its own tail (N(-d) computed directly), so deep OTM prices keep full precision.
  return call ? fwdSpot * normCdf(d1) - pvStrike * normCdf(d2) : pvStrike * normCdf(-d2) - fwdSpot * normCdf(-d1);
}

/**
 * Black-Scholes-Merton price of a European option with a continuous dividend yield.
 * Throws `SpyglassError('INVALID_ARGUMENT')` for non-finite or out-of-domain inputs.
 *
 * @example
 * ```ts
 * import { bsPrice } from '@spyglass/features';
 * bsPrice({ type: 'call', spot: 100, strike: 90, years: 0.5, rate: 0.01, dividendYield: 0, vol: 0.2 }); // 12.111581435…
 * ```
 */
export function bsPrice(i: BlackScholesInput): number {
  assertInput(i, 'bsPrice');
  return priceUnchecked(i.type === 'call', i.spot, i.strike, i.years, i.rate, i.dividendYield, i.vol);
}

/**
 * Price and greeks in one pass (theta per day, vega and rho per 1 %; see {@link Greeks}).
 * At expiry (`years = 0`) or zero vol the greeks are the deterministic limits: delta 0/±1
 * (±0.5 exactly at the money), gamma, vega and theta's diffusion term 0.
 *
 * @example
 * ```ts
 * import { bsGreeks } from '@spyglass/features';
 * const g = bsGreeks({ type: 'put', spot: 100, strike: 95, years: 0.5, rate: 0.1, dividendYield: 0.05, vol: 0.2 });
 * g.delta; // -0.26418159963607…
 * g.theta; // -0.00822062492163… per day
 * ```
 */
export function bsGreeks(i: BlackScholesInput): Greeks {
  assertInput(i, 'bsGreeks');
  const { spot, strike, years, rate, vol } = i;
  const q = i.dividendYield;
  const call = i.type === 'call';
  const dq = Math.exp(-q * years);
  const dr = Math.exp(-rate * years);
  const fwdSpot = spot * dq;
  const pvStrike = strike * dr;
  const sqrtT = Math.sqrt(years);
  const sd = vol * sqrtT;
  if (sd === 0) {
    // Deterministic limit: the option is worth its discounted forward intrinsic value.
    const itm = call ? fwdSpot > pvStrike : pvStrike > fwdSpot;
    const atm = fwdSpot === pvStrike;
    const w = itm ? 1 : atm ? 0.5 : 0;
    const sign = call ? 1 : -1;
    if (w === 0) return { price: 0, delta: 0, gamma: 0, theta: 0, vega: 0, rho: 0 };
    return {
      price: Math.max(sign * (fwdSpot - pvStrike), 0),
      delta: sign * w * dq,
      gamma: 0,
      theta: (w * sign * (q * fwdSpot - rate * pvStrike)) / 365,
      vega: 0,
      rho: (w * sign * years * pvStrike) / 100,
    };
  }
  const d1 = Math.log(fwdSpot / pvStrike) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  const pdf = normPdf(d1);
  const gamma = (dq * pdf) / (spot * sd);
  const vegaAnnual = fwdSpot * pdf * sqrtT;
  const decay = (-fwdSpot * pdf * vol) / (2 * sqrtT);
  if (call) {
    const n1 = normCdf(d1);
    const n2 = normCdf(d2);
    return {
      price: fwdSpot * n1 - pvStrike * n2,
      delta: dq * n1,
      gamma,
      theta: (decay - rate * pvStrike * n2 + q * fwdSpot * n1) / 365,
      vega: vegaAnnual / 100,
      rho: (years * pvStrike * n2) / 100,
    };
  }
  const m1 = normCdf(-d1);
  const m2 = normCdf(-d2);
  return {
    price: pvStrike * m2 - fwdSpot * m1,
    delta: -dq * m1,
    gamma,
    theta: (decay + rate * pvStrike * m2 - q * fwdSpot * m1) / 365,
    vega: vegaAnnual / 100,
    rho: (-years * pvStrike * m2) / 100,
  };
}
