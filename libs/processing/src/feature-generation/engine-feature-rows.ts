import type { MarketCalendar } from '@spyglass/core';
import { FEATURE_COLUMNS, INCREMENTAL_FEATURE_COLUMNS, SessionFeatureEngine, type OptionBarInput, type SolvedGreeks } from '@spyglass/features';

/** One pass of the batch feature step as columns: the sessions, the underlying, VIX, news and the consolidated option rows. */
export interface EnginePassInput {
  /** Sessions of the pass, ascending. */
  readonly sessions: { readonly date: string; readonly openMs: number; readonly closeMs: number }[];
  /** Underlying bars of the pass, ordered by bar start. */
  readonly spy: { readonly ts: Float64Array; readonly open: Float64Array; readonly high: Float64Array; readonly low: Float64Array; readonly close: Float64Array; readonly volume: Float64Array; readonly vwap: Float64Array };
  /** Volatility-index bars of the pass, ordered by bar start. */
  readonly vix: { readonly ts: Float64Array; readonly close: Float64Array };
  /** Articles (one per id, earliest publication), ordered by time; score +1/0/−1, NaN without sentiment. */
  readonly news: { readonly ts: Float64Array; readonly id: readonly (string | null)[]; readonly score: Float64Array };
  /** Consolidated option rows in file order (date, ticker, bar start). */
  readonly options: {
    readonly ts: Float64Array;
    /** Contract of each row as an index into `contracts` (rows of one contract-day are adjacent). */
    readonly contract: Float64Array;
    readonly open: Float64Array;
    readonly high: Float64Array;
    readonly low: Float64Array;
    readonly close: Float64Array;
    readonly volume: Float64Array;
    readonly strike: Float64Array;
    /** The values consolidation stored, checked against the engine's (same inputs, same kernels). */
    readonly iv: Float64Array;
    readonly delta: Float64Array;
    readonly gamma: Float64Array;
    readonly theta: Float64Array;
    readonly vega: Float64Array;
    readonly moneyness: Float64Array;
    readonly minutesToExpiry: Float64Array;
  };
  /** The pass's contracts: ticker, expiration date and `call`/`put`. */
  readonly contracts: readonly { readonly ticker: string; readonly expiration: string; readonly contractType: string }[];
}

/**
 * The pass's 66 features (NaN = NULL) row-major: row r's features in {@link FEATURE_COLUMNS} order
 * at `[r × 66, (r + 1) × 66)`; `starts[r]` = 1 where a contract-day begins. Or why the engine
 * could not take the pass. `rowsPerSession[k]`: rows of `sessions[k]` (consecutive, in order).
 */
export type EnginePassResult =
  | { readonly ok: true; readonly rows: Float64Array; readonly starts: Uint8Array; readonly rowsPerSession: readonly number[] }
  | { readonly ok: false; readonly reason: string };

const CHECKED = ['iv', 'delta', 'gamma', 'theta', 'vega', 'moneyness', 'minutes_to_expiry'] as const;
const SENTIMENT = (score: number): string | null => (score === 1 ? 'positive' : score === -1 ? 'negative' : score === 0 ? 'neutral' : null);
const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

/**
 * The batch features of a pass computed by replaying each session through the live engine
 * (`SessionFeatureEngine`): one definition of every feature for the batch and the live path, in
 * O(1) per bar. Bars enter in the order the as-of joins see them (VIX, news, the underlying bar,
 * then the option bars of that minute). The engine re-solves IV and the greeks from the same inputs
 * with the same kernels; every row's values are checked against the consolidated ones, and a pass
 * whose rows the engine cannot take (a duplicate bar, a consolidation run with other rates) is
 * reported `ok: false` for the caller to compute another way.
 *
 * `solvedGreeks`: the caller vouches that `options.iv … vega` were solved in this run with these
 * settings (the fused consolidation pass): the engine takes them instead of solving each bar again
 * and only moneyness and minutes to expiry are checked. Without it (values read back from files a
 * run with other rates may have written) the engine solves and every value is checked.
 */
export function engineFeatureRows(
  input: EnginePassInput,
  settings: { readonly riskFreeRate: number; readonly dividendYield: number; readonly newsLookbackMinutes: number; readonly calendar: MarketCalendar },
  solvedGreeks = false,
): EnginePassResult {
  const o = input.options;
  const n = o.ts.length;
  const width = FEATURE_COLUMNS.length;
  // The engine fills vectors in catalog order (a features spec proves the two lists equal): rows are copied whole.
  if (FEATURE_COLUMNS.some((c, k) => INCREMENTAL_FEATURE_COLUMNS[k] !== c)) return { ok: false, reason: 'feature catalog and engine columns differ' };
  // With solved greeks the first five checks would compare a value with itself: skipped.
  const firstCheck = solvedGreeks ? 5 : 0;
  const checked = CHECKED.map((c) => (INCREMENTAL_FEATURE_COLUMNS as readonly string[]).indexOf(c));
  const stored = [o.iv, o.delta, o.gamma, o.theta, o.vega, o.moneyness, o.minutesToExpiry];
  const solved: { -readonly [K in keyof SolvedGreeks]: number } = { iv: 0, delta: 0, gamma: 0, theta: 0, vega: 0 };
  const rows = new Float64Array(n * width);
  const starts = new Uint8Array(n);
  const out = new Float64Array(width);
  const bar: { -readonly [K in keyof OptionBarInput]: OptionBarInput[K] } = { ticker: '', timestamp: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, expiration: '', strike: 0, contractType: '' };
  const underlying = { timestamp: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, vwap: null as number | null };
  const rowsPerSession: number[] = [];
  let row = 0;
  let spyAt = 0;
  let vixAt = 0;
  let newsAt = 0;
  for (const session of input.sessions) {
    const engine = new SessionFeatureEngine(session, settings);
    // Rows of this session (consolidated rows are in-session and ordered by date).
    const first = row;
    while (row < n && o.ts[row]! < session.closeMs && o.ts[row]! >= session.openMs) row++;
    const count = row - first;
    rowsPerSession.push(count);
    // Option rows by bar start (stable: the file order within a minute).
    const order = new Uint32Array(count);
    for (let k = 0; k < count; k++) order[k] = first + k;
    order.sort((a, b) => o.ts[a]! - o.ts[b]! || a - b);
    for (let k = first; k < row; k++) starts[k] = k === first || o.contract[k] !== o.contract[k - 1] ? 1 : 0;
    const lookbackMs = Math.round(settings.newsLookbackMinutes * 60_000);
    while (newsAt < input.news.ts.length && input.news.ts[newsAt]! <= session.openMs - lookbackMs) newsAt++;
    for (let k = newsAt; k < input.news.ts.length && input.news.ts[k]! < session.closeMs; k++) {
      engine.addNews({ id: input.news.id[k] ?? '', timestamp: input.news.ts[k]!, sentiment: SENTIMENT(input.news.score[k]!) });
    }
    while (spyAt < input.spy.ts.length && input.spy.ts[spyAt]! < session.openMs) spyAt++;
    while (vixAt < input.vix.ts.length && input.vix.ts[vixAt]! < session.openMs) vixAt++;
    for (let k = 0; k < count; k++) {
      const r = order[k]!;
      const t = o.ts[r]!;
      // The underlying bars up to this option bar, each after the VIX bars up to it.
      while (spyAt < input.spy.ts.length && input.spy.ts[spyAt]! <= t) {
        const st = input.spy.ts[spyAt]!;
        while (vixAt < input.vix.ts.length && input.vix.ts[vixAt]! <= st) {
          engine.addIndexBar({ timestamp: input.vix.ts[vixAt]!, close: input.vix.close[vixAt]! });
          vixAt++;
        }
        underlying.timestamp = st;
        underlying.open = input.spy.open[spyAt]!;
        underlying.high = input.spy.high[spyAt]!;
        underlying.low = input.spy.low[spyAt]!;
        underlying.close = input.spy.close[spyAt]!;
        underlying.volume = input.spy.volume[spyAt]!;
        const vw = input.spy.vwap[spyAt]!;
        underlying.vwap = vw === vw ? vw : null;
        engine.addUnderlyingBar(underlying);
        spyAt++;
      }
      const meta = input.contracts[o.contract[r]!];
      if (meta === undefined) return { ok: false, reason: `no contract for row ${r}` };
      const ticker = meta.ticker;
      bar.ticker = ticker;
      bar.timestamp = t;
      bar.open = o.open[r]!;
      bar.high = o.high[r]!;
      bar.low = o.low[r]!;
      bar.close = o.close[r]!;
      bar.volume = o.volume[r]!;
      bar.strike = o.strike[r]!;
      bar.expiration = meta.expiration;
      bar.contractType = meta.contractType;
      let status;
      if (solvedGreeks) {
        solved.iv = o.iv[r]!;
        solved.delta = o.delta[r]!;
        solved.gamma = o.gamma[r]!;
        solved.theta = o.theta[r]!;
        solved.vega = o.vega[r]!;
        status = engine.addOptionBar(bar, out, solved);
      } else status = engine.addOptionBar(bar, out);
      if (status !== 'applied') return { ok: false, reason: `option bar ${ticker} at ${t}: ${status}` };
      for (let c = firstCheck; c < CHECKED.length; c++) {
        if (!same(out[checked[c]!]!, stored[c]![r]!)) return { ok: false, reason: `${CHECKED[c]} of ${ticker} at ${t} differs from the consolidated value` };
      }
      rows.set(out, r * width);
    }
    // The session's remaining bars move no option row: not fed.
    while (spyAt < input.spy.ts.length && input.spy.ts[spyAt]! < session.closeMs) spyAt++;
    while (vixAt < input.vix.ts.length && input.vix.ts[vixAt]! < session.closeMs) vixAt++;
  }
  if (row !== n) return { ok: false, reason: `option row at ${o.ts[row]} lies outside the pass's sessions` };
  return { ok: true, rows, starts, rowsPerSession };
}
