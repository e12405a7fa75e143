import { nyMinuteOfDay, nyseCalendar, type MarketCalendar, type OptionBar, type StockBar } from '@spyglass/core';
import { AsOfHistory } from './as-of-history.js';
import { bsGreeks } from './black-scholes.js';
import { BollingerStream } from './bollinger.js';
import { impliedVolatility } from './implied-volatility.js';
import { FEATURE_INDEX as F, INCREMENTAL_FEATURE_COLUMNS } from './incremental-feature-columns.js';
import { MacdStream } from './macd.js';
import { EmaStream } from './moving-average.js';
import { RollingZScoreStream } from './rolling-z-score.js';
import { RowWindow } from './row-window.js';
import { RsiStream } from './rsi.js';
import { expiryInstant } from './years-to-expiry.js';

/**
 * The regular session a {@link SessionFeatureEngine} covers: bars outside `[openMs, closeMs)`
 * never enter a feature (as in the batch path).
 *
 * @example
 * ```ts
 * const s = nyseCalendar.session('2025-03-04')!;
 * const session: FeatureSession = { date: '2025-03-04', openMs: s.open, closeMs: s.close };
 * ```
 */
export interface FeatureSession {
  readonly date: string;
  readonly openMs: number;
  readonly closeMs: number;
}

/**
 * Parameters shared with consolidation (rates are annualised, continuously compounded).
 *
 * @example
 * ```ts
 * const s: IncrementalFeatureSettings = { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 };
 * ```
 */
export interface IncrementalFeatureSettings {
  readonly riskFreeRate: number;
  readonly dividendYield: number;
  readonly newsLookbackMinutes: number;
  /** Expiry instants (session closes); default NYSE. */
  readonly calendar?: Pick<MarketCalendar, 'session'>;
}

/**
 * An underlying (SPY) minute bar, as `StockBar` carries it.
 *
 * @example
 * ```ts
 * const bar: UnderlyingBarInput = { timestamp: t, open: 601, high: 601.4, low: 600.9, close: 601.2, volume: 120_000, vwap: 601.1 };
 * ```
 */
export type UnderlyingBarInput = Pick<StockBar, 'timestamp' | 'open' | 'high' | 'low' | 'close' | 'volume'> & { readonly vwap?: number | null };

/**
 * An option minute bar with its contract fields, as `OptionBar` carries them.
 *
 * @example
 * ```ts
 * const bar: OptionBarInput = { ticker: 'O:SPY250304C00601000', timestamp: t, open: 1.2, high: 1.3, low: 1.1, close: 1.25,
 *   volume: 40, expiration: '2025-03-04', strike: 601, contractType: 'call' };
 * ```
 */
export type OptionBarInput = Pick<OptionBar, 'ticker' | 'timestamp' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'expiration' | 'strike'> & { readonly contractType: string };

/**
 * A news article as the features see it: when it was published and its sentiment for the underlying.
 *
 * @example
 * ```ts
 * const a: NewsInput = { id: 'abc', timestamp: t, sentiment: 'positive' };
 * ```
 */
export interface NewsInput {
  readonly id: string;
  readonly timestamp: number;
  readonly sentiment: 'positive' | 'neutral' | 'negative' | string | null;
}

/**
 * What happened to a bar handed to the engine. `applied`: it moved the state. `late`: it starts
 * before the newest bar already applied for the same series, so the O(1) state cannot take it
 * (the bar is still stored by the durable path; the batch view and a warm restart include it).
 * `duplicate`: same series and bar start as the newest applied. `outside-session`: extended hours.
 * `no-underlying`: an option bar with no underlying bar at or before it this session (the batch
 * path drops such a row too).
 *
 * @example
 * ```ts
 * const r: FeatureUpdate = engine.addUnderlyingBar(bar);
 * if (r !== 'applied') metrics.count(`live.${r}`);
 * ```
 */
export type FeatureUpdate = 'applied' | 'late' | 'duplicate' | 'outside-session' | 'no-underlying';

/**
 * IV and greeks of an option bar already solved elsewhere with the engine's kernels, rates and
 * spot (the batch path's consolidation solves them once for its file): given to
 * {@link SessionFeatureEngine.addOptionBar}, the engine takes them instead of solving again. NaN
 * where that solve had no solution.
 *
 * @example
 * ```ts
 * const solved: SolvedGreeks = { iv: 0.18, delta: 0.42, gamma: 0.05, theta: -0.31, vega: 0.02 };
 * const ok = engine.addOptionBar(optionBar, row, solved) === 'applied';
 * ```
 */
export interface SolvedGreeks {
  readonly iv: number;
  readonly delta: number;
  readonly gamma: number;
  readonly theta: number;
  readonly vega: number;
}

const MINUTE = 60_000;
const SENTIMENT_SCORE: Readonly<Record<string, number>> = { positive: 1, neutral: 0, negative: -1 };
const safeLn = (x: number): number => (x > 0 ? Math.log(x) : Number.NaN);
const finite = (x: number): number => (x - x === 0 ? x : Number.NaN);
const flag = (cond: boolean, defined: boolean): number => (defined ? (cond ? 1 : 0) : Number.NaN);

/** One underlying row: its bar start, close and the underlying-level half of the feature vector. */
interface UnderlyingRow {
  readonly ts: number;
  readonly close: number;
  readonly features: Float64Array;
}

/** Per-contract state: O(1) per bar (windows bounded by 20 bars and 60 minutes). */
class ContractState {
  lastTs = Number.NEGATIVE_INFINITY;
  firstOpen = Number.NaN;
  maxHigh = Number.NEGATIVE_INFINITY;
  minLow = Number.POSITIVE_INFINITY;
  readonly closes = new AsOfHistory(60 * MINUTE);
  readonly ivs = new AsOfHistory(5 * MINUTE);
  readonly volumes = new RowWindow(20);
  constructor(readonly expiryMs: number) {}
}

/**
 * The 66 model features of one session, one bar at a time (the live engine's state): every
 * indicator and feature is a small state machine updated in O(1) per bar (windows are bounded by
 * 60 minutes or 30 bars, never by the length of the day). Its output equals the batch path
 * (`consolidate` + `generateFeatures`) for the same bars: tests replay whole simulated sessions
 * through both and compare every value (indicators bit for bit; window aggregates that DuckDB
 * sums in a different order within 1e-12 relative).
 *
 * Feed the bars of a minute in this order: index (VIX) bars, news, the underlying bar, then the
 * option bars — as the batch as-of joins see them (`<=` on the bar start).
 *
 * @example
 * ```ts
 * import { SessionFeatureEngine } from '@spyglass/features';
 * const s = nyseCalendar.session('2025-03-04')!;
 * const engine = new SessionFeatureEngine({ date: '2025-03-04', openMs: s.open, closeMs: s.close },
 *   { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 });
 * engine.addIndexBar({ timestamp: t, close: 17.2 });
 * engine.addUnderlyingBar(spyBar);
 * const row = new Float64Array(66);
 * if (engine.addOptionBar(optionBar, row) === 'applied') scorer.probability(row);
 * ```
 */
export class SessionFeatureEngine {
  readonly session: FeatureSession;
  private readonly settings: IncrementalFeatureSettings;
  private readonly calendar: Pick<MarketCalendar, 'session'>;
  private readonly dayOfWeek: number;
  // underlying state
  private lastSpyTs = Number.NEGATIVE_INFINITY;
  private prevClose = Number.NaN;
  private prevVix = Number.NaN;
  private dayOpen = Number.NaN;
  private pvSum = 0;
  private volSum = 0;
  private readonly rsi = new RsiStream(14);
  private readonly ema9 = new EmaStream(9);
  private readonly ema21 = new EmaStream(21);
  private readonly macd = new MacdStream(12, 26, 9);
  private readonly bb = new BollingerStream(20, 2);
  private readonly volumeZ = new RollingZScoreStream(20);
  private readonly spyCloses = new AsOfHistory(60 * MINUTE);
  private readonly vwapDists = new AsOfHistory(5 * MINUTE);
  private readonly vixOnGrid = new AsOfHistory(30 * MINUTE);
  private readonly vol5 = new RowWindow(5);
  private readonly vol30 = new RowWindow(30);
  private readonly lr5 = new RowWindow(5);
  private readonly lr15 = new RowWindow(15);
  private readonly lr30 = new RowWindow(30);
  private readonly tr14 = new RowWindow(14);
  private readonly lrVix30 = new RowWindow(30);
  // VIX bars by start; a few minutes of history so a VIX bar that arrives after a later one still joins right
  private readonly vix = new AsOfHistory(60 * MINUTE);
  private lastVixTs = Number.NEGATIVE_INFINITY;
  // news in the look-back, ordered by publication
  private readonly news: { id: string; ts: number; score: number }[] = [];
  private readonly newsIds = new Map<string, number>();
  // underlying rows, newest last (a few minutes: option bars join the newest row at or before them)
  private readonly rows: UnderlyingRow[] = [];
  private readonly contracts = new Map<string, ContractState>();
  private readonly solveInput: { type: 'call' | 'put'; spot: number; strike: number; years: number; rate: number; dividendYield: number; price: number; vol: number };

  constructor(session: FeatureSession, settings: IncrementalFeatureSettings) {
    this.session = session;
    this.settings = settings;
    this.calendar = settings.calendar ?? nyseCalendar;
    this.solveInput = { type: 'call', spot: 0, strike: 0, years: 0, rate: settings.riskFreeRate, dividendYield: settings.dividendYield, price: 0, vol: 0 };
    const dow = new Date(`${session.date}T00:00:00Z`).getUTCDay();
    this.dayOfWeek = dow === 0 ? 7 : dow;
  }

  /** Contracts seen this session. */
  get contractCount(): number {
    return this.contracts.size;
  }

  /** Bar start of the newest underlying row (−∞ before the first). */
  get lastUnderlyingTime(): number {
    return this.lastSpyTs;
  }

  /** Bar start of the newest index (VIX) bar (−∞ before the first). */
  get lastIndexTime(): number {
    return this.lastVixTs;
  }

  private inSession(t: number): boolean {
    return t >= this.session.openMs && t < this.session.closeMs;
  }

  /** A volatility-index (VIX) minute bar. */
  addIndexBar(bar: { readonly timestamp: number; readonly close: number }): FeatureUpdate {
    const t = bar.timestamp;
    if (!this.inSession(t)) return 'outside-session';
    if (t === this.lastVixTs) return 'duplicate';
    if (t < this.lastVixTs) return 'late';
    this.lastVixTs = t;
    this.vix.push(t, bar.close);
    return 'applied';
  }

  /**
   * A news article (any time; it counts for underlying rows whose bar starts at or after its
   * publication and within the look-back). The same id again keeps its earliest time.
   */
  addNews(article: NewsInput): FeatureUpdate {
    const known = this.newsIds.get(article.id);
    if (known !== undefined && known <= article.timestamp) return 'duplicate';
    if (known !== undefined) {
      const at = this.news.findIndex((n) => n.id === article.id);
      if (at >= 0) this.news.splice(at, 1);
    }
    this.newsIds.set(article.id, article.timestamp);
    const score = article.sentiment === null ? Number.NaN : (SENTIMENT_SCORE[article.sentiment] ?? Number.NaN);
    let k = this.news.length;
    while (k > 0 && this.news[k - 1]!.ts > article.timestamp) k--;
    this.news.splice(k, 0, { id: article.id, ts: article.timestamp, score });
    return 'applied';
  }

  /** An underlying (SPY) minute bar: computes the underlying-level features of its row. */
  addUnderlyingBar(bar: UnderlyingBarInput): FeatureUpdate {
    const t = bar.timestamp;
    if (!this.inSession(t)) return 'outside-session';
    if (t === this.lastSpyTs) return 'duplicate';
    if (t < this.lastSpyTs) return 'late';
    this.lastSpyTs = t;
    const { open, high, low, close, volume } = bar;
    const v = new Float64Array(INCREMENTAL_FEATURE_COLUMNS.length).fill(Number.NaN);
    const prevClose = this.prevClose;
    const vixClose = this.vix.at(t);
    const lr = prevClose === prevClose ? safeLn(close / prevClose) : Number.NaN;
    const vixLr = safeLn(vixClose / this.prevVix);
    const tr = Math.max(high - low, Math.abs(high - (prevClose === prevClose ? prevClose : high)), Math.abs(low - (prevClose === prevClose ? prevClose : low)));
    const barVwap = bar.vwap === null || bar.vwap === undefined ? (high + low + close) / 3 : bar.vwap;
    this.pvSum += barVwap * volume;
    this.volSum += volume;
    if (this.dayOpen !== this.dayOpen) this.dayOpen = open;
    const sessionVwap = this.volSum === 0 ? Number.NaN : this.pvSum / this.volSum;
    const rsi = this.rsi.update(close);
    const ema9 = this.ema9.update(close);
    const ema21 = this.ema21.update(close);
    const m = this.macd.update(close);
    const b = this.bb.update(close);
    const volumeZ = this.volumeZ.update(volume);
    this.vol5.push(volume);
    this.vol30.push(volume);
    this.lr5.push(lr);
    this.lr15.push(lr);
    this.lr30.push(lr);
    this.tr14.push(tr);
    this.lrVix30.push(lr, vixLr);

    const minuteOfSession = (t - this.session.openMs) / 60000;
    const minutesToClose = (this.session.closeMs - t) / 60000;
    v[F.minute_of_session] = minuteOfSession;
    v[F.minutes_to_close] = minutesToClose;
    v[F.hour_et] = Math.floor(nyMinuteOfDay(t) / 60);
    v[F.day_of_week] = this.dayOfWeek;
    v[F.is_first_30min] = minuteOfSession < 30 ? 1 : 0;
    v[F.is_last_30min] = minutesToClose <= 30 ? 1 : 0;
    v[F.spy_ret_1m] = close / this.spyCloses.at(t - MINUTE) - 1;
    v[F.spy_ret_5m] = close / this.spyCloses.at(t - 5 * MINUTE) - 1;
    v[F.spy_ret_15m] = close / this.spyCloses.at(t - 15 * MINUTE) - 1;
    v[F.spy_ret_30m] = close / this.spyCloses.at(t - 30 * MINUTE) - 1;
    v[F.spy_ret_60m] = close / this.spyCloses.at(t - 60 * MINUTE) - 1;
    v[F.spy_ret_from_open] = close / this.dayOpen - 1;
    v[F.spy_log_volume] = safeLn(1 + volume);
    v[F.spy_volume_z_20] = volumeZ;
    const vol30 = this.vol30.mean();
    v[F.spy_volume_ratio_5_30] = vol30 === 0 ? Number.NaN : this.vol5.mean() / vol30;
    v[F.spy_rv_5] = this.lr5.count() === 5 ? this.lr5.stdPop() : Number.NaN;
    v[F.spy_rv_15] = this.lr15.count() === 15 ? this.lr15.stdPop() : Number.NaN;
    v[F.spy_rv_30] = this.lr30.count() === 30 ? this.lr30.stdPop() : Number.NaN;
    v[F.spy_range_pct] = (high - low) / close;
    v[F.spy_atr_14_pct] = this.tr14.rows === 14 ? this.tr14.mean() / close : Number.NaN;
    v[F.spy_rsi_14] = rsi;
    v[F.spy_macd] = m.macd;
    v[F.spy_macd_signal] = m.signal;
    v[F.spy_macd_hist] = m.histogram;
    v[F.spy_ema_9_dist] = close / ema9 - 1;
    v[F.spy_ema_21_dist] = close / ema21 - 1;
    const bandWidth = b.upper - b.lower;
    v[F.spy_bb_pct_b] = bandWidth === 0 ? Number.NaN : (close - b.lower) / bandWidth;
    v[F.spy_bb_width] = bandWidth / b.middle;
    v[F.spy_bb_upper_dist] = (b.upper - close) / close;
    v[F.spy_bb_lower_dist] = (close - b.lower) / close;
    const vwapDist = close / sessionVwap - 1;
    v[F.spy_session_vwap_dist] = vwapDist;
    v[F.spy_bar_vwap_dist] = close / barVwap - 1;
    v[F.spy_vwap_dist_change_5m] = vwapDist - this.vwapDists.at(t - 5 * MINUTE);
    v[F.spy_above_session_vwap] = flag(close > sessionVwap, sessionVwap === sessionVwap);
    v[F.vix_close] = vixClose;
    v[F.vix_ret_5m] = vixClose / this.vixOnGrid.at(t - 5 * MINUTE) - 1;
    v[F.vix_ret_30m] = vixClose / this.vixOnGrid.at(t - 30 * MINUTE) - 1;
    v[F.spy_vix_corr_30] = this.lrVix30.pairCount() === 30 ? this.lrVix30.corr() : Number.NaN;
    this.newsFeatures(t, v);

    this.prevClose = close;
    this.prevVix = vixClose;
    this.spyCloses.push(t, close);
    this.vwapDists.push(t, vwapDist);
    this.vixOnGrid.push(t, vixClose);
    this.rows.push({ ts: t, close, features: v });
    if (this.rows.length > 128) this.rows.splice(0, 64);
    return 'applied';
  }

  private newsFeatures(t: number, v: Float64Array): void {
    const lookback = Math.round(this.settings.newsLookbackMinutes * MINUTE);
    const from = t - lookback;
    // Articles at or before t − lookback can never count again (rows only move forward).
    let drop = 0;
    while (drop < this.news.length && this.news[drop]!.ts <= from) drop++;
    if (drop > 0) for (const gone of this.news.splice(0, drop)) this.newsIds.delete(gone.id);
    let count = 0;
    let sum = 0;
    let scored = 0;
    let latestTs = Number.NEGATIVE_INFINITY;
    let latestScore = Number.NaN;
    let latestScoredTs = Number.NEGATIVE_INFINITY;
    for (const n of this.news) {
      if (n.ts > t) break;
      count++;
      if (n.ts > latestTs) latestTs = n.ts;
      if (n.score === n.score) {
        sum += n.score;
        scored++;
        if (n.ts >= latestScoredTs) {
          latestScoredTs = n.ts;
          latestScore = n.score;
        }
      }
    }
    v[F.news_count] = count;
    v[F.news_sentiment_mean] = scored === 0 ? Number.NaN : sum / scored;
    v[F.news_sentiment_latest] = latestScore;
    v[F.minutes_since_news] = count === 0 ? Number.NaN : (t - latestTs) / 60000;
  }

  /**
   * An option minute bar: updates its contract's state and writes the full 66-value feature
   * vector (model order, NaN = missing) into `out`, joining the newest underlying row at or
   * before the bar. Returns `applied` when `out` holds a row to score. `solved`: the bar's IV and
   * greeks when the caller already has them from the same inputs and kernels (taken as they are,
   * only where the engine would solve: time left and a call or put); without it the engine solves.
   */
  addOptionBar(bar: OptionBarInput, out: Float64Array, solved?: SolvedGreeks): FeatureUpdate {
    const t = bar.timestamp;
    if (!this.inSession(t)) return 'outside-session';
    let c = this.contracts.get(bar.ticker);
    if (c !== undefined && t === c.lastTs) return 'duplicate';
    if (c !== undefined && t < c.lastTs) return 'late';
    let row: UnderlyingRow | undefined;
    for (let k = this.rows.length - 1; k >= 0; k--) {
      if (this.rows[k]!.ts <= t) {
        row = this.rows[k];
        break;
      }
    }
    if (row === undefined) return 'no-underlying';
    if (c === undefined) {
      let expiryMs: number;
      try {
        expiryMs = expiryInstant(bar.expiration, this.calendar);
      } catch {
        expiryMs = Number.NaN;
      }
      c = new ContractState(expiryMs);
      this.contracts.set(bar.ticker, c);
    }
    const { open, high, low, close, volume } = bar;
    const prevTs = c.lastTs;
    c.lastTs = t;
    if (prevTs === Number.NEGATIVE_INFINITY) c.firstOpen = open;
    if (high > c.maxHigh) c.maxHigh = high;
    if (low < c.minLow) c.minLow = low;
    c.volumes.push(volume);

    // Consolidation: spot as of the bar, time to the expiration day's close, IV and greeks.
    const spot = row.close;
    const remaining = c.expiryMs - t;
    let iv = Number.NaN;
    let delta = Number.NaN;
    let gamma = Number.NaN;
    let theta = Number.NaN;
    let vega = Number.NaN;
    const type = bar.contractType;
    if (solved !== undefined) {
      if (remaining > 0 && (type === 'call' || type === 'put')) {
        iv = solved.iv;
        delta = solved.delta;
        gamma = solved.gamma;
        theta = solved.theta;
        vega = solved.vega;
      }
    } else if (remaining > 0 && (type === 'call' || type === 'put')) {
      // One input object per engine, refilled per bar (neither call keeps it): no two object
      // literals per option bar to collect, and one shape for both kernels' property reads.
      const input = this.solveInput;
      input.type = type;
      input.spot = spot;
      input.strike = bar.strike;
      input.years = remaining / (365 * 86_400_000);
      input.price = close;
      input.vol = 0;
      const result = impliedVolatility(input);
      if (result.ok) {
        input.vol = result.vol;
        const g = bsGreeks(input);
        iv = result.vol;
        delta = g.delta;
        gamma = g.gamma;
        theta = g.theta;
        vega = g.vega;
      }
    }
    const minutesToExpiry = remaining / 60_000;

    out.set(row.features);
    out[F.opt_ret_1m] = close / c.closes.at(t - MINUTE) - 1;
    out[F.opt_ret_5m] = close / c.closes.at(t - 5 * MINUTE) - 1;
    out[F.opt_ret_15m] = close / c.closes.at(t - 15 * MINUTE) - 1;
    out[F.opt_ret_30m] = close / c.closes.at(t - 30 * MINUTE) - 1;
    out[F.opt_ret_60m] = close / c.closes.at(t - 60 * MINUTE) - 1;
    out[F.opt_ret_from_open] = close / c.firstOpen - 1;
    out[F.opt_range_pct] = (high - low) / close;
    out[F.opt_dist_from_high] = close / c.maxHigh - 1;
    out[F.opt_dist_from_low] = close / c.minLow - 1;
    out[F.opt_log_volume] = safeLn(1 + volume);
    if (c.volumes.rows === 20) {
      const sd = c.volumes.stdPop();
      out[F.opt_volume_z_20] = sd === 0 ? Number.NaN : (volume - c.volumes.mean()) / sd;
    }
    out[F.opt_minutes_since_prev_bar] = (t - prevTs) / 60000;
    out[F.is_call] = type === 'call' ? 1 : 0;
    out[F.moneyness] = spot / bar.strike;
    out[F.minutes_to_expiry] = minutesToExpiry;
    out[F.log_minutes_to_expiry] = minutesToExpiry > 0 ? Math.log(minutesToExpiry) : Number.NaN;
    out[F.is_0dte] = bar.expiration === this.session.date ? 1 : 0;
    out[F.iv] = iv;
    out[F.iv_ok] = iv === iv ? 1 : 0;
    out[F.iv_change_5m] = iv - c.ivs.at(t - 5 * MINUTE);
    out[F.delta] = delta;
    out[F.gamma] = gamma;
    out[F.theta] = theta;
    out[F.vega] = vega;
    for (let k = 0; k < out.length; k++) out[k] = finite(out[k]!);
    c.closes.push(t, close);
    c.ivs.push(t, iv);
    return 'applied';
  }
}
