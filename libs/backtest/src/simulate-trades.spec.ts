import { BarBook, type ContractSession } from './bar-book.js';
import { EXIT_REASONS, SKIP_REASONS, simulateTrades, type EntrySignal } from './simulate-trades.js';
import { DEFAULT_TRADE_RULES, type TradeRules } from './trade-rules.js';

const T0 = Date.UTC(2025, 2, 3, 14, 30);
const at = (minute: number) => T0 + minute * 60_000;
type Ohlc = [open: number, high: number, low: number, close: number];

function session(ticker: string, bars: Ohlc[], firstMinute = 0): ContractSession {
  return {
    ticker,
    date: '2025-03-03',
    t: bars.map((_, i) => at(firstMinute + i)),
    open: bars.map((b) => b[0]),
    high: bars.map((b) => b[1]),
    low: bars.map((b) => b[2]),
    close: bars.map((b) => b[3]),
  };
}
const signal = (ticker: string, minute: number, probability = 0.9): EntrySignal => ({ ticker, date: '2025-03-03', timestamp: at(minute), probability, label: 1 });
const rules: TradeRules = { ...DEFAULT_TRADE_RULES, slippage: 0.01, commissionPerContract: 0.65, takeProfit: 0.2, stopLoss: 0.5 };

// Signal bar 0 (close 1.00); entry at bar 1's open 1.00 → bought at 1.01 (1 % slippage, rounded up);
// take-profit 1.22 (1.212 rounded up), stop 0.50 (0.505 rounded down); commissions 2 × $0.65.
const SIGNAL_BAR: Ohlc = [0.98, 1.0, 0.97, 1.0];
const ENTRY_BAR: Ohlc = [1.0, 1.05, 0.98, 1.02];

describe('simulateTrades: fills and exits to the cent', () => {
  it.each<[string, Ohlc[], Partial<TradeRules>, string, number, number]>([
    // name, bars after the entry bar, rule overrides, exit reason, exit price, P&L in cents
    ['take-profit inside a bar fills at the limit', [[1.03, 1.25, 1.0, 1.2]], {}, EXIT_REASONS.takeProfit, 1.22, (122 - 101) * 100 - 130],
    ['a bar opening above the take-profit fills at its open', [[1.3, 1.35, 1.28, 1.3]], {}, EXIT_REASONS.takeProfit, 1.3, (130 - 101) * 100 - 130],
    ['stop inside a bar fills at the stop less slippage', [[0.9, 0.92, 0.45, 0.5]], {}, EXIT_REASONS.stopLoss, 0.49, (49 - 101) * 100 - 130],
    ['a bar gapping through the stop fills at its open less slippage', [[0.4, 0.42, 0.3, 0.35]], {}, EXIT_REASONS.stopLoss, 0.39, (39 - 101) * 100 - 130],
    ['stop and take-profit in one bar: the stop is assumed first', [[1.0, 1.3, 0.45, 1.0]], {}, EXIT_REASONS.stopLoss, 0.49, (49 - 101) * 100 - 130],
    ['time limit: the close of the last bar before entry + horizon', [[1.05, 1.1, 1.0, 1.08], [1.08, 1.12, 1.05, 1.1], [1.1, 1.15, 1.1, 1.15], [1.2, 1.5, 1.2, 1.5]], { horizonMinutes: 3 }, EXIT_REASONS.timeLimit, 1.08, (108 - 101) * 100 - 130],
    ['session close: the contract’s last bar comes before the horizon', [[1.05, 1.1, 1.0, 1.08], [1.08, 1.12, 1.05, 1.1]], {}, EXIT_REASONS.sessionClose, 1.08, (108 - 101) * 100 - 130],
    ['no stop rule: a −60 % bar is held to the close', [[0.4, 0.42, 0.3, 0.35]], { stopLoss: null }, EXIT_REASONS.sessionClose, 0.34, (34 - 101) * 100 - 130],
  ])('%s', (_name, after, overrides, reason, exitPrice, pnlCents) => {
    const book = new BarBook([session('A', [SIGNAL_BAR, ENTRY_BAR, ...after])]);
    const { trades, skipped } = simulateTrades([signal('A', 0)], book, { ...rules, ...overrides });
    expect(skipped).toEqual([]);
    expect(trades).toHaveLength(1);
    const t = trades[0]!;
    expect(t.entryTime).toBe(at(1));
    expect(t.entryPrice).toBe(1.01);
    expect(t.exitReason).toBe(reason);
    expect(t.exitPrice).toBe(exitPrice);
    expect(t.pnlCents).toBe(pnlCents);
    expect(t.pnl).toBe(pnlCents / 100);
    expect(t.commission).toBe(1.3);
    expect(t.return).toBeCloseTo(pnlCents / (10_100 + 65), 12);
  });

  it('never enters at the signal bar’s own close: the entry is the next bar’s open', () => {
    const book = new BarBook([session('A', [[1.0, 5.0, 1.0, 5.0], [2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0]])]);
    const [t] = simulateTrades([signal('A', 0)], book, { ...rules, slippage: 0 }).trades;
    expect(t!.entryPrice).toBe(2);
    expect(t!.entryTime).toBe(at(1));
  });

  it('overlapping signals in one contract: one position, the next signal after it closes trades again', () => {
    const bars: Ohlc[] = [SIGNAL_BAR, ENTRY_BAR, [1.03, 1.25, 1.0, 1.2], [1.2, 1.2, 1.2, 1.2], [1.2, 1.2, 1.2, 1.2], [1.2, 1.2, 1.2, 1.2]];
    const book = new BarBook([session('A', bars)]);
    // Signals at bars 0, 1 and 2 while the first position is open (entered bar 1, exited at bar 2's close).
    const sim = simulateTrades([signal('A', 0), signal('A', 1), signal('A', 2)], book, rules);
    expect(sim.trades.map((t) => t.signalTime)).toEqual([at(0), at(2)]);
    expect(sim.skipped).toEqual([{ date: '2025-03-03', ticker: 'A', signalTime: at(1), probability: 0.9, reason: SKIP_REASONS.positionOpen }]);
    // The second trade enters at bar 3's open 1.20 → 1.22 (1.212 up), held to the last close 1.20 → 1.18 (1.188 down).
    expect(sim.trades[1]!.entryPrice).toBe(1.22);
    expect(sim.trades[1]!.exitPrice).toBe(1.18);
    expect(sim.trades[1]!.pnlCents).toBe((118 - 122) * 100 - 130);
  });

  it('caps open positions, preferring the higher probability on ties', () => {
    const bars: Ohlc[] = [SIGNAL_BAR, ENTRY_BAR, [1.0, 1.0, 1.0, 1.0]];
    const book = new BarBook([session('A', bars), session('B', bars)]);
    const sim = simulateTrades([signal('A', 0, 0.8), signal('B', 0, 0.95)], book, { ...rules, maxOpenPositions: 1 });
    expect(sim.trades.map((t) => t.ticker)).toEqual(['B']);
    expect(sim.skipped.map((s) => [s.ticker, s.reason])).toEqual([['A', SKIP_REASONS.maxOpenPositions]]);
  });

  it('sizes by premium: floor(premium / cost of one contract)', () => {
    const book = new BarBook([session('A', [SIGNAL_BAR, ENTRY_BAR, [1.03, 1.25, 1.0, 1.2]])]);
    const [t] = simulateTrades([signal('A', 0)], book, { ...rules, sizing: { kind: 'premium', premium: 500 } }).trades;
    expect(t!.contracts).toBe(4); // 500 / 101 = 4.95
    expect(t!.pnlCents).toBe(4 * ((122 - 101) * 100 - 130));
    const tooSmall = simulateTrades([signal('A', 0)], book, { ...rules, sizing: { kind: 'premium', premium: 100 } });
    expect(tooSmall.skipped[0]!.reason).toBe(SKIP_REASONS.premiumTooSmall);
  });

  it.each([
    ['the signal bar is the last of the session', signal('A', 2), SKIP_REASONS.noNextBar],
    ['the book has no bar at the signal time', signal('A', 7), SKIP_REASONS.signalBarMissing],
    ['the book has no bars of the contract that day', signal('Z', 0), SKIP_REASONS.noBars],
  ])('skips a signal when %s', (_name, s, reason) => {
    const book = new BarBook([session('A', [SIGNAL_BAR, ENTRY_BAR, ENTRY_BAR])]);
    const sim = simulateTrades([s], book, rules);
    expect(sim.trades).toEqual([]);
    expect(sim.skipped.map((x) => x.reason)).toEqual([reason]);
  });

  it('refuses invalid rules with the key and the reason', () => {
    expect(() => simulateTrades([], new BarBook(), { ...rules, slippage: -1 })).toThrow(/slippage must be a fraction/);
  });

  it('refuses bars whose high and low do not bracket open and close', () => {
    expect(() => new BarBook([session('A', [[1.0, 0.9, 0.8, 1.0]])])).toThrow(/need 0 < low ≤ open, close ≤ high/);
  });
});
