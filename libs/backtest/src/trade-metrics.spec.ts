import type { MarketSession } from '@spyglass/core';
import type { SimulatedTrade } from './simulate-trades.js';
import { dailyPnl, equityCurve, sharpeRatio, sortinoRatio, tradeMetrics } from './trade-metrics.js';

const OPEN = Date.UTC(2025, 2, 3, 14, 30);
const session = (date: string, dayOffset: number): MarketSession => ({
  date, open: OPEN + dayOffset * 86_400_000, close: OPEN + dayOffset * 86_400_000 + 390 * 60_000, earlyClose: false,
});
const SESSIONS = [session('2025-03-03', 0), session('2025-03-04', 1), session('2025-03-05', 2)];
function trade(date: string, dayOffset: number, entryMin: number, exitMin: number, pnlCents: number, ret: number): SimulatedTrade {
  const base = OPEN + dayOffset * 86_400_000;
  return {
    date, ticker: `T${entryMin}`, signalTime: base + (entryMin - 1) * 60_000, probability: 0.9, label: 1,
    entryTime: base + entryMin * 60_000, entryPrice: 1, exitTime: base + exitMin * 60_000, exitPrice: 1,
    exitReason: 'time_limit', takeProfitPrice: 1.2, stopPrice: 0.5, contracts: 1, commission: 1.3,
    pnl: pnlCents / 100, pnlCents, return: ret, barsHeld: exitMin - entryMin,
  };
}

describe('trade metrics', () => {
  const trades = [
    trade('2025-03-03', 0, 10, 49, 2_000, 0.2), // +20.00, held 39 min
    trade('2025-03-03', 0, 30, 69, -1_000, -0.1), // −10.00, overlaps the first by 19 min
    trade('2025-03-05', 2, 0, 39, -3_000, -0.3), // −30.00
  ];

  it('sums P&L exactly, per day with empty days as 0', () => {
    expect(dailyPnl(trades, SESSIONS.map((s) => s.date))).toEqual([10, 0, -30]);
  });

  it('computes win rate, profit factor, averages, drawdown and exposure', () => {
    const m = tradeMetrics(trades, SESSIONS);
    expect(m).toMatchObject({ sessions: 3, trades: 3, totalPnl: -20, winRate: 1 / 3, averageWin: 20, averageLoss: -20, maxDrawdown: 40 });
    expect(m.profitFactor).toBeCloseTo(20 / 40, 12);
    expect(m.meanTradeReturn).toBeCloseTo(-0.2 / 3, 12);
    // 59 distinct minutes of day 1 (10→69) and 39 of day 3, over 3 × 390 session minutes.
    expect(m.exposure).toBeCloseTo((59 + 39) / (3 * 390), 12);
  });

  it('draws the equity curve in exit order with drawdown from the running peak', () => {
    expect(equityCurve(trades).map((p) => [p.equity, p.drawdown])).toEqual([[20, 0], [10, -10], [-20, -40]]);
  });

  it.each([
    [[10, -5, 20, 0], (6.25 / Math.sqrt(((3.75 ** 2) + (11.25 ** 2) + (13.75 ** 2) + (6.25 ** 2)) / 3)) * Math.sqrt(252), (6.25 / Math.sqrt(25 / 4)) * Math.sqrt(252)],
    [[5], null, null],
    [[3, 3, 3], null, null],
  ])('Sharpe and Sortino of %j', (daily, sharpe, sortino) => {
    const s = sharpeRatio(daily);
    const so = sortinoRatio(daily);
    if (sharpe === null) expect(s).toBeNull();
    else expect(s).toBeCloseTo(sharpe, 10);
    if (sortino === null) expect(so).toBeNull();
    else expect(so).toBeCloseTo(sortino, 10);
  });
});
