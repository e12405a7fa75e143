import type { MarketSession } from '@spyglass/core';
import { nyseCalendar } from '@spyglass/core';
import { shiftDate } from './calendar-day.js';
import { MARKET_RANGE } from './market-config.js';
import { NEWS_DECAY_MINUTES, newsForDate } from './news-generator.js';
import { Rng, hashSeed } from './prng.js';

/**
 * The coarse state of one trading day, from which its minutes are generated on demand. Computed for
 * every session of the calendar up front (a few thousand cheap steps), so any day is reachable
 * without simulating the minutes of the days before it.
 */
export interface DailyState {
  readonly date: string;
  readonly index: number;
  readonly session: MarketSession;
  /** Regular-session minutes: 390, or 210 on early closes. */
  readonly minutes: number;
  /** Annualized volatility regime of the day (decimal). */
  readonly annualVol: number;
  /** Unrounded open and close of SPY. */
  readonly open: number;
  readonly close: number;
  /** Log return open → close the intraday path must reach (diffusion + jumps + in-session news). */
  readonly intradayReturn: number;
  /** Jump sizes (log) the intraday path places at random minutes. */
  readonly jumps: readonly number[];
  /** VIX at the open and at the close. */
  readonly vixOpen: number;
  readonly vixClose: number;
  /** Expected SPY share volume of the session. */
  readonly volume: number;
}

const START_PRICE = 250;
/**
 * SPY's level at the start of each year (2026 onward extrapolated). The path is pulled toward this
 * trend (half-life about a month) so every seed keeps a realistic price level, however it wanders.
 */
const YEAR_ANCHORS: Record<number, number> = {
  2019: 250, 2020: 322, 2021: 373, 2022: 477, 2023: 384, 2024: 472, 2025: 587, 2026: 650, 2027: 700, 2028: 750,
};
const TREND_PULL = 0.02;

function trendLevel(date: string): number {
  const year = Number(date.slice(0, 4));
  const start = Date.UTC(year, 0, 1);
  const frac = (Date.parse(`${date}T00:00:00Z`) - start) / (Date.UTC(year + 1, 0, 1) - start);
  const a = Math.log(YEAR_ANCHORS[year] ?? 700);
  const b = Math.log(YEAR_ANCHORS[year + 1] ?? 750);
  return Math.exp(a + (b - a) * frac);
}
const MEAN_LOG_VOL = Math.log(0.155);
const VOL_PERSISTENCE = 0.97;
const VOL_OF_VOL = 0.085;
/** Correlation of the return shock with the next day's vol shock: the leverage effect. */
const LEVERAGE = -0.65;
const OVERNIGHT_VARIANCE_SHARE = 0.15;
/**
 * VIX over the regime volatility: the variance risk premium. Above 1 because the intraday swings
 * (intraday-path.ts) add realized variance within the session that the close-to-close regime does
 * not count; VIX stays above 30-minute realized volatility (sim-stats.spec).
 */
const VIX_PREMIUM = 1.15;
const DAILY_VOLUME = 70e6;

/**
 * Builds the daily path of every session in the market's range.
 *
 * @example
 * ```ts
 * const days = buildDailyPath(42);
 * days.get('2025-03-04')?.open; // ≈ 580
 * ```
 */
export function buildDailyPath(seed: number | string): Map<string, DailyState> {
  const rng = new Rng(hashSeed(seed, 'daily-path'));
  const dates = nyseCalendar.tradingDays(MARKET_RANGE.from, MARKET_RANGE.to);
  const out = new Map<string, DailyState>();
  let logVol = MEAN_LOG_VOL;
  let price = START_PRICE;
  let vix = VIX_PREMIUM * Math.exp(logVol) * 100;
  let prevClose = Number.NEGATIVE_INFINITY;
  let prevDate = shiftDate(dates[0]!, -1);
  for (let index = 0; index < dates.length; index++) {
    const date = dates[index]!;
    const session = nyseCalendar.session(date)!;
    const minutes = Math.round((session.close - session.open) / 60_000);
    const vol = Math.exp(logVol);
    const dayVar = (vol * vol) / 252;

    // News between the previous close and this open moves the gap (at half strength); news during
    // the session moves the intraday drift, truncated at the close.
    let gapNews = 0;
    let sessionNews = 0;
    const firstNewsDay = index === 0 ? date : prevDate;
    for (let d = firstNewsDay; d <= date; d = shiftDate(d, 1)) {
      for (const a of newsForDate(seed, d)) {
        if (a.publishedUtc >= prevClose && a.publishedUtc < session.open) gapNews += 0.5 * a.spyDrift;
        else if (a.publishedUtc >= session.open && a.publishedUtc < session.close) {
          const left = (session.close - a.publishedUtc) / 60_000;
          sessionNews += a.spyDrift * (1 - Math.exp(-left / NEWS_DECAY_MINUTES));
        }
      }
    }

    const zGap = rng.normal();
    const gap = Math.sqrt(dayVar * OVERNIGHT_VARIANCE_SHARE) * zGap + gapNews;
    const open = index === 0 ? START_PRICE : price * Math.exp(gap);
    const z = rng.normal();
    const sessionShare = (1 - OVERNIGHT_VARIANCE_SHARE) * (minutes / 390);
    const pull = TREND_PULL * Math.log(trendLevel(date) / open);
    const diffusion = pull - (dayVar * sessionShare) / 2 + Math.sqrt(dayVar * sessionShare) * z;
    const jumps: number[] = [];
    const jumpCount = rng.poisson(0.25);
    for (let j = 0; j < jumpCount; j++) jumps.push(-0.0008 + 0.0035 * rng.normal());
    const intradayReturn = diffusion + jumps.reduce((s, x) => s + x, 0) + sessionNews;
    const close = open * Math.exp(intradayReturn);

    // Leverage effect: a down day raises tomorrow's volatility; rare spikes give crisis regimes.
    const w = rng.normal();
    const spike = rng.chance(0.008) ? 0.6 : 0;
    logVol = MEAN_LOG_VOL + VOL_PERSISTENCE * (logVol - MEAN_LOG_VOL) + VOL_OF_VOL * (LEVERAGE * z + Math.sqrt(1 - LEVERAGE * LEVERAGE) * w) + spike;
    logVol = Math.min(Math.log(1.2), Math.max(Math.log(0.06), logVol));

    const vixOpen = index === 0 ? vix : vix * Math.exp(-3 * (gap - gapNews) + 0.02 * rng.normal());
    const vixClose = VIX_PREMIUM * Math.exp(logVol) * 100 * Math.exp(0.04 * rng.normal());
    vix = vixClose;
    const volume = DAILY_VOLUME * Math.pow(vol / 0.155, 0.7) * Math.exp(0.2 * rng.normal()) * (minutes / 390);

    out.set(date, { date, index, session, minutes, annualVol: vol, open, close, intradayReturn, jumps, vixOpen, vixClose, volume });
    price = close;
    prevClose = session.close;
    prevDate = date;
  }
  return out;
}
