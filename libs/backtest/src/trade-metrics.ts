import type { MarketSession } from '@spyglass/core';
import type { SimulatedTrade } from './simulate-trades.js';

/**
 * What a list of trades made, over the sessions it covers. Money in dollars; rates are fractions.
 * Sharpe and Sortino are annualised (× √252) from daily P&L, counting sessions without trades as 0.
 *
 * @example
 * ```ts
 * const m: TradeMetrics = tradeMetrics(sim.trades, sessions);
 * console.log(m.totalPnl, m.winRate, m.maxDrawdown, m.sharpe);
 * ```
 */
export interface TradeMetrics {
  readonly sessions: number;
  readonly trades: number;
  readonly totalPnl: number;
  readonly meanTradeReturn: number | null;
  readonly winRate: number | null;
  /** Gross wins / gross losses; null without a losing trade. */
  readonly profitFactor: number | null;
  readonly averageWin: number | null;
  /** ≤ 0. */
  readonly averageLoss: number | null;
  /** Largest fall of cumulative P&L from a previous peak (≥ 0), trades taken in exit order. */
  readonly maxDrawdown: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** Share of the sessions' minutes with at least one position open. */
  readonly exposure: number;
}

/**
 * One point of the equity curve: cumulative P&L after a trade's exit, and its drawdown.
 *
 * @example
 * ```ts
 * const last: EquityPoint = equityCurve(sim.trades).at(-1)!;
 * ```
 */
export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
  /** Cumulative P&L minus its running peak (≤ 0). */
  readonly drawdown: number;
}

const TRADING_DAYS_PER_YEAR = 252;

/**
 * Cumulative P&L after each trade's exit (exit order), with the drawdown from the running peak.
 *
 * @example
 * ```ts
 * const curve = equityCurve(sim.trades);
 * const maxDd = -Math.min(0, ...curve.map((p) => p.drawdown));
 * ```
 */
export function equityCurve(trades: readonly SimulatedTrade[]): EquityPoint[] {
  const ordered = [...trades].sort((a, b) => a.exitTime - b.exitTime || a.entryTime - b.entryTime);
  let cents = 0;
  let peak = 0;
  return ordered.map((t) => {
    cents += t.pnlCents;
    peak = Math.max(peak, cents);
    return { time: t.exitTime, equity: cents / 100, drawdown: (cents - peak) / 100 };
  });
}

/**
 * P&L per session in dollars (sessions without trades are 0), in the sessions' order; a trade counts
 * on its own `date`.
 *
 * @example
 * ```ts
 * const pnl = dailyPnl(sim.trades, ['2025-03-03', '2025-03-04']); // [12.4, 0]
 * ```
 */
export function dailyPnl(trades: readonly SimulatedTrade[], dates: readonly string[]): number[] {
  const cents = new Map(dates.map((d) => [d, 0]));
  for (const t of trades) if (cents.has(t.date)) cents.set(t.date, cents.get(t.date)! + t.pnlCents);
  return dates.map((d) => cents.get(d)! / 100);
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Annualised Sharpe ratio of daily P&L (sample standard deviation); null with < 2 days or no variance.
 *
 * @example
 * ```ts
 * sharpeRatio([10, -5, 20, 0]); // ≈ 5.9
 * ```
 */
export function sharpeRatio(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  const m = mean(daily);
  const sd = Math.sqrt(daily.reduce((a, x) => a + (x - m) ** 2, 0) / (daily.length - 1));
  return sd > 0 ? (m / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
}

/**
 * Annualised Sortino ratio of daily P&L (downside deviation below 0 over all days); null with < 2
 * days or no losing day.
 *
 * @example
 * ```ts
 * sortinoRatio([10, -5, 20, 0]);
 * ```
 */
export function sortinoRatio(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  const downside = Math.sqrt(daily.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / daily.length);
  return downside > 0 ? (mean(daily) / downside) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
}

/** Minutes of [from, to) covered by the union of the trades' holding intervals. */
function coveredMs(trades: readonly SimulatedTrade[], from: number, to: number): number {
  const spans = trades
    .map((t) => [Math.max(from, t.entryTime), Math.min(to, t.exitTime)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = from;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * The metrics of a list of trades over the sessions they cover (see {@link TradeMetrics}).
 *
 * @example
 * ```ts
 * const sessions = days.map((d) => nyseCalendar.session(d)!);
 * const m = tradeMetrics(simulateTrades(signals, book, DEFAULT_TRADE_RULES).trades, sessions);
 * ```
 */
export function tradeMetrics(trades: readonly SimulatedTrade[], sessions: readonly MarketSession[]): TradeMetrics {
  const daily = dailyPnl(trades, sessions.map((s) => s.date));
  const wins = trades.filter((t) => t.pnlCents > 0);
  const losses = trades.filter((t) => t.pnlCents < 0);
  const grossWin = wins.reduce((a, t) => a + t.pnlCents, 0);
  const grossLoss = -losses.reduce((a, t) => a + t.pnlCents, 0);
  const curve = equityCurve(trades);
  const sessionMs = sessions.reduce((a, s) => a + (s.close - s.open), 0);
  const heldMs = sessions.reduce((a, s) => a + coveredMs(trades.filter((t) => t.date === s.date), s.open, s.close), 0);
  return {
    sessions: sessions.length,
    trades: trades.length,
    totalPnl: trades.reduce((a, t) => a + t.pnlCents, 0) / 100,
    meanTradeReturn: trades.length ? mean(trades.map((t) => t.return)) : null,
    winRate: trades.length ? wins.length / trades.length : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    averageWin: wins.length ? grossWin / 100 / wins.length : null,
    averageLoss: losses.length ? -grossLoss / 100 / losses.length : null,
    maxDrawdown: -Math.min(0, ...curve.map((p) => p.drawdown)),
    sharpe: sharpeRatio(daily),
    sortino: sortinoRatio(daily),
    exposure: sessionMs > 0 ? heldMs / sessionMs : 0,
  };
}
