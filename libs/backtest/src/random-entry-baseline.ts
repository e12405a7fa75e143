import { SpyglassError, seededRandom } from '@spyglass/core';
import type { BarBook } from './bar-book.js';
import { simulateTrades, type EntrySignal, type SimulatedTrade } from './simulate-trades.js';
import type { TradeRules } from './trade-rules.js';

/**
 * Options of {@link randomEntryBaseline}.
 *
 * @example
 * ```ts
 * const opts: RandomEntryOptions = { draws: 500, seed: 7, bucketMinutes: 30 };
 * ```
 */
export interface RandomEntryOptions {
  /** Random portfolios drawn (default 200). */
  readonly draws?: number;
  /** Default 42. */
  readonly seed?: number;
  /** Width of the time-of-day buckets whose counts each draw reproduces (default 15 minutes). */
  readonly bucketMinutes?: number;
  /**
   * Keep every draw's trades in `trades` (default true). Off, `trades` is empty and only the
   * per-day sums are kept: 200 draws of a year's 20k signals are 4 M trade objects (GBs).
   */
  readonly keepTrades?: boolean;
}

/**
 * Random entries with the model's count and time-of-day profile: each draw replaces every model
 * signal by a contract-minute drawn uniformly from the candidates of the same day and the same
 * time bucket (the same day when the bucket has none), then trades them under the same rules.
 *
 * @example
 * ```ts
 * const r: RandomEntryBaseline = randomEntryBaseline(signals, candidates, book, rules);
 * console.log(r.percentileOf(modelTotalPnl));
 * ```
 */
export interface RandomEntryBaseline {
  readonly draws: number;
  /** Total P&L of each draw, dollars, in draw order. */
  readonly totalPnl: readonly number[];
  /** Mean trade return of each draw (null when a draw made no trade). */
  readonly meanTradeReturn: readonly (number | null)[];
  /** Every draw's trades, pooled (empty with `keepTrades: false`). */
  readonly trades: readonly SimulatedTrade[];
  /** Per entry day, the sum and count of every draw's trade returns (for per-day comparisons). */
  readonly returnsByDay: ReadonlyMap<string, { readonly sum: number; readonly count: number }>;
  /** Share of draws whose total P&L is below `totalPnl` (ties count half), in [0, 1]. */
  percentileOf(totalPnl: number): number;
}

/**
 * Draws the random-entry distribution (see {@link RandomEntryBaseline}); `candidates` are every
 * contract-minute the model could have signalled on (e.g. every row of the test days).
 *
 * @example
 * ```ts
 * const baseline = randomEntryBaseline(modelSignals, allRows, book, DEFAULT_TRADE_RULES, { draws: 200, seed: 42 });
 * ```
 */
export function randomEntryBaseline(
  signals: readonly EntrySignal[],
  candidates: readonly EntrySignal[],
  book: BarBook,
  rules: TradeRules,
  options: RandomEntryOptions = {},
): RandomEntryBaseline {
  const draws = options.draws ?? 200;
  if (!(Number.isInteger(draws) && draws >= 1)) throw new SpyglassError('INVALID_ARGUMENT', `randomEntryBaseline: draws = ${draws}: must be an integer ≥ 1`);
  const bucketMs = (options.bucketMinutes ?? 15) * 60_000;
  const byDay = new Map<string, EntrySignal[]>();
  const byBucket = new Map<string, EntrySignal[]>();
  for (const c of candidates) {
    (byDay.get(c.date) ?? byDay.set(c.date, []).get(c.date)!).push(c);
    const k = `${c.date}|${Math.floor(c.timestamp / bucketMs)}`;
    (byBucket.get(k) ?? byBucket.set(k, []).get(k)!).push(c);
  }
  const random = seededRandom(options.seed ?? 42);
  const totalPnl: number[] = [];
  const meanTradeReturn: (number | null)[] = [];
  const trades: SimulatedTrade[] = [];
  const keep = options.keepTrades ?? true;
  const returnsByDay = new Map<string, { sum: number; count: number }>();
  for (let d = 0; d < draws; d++) {
    const drawn: EntrySignal[] = [];
    for (const s of signals) {
      const pool = byBucket.get(`${s.date}|${Math.floor(s.timestamp / bucketMs)}`) ?? byDay.get(s.date);
      if (pool?.length) drawn.push(pool[Math.floor(random() * pool.length)]!);
    }
    const sim = simulateTrades(drawn, book, rules);
    totalPnl.push(sim.trades.reduce((a, t) => a + t.pnlCents, 0) / 100);
    meanTradeReturn.push(sim.trades.length ? sim.trades.reduce((a, t) => a + t.return, 0) / sim.trades.length : null);
    for (const t of sim.trades) {
      const day = returnsByDay.get(t.date) ?? returnsByDay.set(t.date, { sum: 0, count: 0 }).get(t.date)!;
      day.sum += t.return;
      day.count++;
      if (keep) trades.push(t);
    }
  }
  return {
    draws,
    totalPnl,
    meanTradeReturn,
    trades,
    returnsByDay,
    percentileOf(value: number): number {
      let below = 0;
      for (const v of totalPnl) below += v < value ? 1 : v === value ? 0.5 : 0;
      return below / totalPnl.length;
    },
  };
}
