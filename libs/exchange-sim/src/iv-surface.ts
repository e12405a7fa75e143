/**
 * The implied-volatility surface of the synthetic chain: at-the-money IV tied to the VIX level, a
 * put skew and a smile in standardized moneyness x = ln(K/S) / (σ_atm √T).
 */

/**
 * 0DTE ATM IV as a fraction of VIX/100. Calibrated (calibration.ts, `spyglass sim stats`) so
 * near-the-money 0DTE contracts gain on their opening price as often as the original measured on
 * real SPY in 2025–26 (positive-minute rate, label positive rate): a year in which intraday moves
 * outran what short-dated options priced. Time is in calendar years, so this is not the quoted IV
 * of a trading-time model.
 */
const ATM_TO_VIX = 0.35;
const SKEW = 0.15;
const SMILE = 0.05;
const MAX_X = 5;

/**
 * IV of a strike at a moment: `vix` in index points, `years` to expiry (> 0 for a finite answer).
 *
 * @example
 * ```ts
 * surfaceVol(18, 580, 575, 1 / 365); // ≈ 0.11: a day out, $5 below the money, above the ATM 0.063 (put skew)
 * ```
 */
export function surfaceVol(vix: number, spot: number, strike: number, years: number): number {
  const t = Math.max(years, 1 / (365 * 24 * 60));
  const atm = (ATM_TO_VIX * vix) / 100;
  const x = Math.max(-MAX_X, Math.min(MAX_X, Math.log(strike / spot) / (atm * Math.sqrt(t))));
  return atm * (1 - SKEW * x + SMILE * x * x);
}

/** Risk-free rate by year, roughly the US T-bill level of the time (decimal). */
export function riskFreeRate(date: string): number {
  const year = Number(date.slice(0, 4));
  const byYear: Record<number, number> = { 2019: 0.021, 2020: 0.006, 2021: 0.0005, 2022: 0.02, 2023: 0.05, 2024: 0.05, 2025: 0.043 };
  return byYear[year] ?? 0.04;
}

/** SPY's dividend yield (decimal). */
export const DIVIDEND_YIELD = 0.013;

/** Calendar-year fraction between two instants (the convention of the chain's pricing). */
export function yearsBetween(from: number, to: number): number {
  return Math.max(0, to - from) / (365 * 86_400_000);
}
