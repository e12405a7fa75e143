import { SpyglassError } from '@spyglass/core';
import type { BarBook, ContractSession } from './bar-book.js';
import { validateTradeRules, type TradeRules } from './trade-rules.js';

/**
 * A model signal: the bar whose close made it known, its probability, and (when known) its label.
 *
 * @example
 * ```ts
 * const s: EntrySignal = { ticker: 'O:SPY250303C00590000', date: '2025-03-03', timestamp: Date.UTC(2025, 2, 3, 15, 0), probability: 0.91, label: 1 };
 * ```
 */
export interface EntrySignal {
  readonly ticker: string;
  readonly date: string;
  /** Start of the signal bar, UTC epoch ms (the signal is known at its close). */
  readonly timestamp: number;
  readonly probability: number;
  /** The classification label of the signal bar (1 = it rose ≥ 20 % within 120 min), when known. */
  readonly label?: number;
}

/**
 * Why a position closed.
 *
 * @example
 * ```ts
 * const stops = result.trades.filter((t) => t.exitReason === EXIT_REASONS.stopLoss);
 * ```
 */
export const EXIT_REASONS = {
  takeProfit: 'take_profit',
  stopLoss: 'stop_loss',
  /** The horizon elapsed: the close of the last bar starting before entry + horizon. */
  timeLimit: 'time_limit',
  /** The contract's last bar of the session came first. */
  sessionClose: 'session_close',
} as const;

/** One of {@link EXIT_REASONS}. */
export type ExitReason = (typeof EXIT_REASONS)[keyof typeof EXIT_REASONS];

/**
 * Why a signal did not become a trade.
 *
 * @example
 * ```ts
 * const capped = result.skipped.filter((s) => s.reason === SKIP_REASONS.maxOpenPositions).length;
 * ```
 */
export const SKIP_REASONS = {
  /** No bars of the contract that day in the book. */
  noBars: 'no_bars',
  /** The book has no bar at the signal's timestamp. */
  signalBarMissing: 'signal_bar_missing',
  /** The signal bar is the contract's last of the session: nothing to enter at. */
  noNextBar: 'no_next_bar',
  /** A position in the same contract is still open. */
  positionOpen: 'position_open',
  /** `maxOpenPositions` positions are open. */
  maxOpenPositions: 'max_open_positions',
  /** Fixed-premium sizing: one contract costs more than the premium. */
  premiumTooSmall: 'premium_too_small',
} as const;

/** One of {@link SKIP_REASONS}. */
export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

/**
 * One round trip. Prices are fills in dollars per share (whole cents); money in dollars, with the
 * P&L also in integer cents so sums are exact.
 *
 * @example
 * ```ts
 * const t: SimulatedTrade = result.trades[0];
 * console.log(t.entryPrice, t.exitPrice, t.exitReason, t.pnl);
 * ```
 */
export interface SimulatedTrade {
  readonly date: string;
  readonly ticker: string;
  readonly signalTime: number;
  readonly probability: number;
  readonly label: number | null;
  /** Start of the entry bar (the bar after the signal bar); the fill is at its open. */
  readonly entryTime: number;
  readonly entryPrice: number;
  /** Close time of the exit bar (its start + one bar). */
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly exitReason: ExitReason;
  readonly takeProfitPrice: number;
  /** Null without a stop-loss rule. */
  readonly stopPrice: number | null;
  readonly contracts: number;
  /** Both sides, dollars. */
  readonly commission: number;
  readonly pnl: number;
  readonly pnlCents: number;
  /** P&L over the cash paid to enter (premium + entry commission), a fraction. */
  readonly return: number;
  readonly barsHeld: number;
}

/**
 * A signal that did not trade, and why.
 *
 * @example
 * ```ts
 * const s: SkippedSignal = result.skipped[0];
 * console.log(s.ticker, s.reason);
 * ```
 */
export interface SkippedSignal {
  readonly date: string;
  readonly ticker: string;
  readonly signalTime: number;
  readonly probability: number;
  readonly reason: SkipReason;
}

/**
 * The trades and skipped signals of {@link simulateTrades}, with the rules that made them.
 *
 * @example
 * ```ts
 * const { trades, skipped, rules }: TradeSimulation = simulateTrades(signals, book, DEFAULT_TRADE_RULES);
 * ```
 */
export interface TradeSimulation {
  readonly rules: TradeRules;
  /** Ordered by entry time. */
  readonly trades: readonly SimulatedTrade[];
  readonly skipped: readonly SkippedSignal[];
}

const MINUTE_MS = 60_000;
const EPS = 1e-7;
/** Whole cents at or above `cents` (a buy never pays less than the price it crosses). */
const ceilCents = (cents: number) => Math.max(1, Math.ceil(cents - EPS));
/** Whole cents at or below `cents` (a sell never receives more). */
const floorCents = (cents: number) => Math.max(1, Math.floor(cents + EPS));

function findBar(t: ArrayLike<number>, timestamp: number): number {
  let lo = 0;
  let hi = t.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = t[mid]!;
    if (v === timestamp) return mid;
    if (v < timestamp) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

interface Exit {
  readonly index: number;
  readonly cents: number;
  readonly reason: ExitReason;
}

/** Walks the bars from the entry bar until an exit rule fires (see {@link TradeRules}). */
function findExit(s: ContractSession, entry: number, tpCents: number, stopCents: number | null, rules: TradeRules): Exit {
  const horizonEnd = s.t[entry]! + rules.horizonMinutes * MINUTE_MS;
  const sell = (cents: number) => floorCents(cents * (1 - rules.slippage));
  let last = entry;
  for (let k = entry; k < s.t.length && s.t[k]! < horizonEnd; k++) {
    last = k;
    const open = s.open[k]! * 100;
    if (k > entry) {
      // A bar that opens beyond a level traded through it between bars: the first price is the open.
      if (stopCents !== null && open <= stopCents) return { index: k, cents: sell(open), reason: EXIT_REASONS.stopLoss };
      if (open >= tpCents) return { index: k, cents: floorCents(open), reason: EXIT_REASONS.takeProfit };
    }
    if (stopCents !== null && s.low[k]! * 100 <= stopCents) return { index: k, cents: sell(stopCents), reason: EXIT_REASONS.stopLoss };
    if (s.high[k]! * 100 >= tpCents) return { index: k, cents: tpCents, reason: EXIT_REASONS.takeProfit };
  }
  const horizonReached = last < s.t.length - 1 || s.t[last]! + rules.barMinutes * MINUTE_MS >= horizonEnd;
  return { index: last, cents: sell(s.close[last]! * 100), reason: horizonReached ? EXIT_REASONS.timeLimit : EXIT_REASONS.sessionClose };
}

interface Candidate {
  readonly signal: EntrySignal;
  readonly session: ContractSession;
  readonly entry: number;
}

/**
 * Simulates the trades a list of signals would have made on the book's minute bars under `rules`
 * (see {@link TradeRules} for every fill and exit rule). Signals are taken in order of entry time
 * (higher probability first on ties); each either trades or is listed in `skipped` with a reason.
 *
 * @example
 * ```ts
 * const sim = simulateTrades(
 *   [{ ticker: 'O:SPY250303C00590000', date: '2025-03-03', timestamp: Date.UTC(2025, 2, 3, 15, 0), probability: 0.9 }],
 *   book,
 *   DEFAULT_TRADE_RULES,
 * );
 * console.log(sim.trades.map((t) => `${t.exitReason} ${t.pnl.toFixed(2)}`));
 * ```
 */
export function simulateTrades(signals: readonly EntrySignal[], book: BarBook, rules: TradeRules): TradeSimulation {
  const issues = validateTradeRules(rules);
  if (issues.length) {
    throw new SpyglassError('CONFIG', `invalid trade rules: ${issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, { details: { issues } });
  }
  const skipped: SkippedSignal[] = [];
  const skip = (signal: EntrySignal, reason: SkipReason) =>
    skipped.push({ date: signal.date, ticker: signal.ticker, signalTime: signal.timestamp, probability: signal.probability, reason });
  const candidates: Candidate[] = [];
  for (const signal of signals) {
    const session = book.get(signal.ticker, signal.date);
    if (!session) { skip(signal, SKIP_REASONS.noBars); continue; }
    const at = findBar(session.t, signal.timestamp);
    if (at < 0) { skip(signal, SKIP_REASONS.signalBarMissing); continue; }
    if (at + 1 >= session.t.length) { skip(signal, SKIP_REASONS.noNextBar); continue; }
    candidates.push({ signal, session, entry: at + 1 });
  }
  candidates.sort(
    (a, b) =>
      a.session.t[a.entry]! - b.session.t[b.entry]! ||
      b.signal.probability - a.signal.probability ||
      (a.signal.ticker < b.signal.ticker ? -1 : a.signal.ticker > b.signal.ticker ? 1 : 0),
  );

  const barMs = rules.barMinutes * MINUTE_MS;
  const commissionCents = Math.round(rules.commissionPerContract * 100);
  const open = new Map<string, number>(); // ticker → exit time of its open position
  const trades: SimulatedTrade[] = [];
  for (const { signal, session, entry } of candidates) {
    const entryTime = session.t[entry]!;
    for (const [ticker, exitTime] of open) if (exitTime <= entryTime) open.delete(ticker);
    if (open.has(signal.ticker)) { skip(signal, SKIP_REASONS.positionOpen); continue; }
    if (open.size >= rules.maxOpenPositions) { skip(signal, SKIP_REASONS.maxOpenPositions); continue; }
    const entryCents = ceilCents(session.open[entry]! * 100 * (1 + rules.slippage));
    const perContract = entryCents * rules.multiplier;
    const contracts = rules.sizing.kind === 'contracts' ? rules.sizing.contracts : Math.floor((Math.round(rules.sizing.premium * 100) + EPS) / perContract);
    if (contracts < 1) { skip(signal, SKIP_REASONS.premiumTooSmall); continue; }
    const tpCents = ceilCents(entryCents * (1 + rules.takeProfit));
    const stopCents = rules.stopLoss === null ? null : Math.max(0, Math.floor(entryCents * (1 - rules.stopLoss) + EPS));
    const exit = findExit(session, entry, tpCents, stopCents, rules);
    const exitTime = session.t[exit.index]! + barMs;
    const commission = 2 * commissionCents * contracts;
    const pnlCents = (exit.cents - entryCents) * rules.multiplier * contracts - commission;
    open.set(signal.ticker, exitTime);
    trades.push({
      date: signal.date,
      ticker: signal.ticker,
      signalTime: signal.timestamp,
      probability: signal.probability,
      label: signal.label ?? null,
      entryTime,
      entryPrice: entryCents / 100,
      exitTime,
      exitPrice: exit.cents / 100,
      exitReason: exit.reason,
      takeProfitPrice: tpCents / 100,
      stopPrice: stopCents === null ? null : stopCents / 100,
      contracts,
      commission: commission / 100,
      pnl: pnlCents / 100,
      pnlCents,
      return: pnlCents / (perContract * contracts + commissionCents * contracts),
      barsHeld: exit.index - entry + 1,
    });
  }
  return { rules, trades, skipped };
}

const TRADE_COLUMNS = [
  'date', 'ticker', 'signal_time', 'probability', 'label', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'exit_reason',
  'take_profit_price', 'stop_price', 'contracts', 'commission', 'pnl', 'return', 'bars_held',
] as const;

/**
 * Simulated trades as CSV (times ISO-8601 UTC, prices and money in dollars, `return` a fraction):
 * every rule's outcome is a column, so a trade can be checked by hand against its bars.
 *
 * @example
 * ```ts
 * writeFileSync('pnl_trades.csv', pnlTradesCsv(sim.trades));
 * ```
 */
export function pnlTradesCsv(trades: readonly SimulatedTrade[]): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const cell = (v: string | number | null) => (v === null ? '' : String(v));
  const lines = trades.map((t) =>
    [
      t.date, t.ticker, iso(t.signalTime), t.probability, t.label, iso(t.entryTime), t.entryPrice.toFixed(2), iso(t.exitTime), t.exitPrice.toFixed(2), t.exitReason,
      t.takeProfitPrice.toFixed(2), t.stopPrice === null ? null : t.stopPrice.toFixed(2), t.contracts, t.commission.toFixed(2), t.pnl.toFixed(2), t.return, t.barsHeld,
    ].map(cell).join(','),
  );
  return [TRADE_COLUMNS.join(','), ...lines].join('\n') + '\n';
}
