import { impliedVolatility } from '@spyglass/features';
import { type CalibrationRow, type OriginalScanFigures, calibrationTable, stylizedFactRows } from './calibration.js';
import { SPY_NEWS_DRIFT } from './news-generator.js';
import { scanContractDay } from './original-scan.js';
import { type StylizedFacts, referenceSpyMinutes, stylizedFacts } from './stylized-facts.js';
import { SyntheticMarket } from './synthetic-market.js';

/**
 * Options of {@link simStats}.
 *
 * @example
 * ```ts
 * const opts: SimStatsOptions = { from: '2025-03-03', to: '2025-03-31', maxDays: 10, contractStride: 4 };
 * ```
 */
export interface SimStatsOptions {
  /** First and last date of the sample (default: the 20 sessions ending 2025-03-31). */
  readonly from?: string;
  readonly to?: string;
  /** Cap on sessions sampled (evenly spread over [from, to]); default 20. */
  readonly maxDays?: number;
  /** Move threshold and window of the move counter (default 0.2 and 120 minutes). */
  readonly moveThreshold?: number;
  readonly moveWindowMinutes?: number;
  /** Measure the option chain (the slow part); default true. */
  readonly includeOptions?: boolean;
  /** Take every k-th contract of each day's chain (default 1: all). */
  readonly contractStride?: number;
  /**
   * The calibration sample: sessions in [from, to] (default the original's scanned year,
   * 2025-03-01 … 2026-02-28), at most `days` of them evenly spread (default 84). Measured when
   * `includeOptions` is not false.
   */
  readonly calibration?: { readonly from?: string; readonly to?: string; readonly days?: number };
}

/**
 * What the simulator's data looks like, measured on its own output. `volatility` compares realized
 * volatility with the VIX level; `volume` the U shape; `options` the chain against Black-Scholes at
 * the surface's IV; `moves` the rate of 20 % option moves; `news` the drift after SPY news.
 *
 * @example
 * ```ts
 * const s: SimStats = simStatsForSeed(42, { includeOptions: false });
 * console.log(s.volatility.vixOverRealized); // > 1: the variance risk premium
 * ```
 */
export interface SimStats {
  readonly seed: number | string;
  readonly days: readonly string[];
  readonly volatility: {
    /** Mean annualized realized vol from 30-minute log returns (decimal). */
    readonly meanRealized: number;
    /** Mean VIX / 100 over the same minutes. */
    readonly meanVix: number;
    /** meanVix / meanRealized: the variance risk premium makes it > 1. */
    readonly vixOverRealized: number;
    /** Correlation across days of realized vol with the day's mean VIX. */
    readonly dailyCorrelation: number;
    /** Correlation of 1-minute SPY log returns with 1-minute VIX log changes. */
    readonly minuteReturnCorrelation: number;
  };
  readonly volume: {
    /** Mean SPY volume in each 30-minute bucket of a full session (13 buckets). */
    readonly halfHourMeans: readonly number[];
    /** First and last half hour relative to the quietest midday half hour. */
    readonly openToMidday: number;
    readonly closeToMidday: number;
  };
  readonly options: {
    readonly barsChecked: number;
    /** Share of bar closes within the model's half-spread (+ half a cent) of Black-Scholes. */
    readonly withinSpread: number;
    /** Median |IV implied from the bar close − surface IV|, in vol points, for out-of-the-money closes ≥ $0.50. */
    readonly medianIvErrorPoints: number;
  };
  readonly moves: {
    readonly threshold: number;
    readonly windowMinutes: number;
    /** 0DTE and 1DTE contract-days with at least 30 bars. */
    readonly contractDays: number;
    readonly medianPerContractDay: number;
    readonly meanPerContractDay: number;
  };
  /**
   * The original's scan and label, measured on the nearest 0DTE call strictly above and put at or
   * below each session's opening price (what the original's targeted download scanned); absent
   * when `includeOptions` is false.
   */
  readonly originalScan?: OriginalScanFigures;
  /** The original's figures beside the simulator's (see {@link ORIGINAL_FIGURES}), then the stylized facts of the real SPY files beside the simulator's. */
  readonly calibration: readonly CalibrationRow[];
  /** Stylized facts of SPY minutes: the real reference files and the simulator's sessions. */
  readonly stylizedFacts: { readonly real: StylizedFacts; readonly simulated: StylizedFacts };
  readonly news: {
    readonly spyArticlesInSession: number;
    /** Mean SPY log return over the 60 minutes after publication, in basis points, by sentiment. */
    readonly forward60mBp: { readonly positive: number; readonly neutral: number; readonly negative: number };
    /** The drift the model injects per SPY article (bp, total over the decay). */
    readonly injectedBp: number;
  };
}

const REALIZED_STEP = 30;

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Counts non-overlapping up-moves of at least `threshold` within `windowMs`: from an anchor bar,
 * the first later close ≥ (1 + threshold) × the anchor's close within the window is an event and
 * becomes the next anchor; otherwise the anchor moves one bar on.
 *
 * @example
 * ```ts
 * countMoves([{ t: 0, c: 1 }, { t: 60_000, c: 1.25 }], 0.2, 7_200_000); // 1
 * ```
 */
export function countMoves(bars: ReadonlyArray<{ t: number; c: number }>, threshold: number, windowMs: number): number {
  let events = 0;
  let i = 0;
  while (i < bars.length) {
    const anchor = bars[i]!;
    let hit = -1;
    for (let j = i + 1; j < bars.length && bars[j]!.t - anchor.t <= windowMs; j++) {
      if (bars[j]!.c >= anchor.c * (1 + threshold)) {
        hit = j;
        break;
      }
    }
    if (hit >= 0) {
      events++;
      i = hit;
    } else i++;
  }
  return events;
}

function spreadDays(market: SyntheticMarket, from: string, to: string, maxDays: number): string[] {
  const all = market.tradingDays(from, to);
  const step = Math.max(1, all.length / maxDays);
  const days: string[] = [];
  for (let k = 0; k < all.length && days.length < maxDays; k += step) days.push(all[Math.floor(k)]!);
  return days;
}

/**
 * The original's scan (step 27/28) and label (step 29) on the simulator: per session, the nearest
 * 0DTE call strictly above the opening price and put at or below it.
 *
 * @example
 * ```ts
 * const figures = originalScan(new SyntheticMarket({ seed: 42 }), ['2025-03-03', '2025-03-04']);
 * figures.labelPositiveRate; // the share of minutes whose 120-minute window reaches +20 %
 * ```
 */
export function originalScan(market: SyntheticMarket, days: readonly string[], threshold = 0.2, windowMinutes = 120): OriginalScanFigures {
  const perDay: number[] = [];
  const durations: number[] = [];
  const byHour: Record<string, number> = {};
  for (let h = 9; h <= 15; h++) byHour[String(h)] = 0;
  let bars = 0;
  let above = 0;
  let positive = 0;
  for (const date of days) {
    const spy = market.stockBars('SPY', date);
    const session = market.session(date);
    if (spy.length === 0 || !session) continue;
    const open = spy[0]!.o;
    const chain = market.optionContracts(date, { expirationDate: date });
    const call = chain.filter((c) => c.contractType === 'call' && c.strike > open).sort((a, b) => a.strike - b.strike)[0];
    const put = chain.filter((c) => c.contractType === 'put' && c.strike <= open).sort((a, b) => b.strike - a.strike)[0];
    for (const contract of [call, put]) {
      if (!contract) continue;
      const scan = scanContractDay(market.optionBars(contract.ticker, date), threshold, session.close, windowMinutes);
      if (scan.bars === 0) continue;
      bars += scan.bars;
      above += scan.minutesAbove;
      positive += scan.positiveLabels;
      perDay.push(scan.runs.length);
      for (const run of scan.runs) {
        durations.push(run.durationMinutes);
        byHour[String(run.triggerHourEt)] = (byHour[String(run.triggerHourEt)] ?? 0) + 1;
      }
    }
  }
  return {
    contractDays: perDay.length,
    bars,
    labelPositiveRate: bars ? positive / bars : Number.NaN,
    eventsPerContractDay: { min: Math.min(...perDay), median: median(perDay), max: Math.max(...perDay) },
    positiveMinuteRate: bars ? above / bars : Number.NaN,
    durationAboveMinutes: { median: median(durations), mean: mean(durations) },
    eventsByHourEt: byHour,
  };
}

/**
 * Measures the simulator's statistics on a sample of sessions (what `spyglass sim stats` prints).
 *
 * @example
 * ```ts
 * const stats = simStats(new SyntheticMarket({ seed: 42 }), { from: '2025-03-03', to: '2025-03-14', maxDays: 5 });
 * stats.volatility.vixOverRealized; // ≈ 1.2
 * stats.moves.medianPerContractDay;  // a few events per 0–1DTE contract-day
 * ```
 */
export function simStats(market: SyntheticMarket, options: SimStatsOptions = {}): SimStats {
  const days = spreadDays(market, options.from ?? '2025-03-01', options.to ?? '2025-03-31', options.maxDays ?? 20);
  const threshold = options.moveThreshold ?? 0.2;
  const windowMinutes = options.moveWindowMinutes ?? 120;

  const realized: number[] = [];
  const vixMeans: number[] = [];
  const spyRets: number[] = [];
  const vixRets: number[] = [];
  const buckets: number[][] = Array.from({ length: 13 }, () => []);
  let barsChecked = 0;
  let within = 0;
  const ivErrors: number[] = [];
  const moveCounts: number[] = [];
  const forward: Record<'positive' | 'neutral' | 'negative', number[]> = { positive: [], neutral: [], negative: [] };

  for (const date of days) {
    const spy = market.stockBars('SPY', date);
    const vix = market.indexBars('I:VIX', date);
    for (let m = 1; m < spy.length; m++) {
      spyRets.push(Math.log(spy[m]!.c / spy[m - 1]!.c));
      vixRets.push(Math.log(vix[m]!.c / vix[m - 1]!.c));
    }
    // Realized from 30-minute returns: most of the session's variance comes as slow intraday trends
    // (intraday-path.ts), which one-minute returns do not see.
    let sumSq = 0;
    let count = 0;
    for (let m = REALIZED_STEP; m < spy.length; m += REALIZED_STEP) {
      sumSq += Math.log(spy[m]!.c / spy[m - REALIZED_STEP]!.c) ** 2;
      count++;
    }
    realized.push(Math.sqrt((sumSq * 252 * 390) / (count * REALIZED_STEP)));
    vixMeans.push(mean(vix.map((b) => b.c)) / 100);
    if (spy.length === 390) for (let m = 0; m < 390; m++) buckets[Math.floor(m / 30)]!.push(spy[m]!.v);

    const chain = options.includeOptions === false ? [] : market.optionContracts(date);
    const stride = Math.max(1, Math.floor(options.contractStride ?? 1));
    for (let k = 0; k < chain.length; k += stride) {
      const contract = chain[k]!;
      const bars = market.optionBars(contract.ticker, date);
      if (bars.length >= 30) moveCounts.push(countMoves(bars, threshold, windowMinutes * 60_000));
      // Black-Scholes check on a thinned sample: every 7th bar keeps the run fast.
      for (let i = 0; i < bars.length; i += 7) {
        const bar = bars[i]!;
        const q = market.optionQuote(contract.ticker, bar.t);
        if (!q) continue;
        barsChecked++;
        if (Math.abs(bar.c - Math.max(0.01, q.theo)) <= q.halfSpread + 0.005 + 1e-9) within++;
        // Out-of-the-money only, as IV surfaces are fitted: an in-the-money price is mostly intrinsic
        // value, so a cent of spread moves its implied volatility by whole points.
        const otm = contract.contractType === 'call' ? contract.strike > q.spot : contract.strike < q.spot;
        if (otm && bar.c >= 0.5 && q.years > 0) {
          const iv = impliedVolatility({
            type: contract.contractType, spot: q.spot, strike: contract.strike, years: q.years, rate: q.rate, dividendYield: q.dividendYield, price: bar.c,
          });
          if (iv.ok) ivErrors.push(Math.abs(iv.vol - q.iv) * 100);
        }
      }
    }

    const session = market.session(date)!;
    for (const a of market.newsOn(date)) {
      const spyInsight = a.insights.find((i) => i.ticker === 'SPY');
      if (!spyInsight || a.publishedUtc < session.open || a.publishedUtc > session.close - 60 * 60_000) continue;
      const m0 = Math.floor((a.publishedUtc - session.open) / 60_000);
      const ret = Math.log(spy[m0 + 60]!.c / spy[m0]!.c);
      forward[spyInsight.sentiment].push(ret * 10_000);
    }
  }

  const cal = options.calibration ?? {};
  const scan = options.includeOptions === false
    ? undefined
    : originalScan(market, spreadDays(market, cal.from ?? '2025-03-01', cal.to ?? '2026-02-28', cal.days ?? 84), threshold, windowMinutes);
  const simulatedSessions = days.map((d) => {
    const bars = market.stockBars('SPY', d);
    return { closes: bars.map((b) => b.c), volumes: bars.map((b) => b.v) };
  });
  const facts = { real: stylizedFacts(referenceSpyMinutes()), simulated: stylizedFacts(simulatedSessions) };
  const halfHourMeans = buckets.map((b) => mean(b));
  const midday = Math.min(...halfHourMeans.slice(3, 10));
  return {
    seed: market.config.seed,
    days,
    volatility: {
      meanRealized: mean(realized),
      meanVix: mean(vixMeans),
      vixOverRealized: mean(vixMeans) / mean(realized),
      dailyCorrelation: correlation(realized, vixMeans),
      minuteReturnCorrelation: correlation(spyRets, vixRets),
    },
    volume: { halfHourMeans, openToMidday: halfHourMeans[0]! / midday, closeToMidday: halfHourMeans[12]! / midday },
    options: { barsChecked, withinSpread: barsChecked ? within / barsChecked : Number.NaN, medianIvErrorPoints: median(ivErrors) },
    moves: { threshold, windowMinutes, contractDays: moveCounts.length, medianPerContractDay: median(moveCounts), meanPerContractDay: mean(moveCounts) },
    ...(scan ? { originalScan: scan } : {}),
    calibration: [...(scan ? calibrationTable(scan) : []), ...stylizedFactRows(facts.real, facts.simulated)],
    stylizedFacts: facts,
    news: {
      spyArticlesInSession: forward.positive.length + forward.neutral.length + forward.negative.length,
      forward60mBp: { positive: mean(forward.positive), neutral: mean(forward.neutral), negative: mean(forward.negative) },
      injectedBp: SPY_NEWS_DRIFT * 10_000,
    },
  };
}

/**
 * Renders {@link SimStats} as the lines `spyglass sim stats` prints.
 *
 * @example
 * ```ts
 * console.log(formatSimStats(simStats(new SyntheticMarket({ seed: 42 }))));
 * ```
 */
export function formatSimStats(s: SimStats): string {
  const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  return [
    `seed ${String(s.seed)}, ${s.days.length} sessions ${s.days[0] ?? ''} … ${s.days.at(-1) ?? ''}`,
    `volatility: realized ${f(s.volatility.meanRealized * 100, 1)} %, VIX ${f(s.volatility.meanVix * 100, 1)}, VIX/realized ${f(s.volatility.vixOverRealized)}, daily corr ${f(s.volatility.dailyCorrelation)}, 1-min SPY/VIX corr ${f(s.volatility.minuteReturnCorrelation)}`,
    `volume: first half hour ${f(s.volume.openToMidday)}× midday, last half hour ${f(s.volume.closeToMidday)}× midday`,
    `options: ${s.options.barsChecked} bars, ${f(s.options.withinSpread * 100, 1)} % within the spread of Black-Scholes, median IV error ${f(s.options.medianIvErrorPoints)} vol pts`,
    `moves ≥ ${f(s.moves.threshold * 100, 0)} % within ${s.moves.windowMinutes} min: median ${f(s.moves.medianPerContractDay, 1)}, mean ${f(s.moves.meanPerContractDay, 1)} per contract-day (${s.moves.contractDays} contract-days; original: median 4 on real 0–1DTE SPY)`,
    ...formatStylizedFacts(s.stylizedFacts),
    ...formatCalibration(s),
    `news: ${s.news.spyArticlesInSession} SPY articles in session; 60-min forward SPY return positive ${f(s.news.forward60mBp.positive, 1)} bp, neutral ${f(s.news.forward60mBp.neutral, 1)} bp, negative ${f(s.news.forward60mBp.negative, 1)} bp (injected ±${f(s.news.injectedBp, 0)} bp)`,
  ].join('\n');
}

function formatStylizedFacts(f: SimStats['stylizedFacts']): string[] {
  const row = (name: string, key: keyof StylizedFacts, d: number): string =>
    `  ${name.padEnd(34)} ${f.real[key].toFixed(d).padStart(8)} ${f.simulated[key].toFixed(d).padStart(10)}`;
  return [
    `stylized facts of SPY minutes       real (${f.real.sessions} sessions)   simulator (${f.simulated.sessions})`,
    row('excess kurtosis of 1-min returns', 'excessKurtosis', 1),
    row('autocorrelation of |r|, lag 1', 'absReturnAcf1', 3),
    row('autocorrelation of |r|, lags 1–10', 'absReturnAcf1to10', 3),
    row('autocorrelation of r, lag 1', 'returnAcf1', 3),
    row('variance ratio, 30-min ÷ 1-min', 'varianceRatio30', 2),
    row('first half hour volume ÷ midday', 'openVolumeSurge', 2),
    row('last half hour volume ÷ midday', 'closeVolumeSurge', 2),
  ];
}

function formatCalibration(s: SimStats): string[] {
  const v = (r: CalibrationRow, x: number | string): string =>
    typeof x === 'string' ? x : Number.isInteger(x) ? String(x) : r.metric.includes('rate') ? `${(x * 100).toFixed(1)} %` : x.toFixed(x < 1 ? 3 : 1);
  const scan = s.originalScan;
  return [
    scan
      ? `calibration against the original's real SPY 0DTE scan (${scan.contractDays} simulated contract-days, ${scan.bars} bars) and the real SPY minute files`
      : 'calibration against the real SPY minute files',
    ...s.calibration.map((r) => `  ${r.ok ? 'ok  ' : 'MISS'} ${r.metric.padEnd(58)} original ${v(r, r.original).padEnd(18)} simulated ${v(r, r.simulated).padEnd(18)} (${r.tolerance})`),
  ];
}

/**
 * Builds the market for a seed and measures it (convenience for the CLI).
 *
 * @example
 * ```ts
 * console.log(formatSimStats(simStatsForSeed(42, { maxDays: 5, includeOptions: false })));
 * ```
 */
export function simStatsForSeed(seed: number | string, options: SimStatsOptions = {}): SimStats {
  return simStats(new SyntheticMarket({ seed }), options);
}
