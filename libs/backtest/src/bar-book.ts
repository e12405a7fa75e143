import { SpyglassError } from '@spyglass/core';

/**
 * One option contract's minute bars for one session, ascending by bar start.
 *
 * @example
 * ```ts
 * const s: ContractSession = {
 *   ticker: 'O:SPY250303C00590000', date: '2025-03-03',
 *   t: [Date.UTC(2025, 2, 3, 14, 30)], open: [1.0], high: [1.1], low: [0.95], close: [1.05],
 * };
 * ```
 */
export interface ContractSession {
  readonly ticker: string;
  /** New York trading day, `YYYY-MM-DD`. */
  readonly date: string;
  /** Bar start, UTC epoch ms, strictly increasing. */
  readonly t: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

const key = (ticker: string, date: string) => `${ticker}\u0000${date}`;

/**
 * The bars a backtest may fill against, by (contract, day). Checks each session once on insert:
 * strictly increasing times and `low ≤ open, close ≤ high`, all prices finite and > 0.
 *
 * @example
 * ```ts
 * const book = new BarBook([session]);
 * book.get('O:SPY250303C00590000', '2025-03-03')?.close.length;
 * ```
 */
export class BarBook {
  readonly #sessions = new Map<string, ContractSession>();

  constructor(sessions: Iterable<ContractSession> = []) {
    for (const s of sessions) this.add(s);
  }

  /** Adds (or replaces) one contract-session after checking it. */
  add(session: ContractSession): void {
    const { t, open, high, low, close } = session;
    const n = t.length;
    const where = `${session.ticker} ${session.date}`;
    if (open.length !== n || high.length !== n || low.length !== n || close.length !== n) {
      throw new SpyglassError('INVALID_ARGUMENT', `BarBook: ${where}: column lengths differ (${n} times)`, { details: { ticker: session.ticker, date: session.date } });
    }
    for (let i = 0; i < n; i++) {
      if (i > 0 && !(t[i]! > t[i - 1]!)) {
        throw new SpyglassError('INVALID_ARGUMENT', `BarBook: ${where}: bar ${i} starts at ${t[i]}, not after ${t[i - 1]}`, { details: { index: i } });
      }
      const o = open[i]!, h = high[i]!, l = low[i]!, c = close[i]!;
      if (!(l > 0 && h < Infinity && l <= o && l <= c && o <= h && c <= h)) {
        throw new SpyglassError('INVALID_ARGUMENT', `BarBook: ${where}: bar ${i} has o/h/l/c ${o}/${h}/${l}/${c} (need 0 < low ≤ open, close ≤ high)`, { details: { index: i } });
      }
    }
    this.#sessions.set(key(session.ticker, session.date), session);
  }

  /** The session of `ticker` on `date`, if any. */
  get(ticker: string, date: string): ContractSession | undefined {
    return this.#sessions.get(key(ticker, date));
  }

  /** Number of contract-sessions held. */
  get size(): number {
    return this.#sessions.size;
  }
}
