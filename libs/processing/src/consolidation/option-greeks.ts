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

// Why a row has no IV, by code: the solve's reasons and the two decided before it. The status
// crosses into DuckDB as its code (a number column appends ~10× faster than a string one) and
// becomes text again in the written file through ivStatusSql.
const IV_STATUS = ['BELOW_INTRINSIC', 'ABOVE_UPPER_BOUND', 'NOT_CONVERGED', 'INVALID_INPUT', 'EXPIRED'] as const;
const IV_STATUS_CODE = Object.fromEntries(IV_STATUS.map((s, k) => [s, k])) as Record<(typeof IV_STATUS)[number], number>;

/** SQL of the `iv_status` text column from the `greeks` table aliased `alias`. */
export function ivStatusSql(alias: string): string {
  return `CASE ${alias}.iv_status_code ${IV_STATUS.map((s, k) => `WHEN ${k} THEN '${s}'`).join(' ')} END AS iv_status`;
}

/**
 * Stores `expiry_close(expiration, close_ms)`: the expiration day's close from the calendar, once per
 * distinct expiration of `opt` (a handful a run; NaN when the calendar has no session that day),
 * for `cons` to carry as `expiry_close_ms`, so no string column crosses to JavaScript per row.
 */
export async function buildExpiryClose(duck: DuckSession, calendar: MarketCalendar): Promise<void> {
  const exps = await duck.columns(`SELECT DISTINCT expiration FROM opt WHERE expiration IS NOT NULL`);
  const expiration = exps.cols.expiration as string[];
  const closeMs = Float64Array.from(expiration, (exp) => {
    try {
      return expiryInstant(exp, calendar);
    } catch {
      return Number.NaN;
    }
  });
  await duck.createTable('expiry_close', { expiration, close_ms: closeMs });
}

/**
 * Solves implied volatility and the greeks of every `cons` row (option close against the
 * underlying's as-of close, time to `expiry_close_ms`, the expiration day's close) and stores them as
 * `greeks(minutes_to_expiry, iv, iv_status_code, delta, gamma, theta, vega, rho)` in `cons`'s
 * order, for a positional join ({@link ivStatusSql} names the code). A row without a solution keeps
 * NULL IV and greeks and a status saying why (never a fake 0).
 */
export async function buildGreeks(
  duck: DuckSession,
  params: { readonly riskFreeRate: number; readonly dividendYield: number },
): Promise<IvOutcome> {
  // A plain scan returns the table's insertion order (cons was written sorted): no sort here.
  const { rows, cols } = await duck.columns(
    `SELECT ts, spy_close, strike, opt_close, expiry_close_ms AS close_ms, CASE contract_type WHEN 'call' THEN 0 WHEN 'put' THEN 1 END AS is_put FROM cons`,
  );
  const g = solveGreeks(
    { ts: cols.ts as Float64Array, spot: cols.spy_close as Float64Array, strike: cols.strike as Float64Array, price: cols.opt_close as Float64Array, isPut: cols.is_put as Float64Array, closeMs: cols.close_ms as Float64Array },
    params,
  );
  await duck.createTable('greeks', { minutes_to_expiry: g.minutesToExpiry, iv: g.iv, delta: g.delta, gamma: g.gamma, theta: g.theta, vega: g.vega, rho: g.rho, iv_status_code: g.ivStatusCode });
  return g.outcome;
}

/** Per-row results of {@link solveGreeks} (NaN where a row has no solution; `ivStatusCode` NaN where it has one). */
export interface GreekColumns {
  readonly minutesToExpiry: Float64Array;
  readonly iv: Float64Array;
  readonly delta: Float64Array;
  readonly gamma: Float64Array;
  readonly theta: Float64Array;
  readonly vega: Float64Array;
  readonly rho: Float64Array;
  /** Index into the status names of {@link ivStatusSql} (why there is no IV). */
  readonly ivStatusCode: Float64Array;
  readonly outcome: IvOutcome;
}

/**
 * Implied volatility and the greeks of option rows (bar start, the underlying's as-of close,
 * strike, option close, 1 for a put / 0 for a call / NaN unknown, expiration day's close in ms).
 */
export function solveGreeks(
  rowsIn: { readonly ts: Float64Array; readonly spot: Float64Array; readonly strike: Float64Array; readonly price: Float64Array; readonly isPut: Float64Array; readonly closeMs: Float64Array },
  params: { readonly riskFreeRate: number; readonly dividendYield: number },
): GreekColumns {
  const { ts, spot, strike, price, isPut } = rowsIn;
  const close = rowsIn.closeMs;
  const rows = ts.length;
  const minutes = new Float64Array(rows);
  const names = ['iv', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const;
  const out = Object.fromEntries(names.map((n) => [n, new Float64Array(rows).fill(Number.NaN)])) as Record<(typeof names)[number], Float64Array>;
  const status = new Float64Array(rows).fill(Number.NaN);
  const counts = new Float64Array(IV_STATUS.length);
  let solved = 0;
  // One input object for every row (the solve and the greeks read it, neither keeps it): no
  // allocation per row. vol 0 is a valid placeholder while the solve runs.
  const input = { type: 'call' as 'call' | 'put', spot: 0, strike: 0, years: 0, rate: params.riskFreeRate, dividendYield: params.dividendYield, price: 0, vol: 0 };
  for (let i = 0; i < rows; i++) {
    const remaining = close[i]! - ts[i]!;
    minutes[i] = remaining / 60_000;
    let code = -1;
    if (!(remaining > 0)) code = Number.isNaN(remaining) ? IV_STATUS_CODE.INVALID_INPUT : IV_STATUS_CODE.EXPIRED;
    else if (Number.isNaN(isPut[i]!)) code = IV_STATUS_CODE.INVALID_INPUT;
    else {
      input.type = isPut[i] === 1 ? 'put' : 'call';
      input.spot = spot[i]!;
      input.strike = strike[i]!;
      input.years = remaining / MS_PER_YEAR;
      input.price = price[i]!;
      input.vol = 0;
      const iv = impliedVolatility(input);
      if (iv.ok) {
        input.vol = iv.vol;
        const g = bsGreeks(input);
        out.iv[i] = iv.vol;
        out.delta[i] = g.delta;
        out.gamma[i] = g.gamma;
        out.theta[i] = g.theta;
        out.vega[i] = g.vega;
        out.rho[i] = g.rho;
        solved++;
      } else code = IV_STATUS_CODE[iv.reason];
    }
    if (code >= 0) {
      status[i] = code;
      counts[code]!++;
    }
  }
  const unsolved: Record<string, number> = {};
  IV_STATUS.forEach((s, k) => {
    if (counts[k]! > 0) unsolved[s] = counts[k]!;
  });
  return { minutesToExpiry: minutes, ...out, ivStatusCode: status, outcome: { solved, unsolved } };
}
