import type { DailyState } from './daily-path.js';
import { NEWS_DECAY_MINUTES, type SimNewsArticle } from './news-generator.js';
import { Rng, hashSeed } from './prng.js';
import { type SimBar, type SimIndexBar, cents, round4 } from './sim-bar.js';

/** One generated session: SPY and VIX minute bars plus the per-minute volatility used to make them. */
export interface IntradayDay {
  readonly date: string;
  readonly spy: readonly SimBar[];
  readonly vix: readonly SimIndexBar[];
  /** Annualized instantaneous volatility of each minute (U-shape × stochastic factor × regime). */
  readonly minuteVol: readonly number[];
}

/**
 * Variance multiplier of minute m of n: high after the open and into the close. The closing rise is
 * what puts the afternoon's option events in the 15 h hour rather than the 14 h one, as the
 * original measured (gamma into the close).
 */
function intradayVolShape(m: number, n: number): number {
  return 1 + 1.4 * Math.exp(-m / 25) + 1.5 * Math.exp(-(n - 1 - m) / 20);
}

/**
 * Volume weight of minute m of n: the familiar U, with the close heavier than the open. Calibrated
 * on real SPY minutes (reference/): the first half hour trades ~5× and the last ~6× the quietest
 * midday half hour.
 */
export function intradayVolumeShape(m: number, n: number): number {
  return 1 + 6.5 * Math.exp(-m / 20) + 11 * Math.exp(-(n - 1 - m) / 14);
}

const MINUTES_PER_YEAR = 252 * 390;
/**
 * Share of the session's variance carried by the slow intraday drift. At 0.75 a quarter of the
 * runs above +20 % lasted one minute (minute noise flicking a 0DTE contract across the level) and
 * the median run was 6 minutes against the original's 8.5; at 0.82 it is 8 (seed 42, `sim stats`)
 * while 30-minute realized volatility stays below VIX.
 */
const TREND_VARIANCE_SHARE = 0.82;
/** Correlation time of the slow drift, minutes. */
const TREND_MINUTES = 180;
/**
 * Chance a minute carries a jump, and the jump's sd in units of the minute's sd: with the daily
 * jumps spread over DAY_JUMP_MINUTES, they give one-minute returns the excess kurtosis of the real
 * SPY minute files (≈ 10, `sim stats`).
 */
const MINUTE_JUMP_PROBABILITY = 0.006;
const MINUTE_JUMP_SCALE = 4.5;
/** A daily jump (daily-path.ts) lands over this many consecutive minutes, not in one. */
const DAY_JUMP_MINUTES = 2;
/**
 * Intraday swings: a damped oscillation of the price level (period and damping time in minutes)
 * whose sd is this fraction of the day's sd. It returns the price toward where it was, so a 0DTE
 * contract that lost in the morning can come back: both the call and the put of a session cross
 * +20 % a few times, as the original's median of 4 events per contract-day says real ones do.
 */
const SWING_SD_OF_DAY = 0.28;
const SWING_PERIOD_MINUTES = 240;
const SWING_DAMPING_MINUTES = 60;
/** Steps the oscillator runs before the open, so it starts in its stationary state. */
const SWING_BURN_IN = 120;
/** Stochastic volatility factor: sd of its log and its mean-reversion time in minutes. */
const VOL_FACTOR_SD = 0.37;
const VOL_FACTOR_MINUTES = 40;
const VIX_BETA = 7;
/**
 * VIX's own minute noise (log sd), independent of SPY: small enough that SPY's and VIX's one-minute
 * returns stay clearly negatively correlated (below -0.5, `sim stats`) now that less of SPY's
 * variance comes as minute noise.
 */
const VIX_OWN_NOISE = 0.0038;

/**
 * Generates a session's minutes from its daily state: stochastic, U-shaped volatility, the day's
 * jumps, news drift, and a bridge correction so the path lands on the daily close exactly; VIX moves
 * against SPY and is bridged to the daily VIX close.
 *
 * @example
 * ```ts
 * const day = generateIntraday(42, dailyPath.get('2025-03-04')!, newsForDate(42, '2025-03-04'));
 * day.spy.length; // 390
 * ```
 */
export function generateIntraday(seed: number | string, state: DailyState, news: readonly SimNewsArticle[]): IntradayDay {
  const rng = new Rng(hashSeed(seed, 'intraday', state.date));
  const n = state.minutes;
  const open = state.session.open;

  // Per-minute sd: regime × U-shape (normalized to mean variance 1) × a slow stochastic factor.
  const shape = new Float64Array(n);
  let shapeSum = 0;
  for (let m = 0; m < n; m++) {
    shape[m] = intradayVolShape(m, n);
    shapeSum += shape[m]!;
  }
  const baseVar = ((state.annualVol * state.annualVol) / MINUTES_PER_YEAR) * 0.85;
  const sd = new Float64Array(n);
  const minuteVol: number[] = new Array(n);
  // The log-vol factor's sd and mean reversion give the clustering of |r| real SPY minutes show.
  const hs = VOL_FACTOR_SD;
  let h = hs * rng.normal();
  for (let m = 0; m < n; m++) {
    h = h * (1 - 1 / VOL_FACTOR_MINUTES) + Math.sqrt((2 / VOL_FACTOR_MINUTES) * hs * hs) * rng.normal();
    const factor = Math.exp(h - (hs * hs) / 2);
    sd[m] = Math.sqrt((baseVar * shape[m]! * n) / shapeSum) * factor;
    minuteVol[m] = sd[m]! * Math.sqrt(MINUTES_PER_YEAR);
  }

  // Increments: diffusion, jumps at random minutes, and each in-session article's decaying drift.
  const inc = new Float64Array(n);
  let weight = 0;
  for (let m = 0; m < n; m++) weight += sd[m]! * sd[m]!;
  // A share of the session's variance comes as a slowly varying drift (intraday trends and swings
  // lasting about TREND_MINUTES), the rest as minute noise with rare jumps (fat tails). The trend is
  // what lets a 0DTE contract stay above +20 % for a while, as on real SPY (calibration.ts).
  const rho = Math.exp(-1 / TREND_MINUTES);
  const trendSd = Math.sqrt(((TREND_VARIANCE_SHARE * weight) / n) * (1 - rho) * (1 - rho));
  const noiseScale = Math.sqrt((1 - TREND_VARIANCE_SHARE) / (1 + MINUTE_JUMP_PROBABILITY * MINUTE_JUMP_SCALE ** 2));
  let trend = (trendSd / Math.sqrt(1 - rho * rho)) * rng.normal();
  for (let m = 0; m < n; m++) {
    trend = rho * trend + trendSd * rng.normal();
    const z = rng.normal();
    const jump = rng.chance(MINUTE_JUMP_PROBABILITY) ? MINUTE_JUMP_SCALE * rng.normal() : 0;
    inc[m] = noiseScale * sd[m]! * (z + jump) + trend;
  }
  const swing = swingIncrements(rng, n, (SWING_SD_OF_DAY * state.annualVol) / Math.sqrt(252));
  for (let m = 0; m < n; m++) inc[m]! += swing[m]!;
  for (const j of state.jumps) {
    const m = rng.int(n);
    const width = Math.min(DAY_JUMP_MINUTES, n - m);
    for (let k = 0; k < width; k++) inc[m + k]! += j / width;
  }
  const newsDrift = new Float64Array(n);
  for (const a of news) {
    if (a.spyDrift === 0 || a.publishedUtc < open || a.publishedUtc >= state.session.close) continue;
    const t0 = (a.publishedUtc - open) / 60_000;
    for (let m = Math.floor(t0); m < n; m++) {
      const from = Math.max(m, t0) - t0;
      const to = m + 1 - t0;
      newsDrift[m]! += a.spyDrift * (Math.exp(-from / NEWS_DECAY_MINUTES) - Math.exp(-to / NEWS_DECAY_MINUTES));
    }
  }
  let free = 0;
  for (let m = 0; m < n; m++) {
    inc[m]! += newsDrift[m]!;
    free += inc[m]!;
  }
  // Bridge: spread the miss in proportion to each minute's variance, so news and jumps stay local.
  const miss = state.intradayReturn - free;
  for (let m = 0; m < n; m++) inc[m]! += (miss * sd[m]! * sd[m]!) / weight;

  const spy: SimBar[] = new Array(n);
  let logPrice = Math.log(state.open);
  let prevClose = cents(state.open);
  for (let m = 0; m < n; m++) {
    logPrice += inc[m]!;
    const o = prevClose;
    const c = cents(Math.exp(logPrice));
    const wick = sd[m]! * Math.max(o, c);
    const hi = cents(Math.max(o, c) + Math.abs(rng.normal()) * 0.5 * wick);
    const lo = cents(Math.min(o, c) - Math.abs(rng.normal()) * 0.5 * wick);
    const mid = (o + hi + lo + c) / 4 + (hi - lo) * 0.1 * rng.normal();
    const vw = round4(Math.min(hi, Math.max(lo, mid)));
    const surprise = Math.abs(inc[m]!) / sd[m]!;
    const vol = Math.max(100, Math.round((state.volume * intradayVolumeShape(m, n) * (0.6 + 0.3 * surprise) * Math.exp(0.3 * rng.normal())) / volumeNorm(n)));
    const tradeSize = 110 * Math.exp(0.2 * rng.normal());
    const trades = Math.max(1, Math.round(vol / tradeSize));
    spy[m] = { t: open + m * 60_000, o, h: hi, l: lo, c, v: vol, vw, n: trades };
    prevClose = c;
  }

  // VIX: minute log changes against SPY's return plus its own noise, bridged to the daily VIX close.
  const vixInc = new Float64Array(n);
  let vixFree = 0;
  for (let m = 0; m < n; m++) {
    vixInc[m] = -VIX_BETA * inc[m]! + VIX_OWN_NOISE * rng.normal();
    vixFree += vixInc[m]!;
  }
  const vixMiss = Math.log(state.vixClose / state.vixOpen) - vixFree;
  const vix: SimIndexBar[] = new Array(n);
  let logVix = Math.log(state.vixOpen);
  let vixPrev = cents(state.vixOpen);
  for (let m = 0; m < n; m++) {
    logVix += vixInc[m]! + vixMiss / n;
    const o = vixPrev;
    const c = cents(Math.exp(logVix));
    const wick = 0.001 * Math.max(o, c);
    vix[m] = {
      t: open + m * 60_000,
      o,
      h: cents(Math.max(o, c) + Math.abs(rng.normal()) * wick),
      l: cents(Math.min(o, c) - Math.abs(rng.normal()) * wick),
      c,
    };
    vixPrev = c;
  }
  return { date: state.date, spy, vix, minuteVol };
}

/**
 * Minute increments of the swing: a damped oscillator (velocity AR(1) with a restoring pull on the
 * level) scaled so the level's sd over the session is `levelSd`. Its increments are smooth, so it
 * moves the price over tens of minutes without adding minute noise.
 */
function swingIncrements(rng: Rng, n: number, levelSd: number): Float64Array {
  const pull = ((2 * Math.PI) / SWING_PERIOD_MINUTES) ** 2;
  const keep = Math.exp(-1 / SWING_DAMPING_MINUTES);
  const level = new Float64Array(n + 1);
  let velocity = 0;
  let x = 0;
  for (let m = -SWING_BURN_IN; m < n; m++) {
    velocity = keep * velocity - pull * x + rng.normal();
    x += velocity;
    if (m >= -1) level[m + 1] = x;
  }
  let mean = 0;
  for (const y of level) mean += y / level.length;
  let variance = 0;
  for (const y of level) variance += (y - mean) ** 2 / level.length;
  const scale = variance > 0 ? levelSd / Math.sqrt(variance) : 0;
  const out = new Float64Array(n);
  for (let m = 0; m < n; m++) out[m] = (level[m + 1]! - level[m]!) * scale;
  return out;
}

const volumeNorms = new Map<number, number>();
/** Sum of the volume shape over a session of n minutes (so the day's volume is as planned). */
function volumeNorm(n: number): number {
  let s = volumeNorms.get(n);
  if (s === undefined) {
    s = 0;
    for (let m = 0; m < n; m++) s += intradayVolumeShape(m, n);
    volumeNorms.set(n, s);
  }
  return s;
}
