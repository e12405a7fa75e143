import type { MarketCalendar } from '@spyglass/core';
import { bsGreeks, expiryInstant, impliedVolatility } from '@spyglass/features';
import type { DuckSession } from '../duck/duck-session.js';

/**
 * Counts of the implied-volatility solve over a run.
 *
 * @example
 * ```ts
 * const { iv } = await consolidate({ root: 'data', dates });
 * console.log(iv.solved, iv.unsolved.BELOW_INTRINSIC ?? 0);
 * ```
 */
export interface IvOutcome {
  readonly solved: number;
  /** Rows without a solution, by reason (`BELOW_INTRINSIC`, `ABOVE_UPPER_BOUND`, `NOT_CONVERGED`, `INVALID_INPUT`, `EXPIRED`). */
  readonly unsolved: Readonly<Record<string, number>>;
}

const MS_PER_YEAR = 365 * 86_400_000;

/**
 * Solves implied volatility and the greeks of every `cons` row (option close against the
 * underlying's as-of close, time to the expiration day's close from the calendar) and stores them as
 * `greeks(row_id, minutes_to_expiry, iv, iv_status, delta, gamma, theta, vega, rho)`. A row without
 * a solution keeps NULL IV and greeks and names the reason in `iv_status` (never a fake 0).
 */
export async function buildGreeks(
  duck: DuckSession,
  params: { readonly riskFreeRate: number; readonly dividendYield: number; readonly calendar: MarketCalendar },
): Promise<IvOutcome> {
  const { rows, cols } = await duck.columns(
    `SELECT row_id, ts, spy_close, strike, opt_close, contract_type, expiration FROM cons ORDER BY row_id`,
  );
  const ts = cols.ts as Float64Array;
  const spot = cols.spy_close as Float64Array;
  const strike = cols.strike as Float64Array;
  const price = cols.opt_close as Float64Array;
  const type = cols.contract_type as (string | null)[];
  const expiration = cols.expiration as (string | null)[];
  const closeOf = new Map<string, number>();
  const minutes = new Float64Array(rows);
  const names = ['iv', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const;
  const out = Object.fromEntries(names.map((n) => [n, new Float64Array(rows).fill(Number.NaN)])) as Record<(typeof names)[number], Float64Array>;
  const status = new Array<string | null>(rows).fill(null);
  const unsolved: Record<string, number> = {};
  let solved = 0;
  for (let i = 0; i < rows; i++) {
    const exp = expiration[i] ?? '';
    let close = closeOf.get(exp);
    if (close === undefined) {
      try {
        close = expiryInstant(exp, params.calendar);
      } catch {
        close = Number.NaN;
      }
      closeOf.set(exp, close);
    }
    const remaining = close - ts[i]!;
    minutes[i] = remaining / 60_000;
    let reason: string | null = null;
    if (!(remaining > 0)) reason = Number.isNaN(remaining) ? 'INVALID_INPUT' : 'EXPIRED';
    else {
      const input = {
        type: type[i] === 'put' ? ('put' as const) : ('call' as const),
        spot: spot[i]!,
        strike: strike[i]!,
        years: remaining / MS_PER_YEAR,
        rate: params.riskFreeRate,
        dividendYield: params.dividendYield,
      };
      if (type[i] !== 'put' && type[i] !== 'call') reason = 'INVALID_INPUT';
      else {
        const iv = impliedVolatility({ ...input, price: price[i]! });
        if (iv.ok) {
          const g = bsGreeks({ ...input, vol: iv.vol });
          out.iv[i] = iv.vol;
          out.delta[i] = g.delta;
          out.gamma[i] = g.gamma;
          out.theta[i] = g.theta;
          out.vega[i] = g.vega;
          out.rho[i] = g.rho;
          solved++;
        } else reason = iv.reason;
      }
    }
    if (reason !== null) {
      status[i] = reason;
      unsolved[reason] = (unsolved[reason] ?? 0) + 1;
    }
  }
  await duck.createTable('greeks', { row_id: cols.row_id as Float64Array, minutes_to_expiry: minutes, ...out, iv_status: status }, ['row_id']);
  return { solved, unsolved };
}
