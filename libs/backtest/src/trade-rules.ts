import type { ValidationIssue } from '@spyglass/core';

/**
 * How many contracts a trade buys: a fixed count, or as many as a fixed premium pays for
 * (`floor(premium / (entry price × multiplier))`; a signal whose single contract costs more is skipped).
 *
 * @example
 * ```ts
 * const oneLot: PositionSizing = { kind: 'contracts', contracts: 1 };
 * const fiveHundredDollars: PositionSizing = { kind: 'premium', premium: 500 };
 * ```
 */
export type PositionSizing =
  | { readonly kind: 'contracts'; readonly contracts: number }
  | { readonly kind: 'premium'; readonly premium: number };

/**
 * Every rule of the P&L backtest. Fractions, not percents (0.2 = +20 %); money in dollars.
 *
 * - Entry: a signal is known at its bar's close, so it enters at the **next** bar's open of the same
 *   contract (never the signal bar's own close), bought at `open × (1 + slippage)` rounded **up** to
 *   the cent.
 * - Exits, whichever comes first: take-profit (a resting limit at `entry × (1 + takeProfit)`, filled
 *   at that limit, or at the open when a bar opens above it), stop-loss (a stop at
 *   `entry × (1 − stopLoss)`, filled at the stop or at the open of a bar that gaps through it, minus
 *   slippage), the horizon (the close of the last bar starting before `entry time + horizonMinutes`)
 *   or the session close (the close of the contract's last bar of the session). Market sells fill at
 *   `price × (1 − slippage)` rounded **down** to the cent. When one bar reaches both the stop and the
 *   take-profit, the stop is assumed first (bars do not say which came first; the pessimistic order).
 * - Commission per contract per side; P&L = (exit − entry) × multiplier × contracts − commissions.
 * - At most `maxOpenPositions` positions at once and never two in one contract; a signal that
 *   cannot enter is kept in the skipped list with its reason.
 *
 * @example
 * ```ts
 * const rules: TradeRules = { ...DEFAULT_TRADE_RULES, stopLoss: 0.3, sizing: { kind: 'premium', premium: 1000 } };
 * ```
 */
export interface TradeRules {
  /** Take-profit as a fraction of the entry fill (default the label's 0.2). */
  readonly takeProfit: number;
  /** Stop-loss as a fraction of the entry fill (0.5 = exit at −50 %); null for none. */
  readonly stopLoss: number | null;
  /** Longest holding time in minutes (default the label's 120). */
  readonly horizonMinutes: number;
  /** Price paid away on every market fill, as a fraction of price (buys above, sells below). */
  readonly slippage: number;
  /** Dollars per contract per side. */
  readonly commissionPerContract: number;
  readonly sizing: PositionSizing;
  readonly maxOpenPositions: number;
  /** Shares per contract (100 for SPY options). */
  readonly multiplier: number;
  /** Length of one bar in minutes. */
  readonly barMinutes: number;
}

/**
 * Defaults: exits at the label's +20 % / 120 min, a −50 % stop, 1 % slippage per side (about half
 * the $0.01–0.03 quoted spread of a $1–3 SPY 0DTE contract), $0.65 per contract per side (a common
 * retail commission), one contract per trade, at most 5 open positions.
 *
 * @example
 * ```ts
 * const result = simulateTrades(signals, book, DEFAULT_TRADE_RULES);
 * ```
 */
export const DEFAULT_TRADE_RULES: TradeRules = Object.freeze({
  takeProfit: 0.2,
  stopLoss: 0.5,
  horizonMinutes: 120,
  slippage: 0.01,
  commissionPerContract: 0.65,
  sizing: Object.freeze({ kind: 'contracts', contracts: 1 }) as PositionSizing,
  maxOpenPositions: 5,
  multiplier: 100,
  barMinutes: 1,
});

/**
 * Checks trade rules; an empty list means valid.
 *
 * @example
 * ```ts
 * validateTradeRules({ ...DEFAULT_TRADE_RULES, slippage: -0.1 }); // [{ code: 'OUT_OF_RANGE', path: ['slippage'], … }]
 * ```
 */
export function validateTradeRules(rules: TradeRules): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const check = (ok: boolean, path: string[], message: string) => {
    if (!ok) issues.push({ code: 'OUT_OF_RANGE', path, message });
  };
  check(rules.takeProfit > 0 && Number.isFinite(rules.takeProfit), ['takeProfit'], `must be a fraction > 0, got ${rules.takeProfit}`);
  check(rules.stopLoss === null || (rules.stopLoss > 0 && rules.stopLoss <= 1), ['stopLoss'], `must be a fraction in (0, 1] or null, got ${rules.stopLoss}`);
  check(rules.horizonMinutes > 0 && Number.isFinite(rules.horizonMinutes), ['horizonMinutes'], `must be > 0, got ${rules.horizonMinutes}`);
  check(rules.slippage >= 0 && rules.slippage < 1, ['slippage'], `must be a fraction in [0, 1), got ${rules.slippage}`);
  check(rules.commissionPerContract >= 0 && Number.isFinite(rules.commissionPerContract), ['commissionPerContract'], `must be ≥ 0, got ${rules.commissionPerContract}`);
  check(Number.isInteger(rules.maxOpenPositions) && rules.maxOpenPositions >= 1, ['maxOpenPositions'], `must be an integer ≥ 1, got ${rules.maxOpenPositions}`);
  check(rules.multiplier > 0 && Number.isFinite(rules.multiplier), ['multiplier'], `must be > 0, got ${rules.multiplier}`);
  check(rules.barMinutes > 0 && Number.isFinite(rules.barMinutes), ['barMinutes'], `must be > 0, got ${rules.barMinutes}`);
  if (rules.sizing.kind === 'contracts') {
    check(Number.isInteger(rules.sizing.contracts) && rules.sizing.contracts >= 1, ['sizing', 'contracts'], `must be an integer ≥ 1, got ${rules.sizing.contracts}`);
  } else {
    check(rules.sizing.premium > 0 && Number.isFinite(rules.sizing.premium), ['sizing', 'premium'], `must be > 0 dollars, got ${rules.sizing.premium}`);
  }
  return issues;
}
