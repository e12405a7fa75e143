import type { OccContract } from '@spyglass/core';
import { bsPrice } from '@spyglass/features';
import type { IntradayDay } from './intraday-path.js';
import { intradayVolumeShape } from './intraday-path.js';
import { DIVIDEND_YIELD, riskFreeRate, surfaceVol, yearsBetween } from './iv-surface.js';
import { Rng, hashSeed } from './prng.js';
import { type SimBar, cents, round4 } from './sim-bar.js';

/**
 * The model's view of a contract at the end of one minute: the inputs Black-Scholes was given and
 * the theoretical price that trades scatter around (within `halfSpread`).
 *
 * @example
 * ```ts
 * const q: OptionQuote | null = market.optionQuote('O:SPY250304C00580000', bar.t);
 * if (q) console.log(q.iv, q.theo);
 * ```
 */
export interface OptionQuote {
  /** Start of the minute (the bar's `t`). */
  readonly t: number;
  /** SPY and VIX at the minute's close. */
  readonly spot: number;
  readonly vix: number;
  /** Years from the minute's end to the expiration session's close. */
  readonly years: number;
  readonly rate: number;
  readonly dividendYield: number;
  /** The surface's IV for this strike at this moment. */
  readonly iv: number;
  /** Black-Scholes price at `iv`. */
  readonly theo: number;
  /** Trades print within ± this of `theo` (before rounding to the cent and the $0.01 floor). */
  readonly halfSpread: number;
}

/** Half the bid-ask spread a trade can print inside: 1 cent for cheap options, up to 10 cents. */
function halfSpreadOf(theo: number): number {
  return Math.min(0.1, Math.max(0.005, 0.015 * theo));
}

/** Everything option pricing needs about the session and the contract. */
export interface OptionDayInput {
  readonly seed: number | string;
  readonly ticker: string;
  readonly contract: OccContract;
  readonly date: string;
  readonly day: IntradayDay;
  /** Close of the expiration session (UTC epoch ms): options stop trading there. */
  readonly expiresAt: number;
}

/**
 * The model quote of a contract at minute index `m` of the day (at the minute's close).
 *
 * @example
 * ```ts
 * const q = optionQuoteAt(input, 0);
 * q.theo; // Black-Scholes price at the surface's IV
 * ```
 */
export function optionQuoteAt(input: OptionDayInput, m: number): OptionQuote {
  const spy = input.day.spy[m]!;
  const vix = input.day.vix[m]!.c;
  const end = spy.t + 60_000;
  return quote(input, spy.t, spy.c, vix, yearsBetween(end, input.expiresAt));
}

function quote(input: OptionDayInput, t: number, spot: number, vix: number, years: number): OptionQuote {
  const { contract, date } = input;
  const rate = riskFreeRate(date);
  const iv = surfaceVol(vix, spot, contract.strike, years);
  const theo = bsPrice({ type: contract.contractType, spot, strike: contract.strike, years, rate, dividendYield: DIVIDEND_YIELD, vol: iv });
  return { t, spot, vix, years, rate, dividendYield: DIVIDEND_YIELD, iv, theo, halfSpread: halfSpreadOf(theo) };
}

/**
 * Minute bars of one contract on one day. A minute trades with a probability that falls with the
 * distance from the money (in standard deviations of the remaining move) and follows the U-shaped
 * activity of the day; a minute without a trade has no bar, as in the real feed.
 *
 * @example
 * ```ts
 * const bars = generateOptionBars(input); // sparse, ascending by t
 * ```
 */
export function generateOptionBars(input: OptionDayInput): SimBar[] {
  const { day, contract, expiresAt } = input;
  const rng = new Rng(hashSeed(input.seed, 'option', input.ticker, input.date));
  const n = day.spy.length;
  const oneDay = input.date !== contract.expiration;
  const bars: SimBar[] = [];
  for (let m = 0; m < n; m++) {
    const spy = day.spy[m]!;
    if (spy.t + 60_000 > expiresAt) break;
    const vixNow = day.vix[m]!.c;
    const yearsEnd = yearsBetween(spy.t + 60_000, expiresAt);
    const atm = (0.95 * vixNow) / 100;
    // The remaining time is floored at three hours: a near-the-money contract keeps trading into the close.
    const distance = Math.abs(Math.log(contract.strike / spy.c)) / (atm * Math.sqrt(Math.max(yearsEnd, 3 / 8760)));
    // Near-the-money 0DTE contracts trade nearly every minute (the original's scan: ~360 bars per
    // contract-day, so a run above +20 % counts nearly all its minutes: at a width of 8 the scanned
    // contracts had 263 bars a day, at 30 about 325); activity still follows the day's U and thins
    // with the distance from the money.
    const activity = Math.min(1, 0.85 + 0.1 * intradayVolumeShape(m, n));
    const p = Math.min(0.99, (0.015 + 0.985 * Math.exp((-distance * distance) / 30)) * activity * (oneDay ? 0.6 : 1));
    const u = rng.next();
    if (u >= p) continue;
    const trades = 1 + rng.poisson(10 * p);
    const volume = trades + rng.poisson(trades * 4);
    const close = quote(input, spy.t, spy.c, vixNow, yearsEnd);
    const printAt = (q: OptionQuote): number => Math.max(0.01, cents(q.theo + q.halfSpread * (2 * rng.next() - 1)));
    const c = printAt(close);
    let o = c;
    let h = c;
    let l = c;
    if (trades >= 2) {
      const yearsStart = yearsBetween(spy.t, expiresAt);
      o = printAt(quote(input, spy.t, spy.o, day.vix[m]!.o, yearsStart));
      h = Math.max(o, c);
      l = Math.min(o, c);
      if (trades >= 3) {
        // The contract's own extremes come from SPY's: a call peaks with SPY's high, a put with its low.
        const up = contract.contractType === 'call' ? spy.h : spy.l;
        const down = contract.contractType === 'call' ? spy.l : spy.h;
        const mid = yearsBetween(spy.t + 30_000, expiresAt);
        h = Math.max(h, printAt(quote(input, spy.t, up, vixNow, mid)));
        l = Math.min(l, printAt(quote(input, spy.t, down, vixNow, mid)));
      }
    }
    const vw = round4(Math.min(h, Math.max(l, (o + h + l + c) / 4)));
    bars.push({ t: spy.t, o, h, l, c, v: volume, vw, n: trades });
  }
  return bars;
}
