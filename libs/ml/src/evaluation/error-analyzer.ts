import { SpyglassError } from '@spyglass/core';
import type { Trade } from './backtest.js';
import { percentile } from './speed-benchmark.js';

/**
 * The original's false-positive risk report. Every quantity is a fraction: drawdowns are
 * `min_loss_<N>m` (−0.12 = −12 %, ≤ 0), shares are in [0, 1].
 *
 * @example
 * ```ts
 * const r: RiskReport = riskReport(falsePositives(trades));
 * console.log(r.totalFalsePositives, r.drawdown.median, r.drawdown.worst);
 * ```
 */
export interface RiskReport {
  readonly totalFalsePositives: number;
  /** Share of false positives whose price never went below entry (min_loss ≥ 0), in [0, 1]. */
  readonly shareNeverBelowEntry: number;
  readonly drawdown: {
    readonly mean: number;
    readonly median: number;
    readonly p25: number;
    readonly p75: number;
    readonly p90: number;
    /** The worst (most negative) drawdown. */
    readonly worst: number;
  };
  /** Share of false positives per drawdown-magnitude bucket (the keys are printed labels), in [0, 1]. */
  readonly buckets: { readonly '0-5%': number; readonly '5-10%': number; readonly '10-15%': number; readonly '15-20%': number; readonly '>20%': number };
  /** Share of false positives a stop at −5/−10/−15/−20 % would have triggered, in [0, 1]. */
  readonly stopTriggeredShare: Readonly<Record<'5' | '10' | '15' | '20', number>>;
  /** Stop levels (fractions, ≤ 0) from the drawdown distribution: p75 (conservative), p90 (moderate), p95 (aggressive). */
  readonly recommendedStops: { readonly conservative: number; readonly moderate: number; readonly aggressive: number };
}

/**
 * Effect of one stop-loss level on the false positives; levels and losses are fractions (−0.1 = −10 %).
 *
 * @example
 * ```ts
 * for (const row of stopLossImpact(falsePositives(trades), [-0.1, -0.2]) as StopLossImpactRow[]) console.log(row.stopLoss, row.triggeredShare);
 * ```
 */
export interface StopLossImpactRow {
  /** The stop level, a fraction below entry (−0.1 = −10 %). */
  readonly stopLoss: number;
  readonly triggeredCount: number;
  /** Share of false positives the stop caught, in [0, 1]. */
  readonly triggeredShare: number;
  /** Loss taken when the stop fires (the stop level), a fraction. */
  readonly exitLoss: number;
  /** Worst drawdown (fraction) among false positives the stop did not catch (null when it caught all). */
  readonly uncaughtMaxLoss: number | null;
  readonly uncaughtCount: number;
}

/**
 * Expected value per trade (the original's `calculate_expected_value`), every return a fraction of
 * the entry price (0.35 = +35 %).
 *
 * @example
 * ```ts
 * const ev: ExpectedValue = expectedValue({ precision: 0.72, avgWin: 0.35, avgLoss: -0.18, stopLoss: -0.1 });
 * console.log(ev.expectedValue, ev.profitable);
 * ```
 */
export interface ExpectedValue {
  readonly winRate: number;
  readonly lossRate: number;
  /** Average win, a fraction. */
  readonly avgWin: number;
  /** Average loss after the stop cap, a fraction (≤ 0). */
  readonly avgLoss: number;
  /** Expected return per trade, a fraction. */
  readonly expectedValue: number;
  readonly profitable: boolean;
  /** Win rate at which EV = 0: |loss| / (win + |loss|). */
  readonly breakevenWinRate: number;
}

/**
 * The trades that were false positives and have a known drawdown.
 *
 * @example
 * ```ts
 * const fp = falsePositives(backtestResult.trades);
 * ```
 */
export function falsePositives(trades: readonly Trade[]): Trade[] {
  return trades.filter((t) => !t.isTruePositive && Number.isFinite(t.minLoss120m));
}

const share = (n: number, d: number) => (d ? n / d : 0);

/**
 * Drawdown distribution, buckets, stop trigger rates and stop recommendations of false positives.
 *
 * @example
 * ```ts
 * const report = riskReport(falsePositives(trades));
 * console.log(report.drawdown.median, report.recommendedStops.conservative);
 * ```
 */
export function riskReport(fp: readonly Trade[]): RiskReport {
  const losses = fp.map((t) => t.minLoss120m).filter(Number.isFinite);
  const n = losses.length;
  const count = (pred: (v: number) => boolean) => losses.filter(pred).length;
  const mag = (v: number) => -Math.min(0, v);
  return {
    totalFalsePositives: n,
    shareNeverBelowEntry: share(count((v) => v >= 0), n),
    drawdown: {
      mean: n ? losses.reduce((a, b) => a + b, 0) / n : Number.NaN,
      median: percentile(losses, 50),
      p25: percentile(losses, 25),
      p75: percentile(losses, 75),
      p90: percentile(losses, 90),
      worst: n ? Math.min(...losses) : Number.NaN,
    },
    buckets: {
      '0-5%': share(count((v) => mag(v) < 0.05), n),
      '5-10%': share(count((v) => mag(v) >= 0.05 && mag(v) < 0.1), n),
      '10-15%': share(count((v) => mag(v) >= 0.1 && mag(v) < 0.15), n),
      '15-20%': share(count((v) => mag(v) >= 0.15 && mag(v) < 0.2), n),
      '>20%': share(count((v) => mag(v) >= 0.2), n),
    },
    stopTriggeredShare: {
      '5': share(count((v) => v <= -0.05), n),
      '10': share(count((v) => v <= -0.1), n),
      '15': share(count((v) => v <= -0.15), n),
      '20': share(count((v) => v <= -0.2), n),
    },
    recommendedStops: { conservative: percentile(losses, 75), moderate: percentile(losses, 90), aggressive: percentile(losses, 95) },
  };
}

/**
 * What each stop-loss level would have done to the false positives (default −5 … −25 %).
 *
 * @example
 * ```ts
 * stopLossImpact(fp).map((r) => `${100 * r.stopLoss} %: ${(100 * r.triggeredShare).toFixed(0)} % stopped`);
 * ```
 */
export function stopLossImpact(fp: readonly Trade[], levels: readonly number[] = [-0.05, -0.1, -0.15, -0.2, -0.25]): StopLossImpactRow[] {
  const losses = fp.map((t) => t.minLoss120m).filter(Number.isFinite);
  return levels.map((level) => {
    if (!(level < 0 && level > -1)) throw new SpyglassError('INVALID_ARGUMENT', `stop-loss levels are fractions in (−1, 0) (−0.1 = −10 %), got ${level}`);
    const caught = losses.filter((v) => v <= level);
    const uncaught = losses.filter((v) => v > level);
    return {
      stopLoss: level,
      triggeredCount: caught.length,
      triggeredShare: share(caught.length, losses.length),
      exitLoss: level,
      uncaughtMaxLoss: uncaught.length ? Math.min(...uncaught) : null,
      uncaughtCount: uncaught.length,
    };
  });
}

/**
 * Expected value per trade: `precision × avgWin + (1 − precision) × avgLoss`, where a stop caps
 * the loss; returns are fractions. Break-even win rate = |loss| / (win + |loss|).
 *
 * @example
 * ```ts
 * expectedValue({ precision: 0.6, avgWin: 0.4, avgLoss: -0.3, stopLoss: -0.2 });
 * // { expectedValue: 0.16, breakevenWinRate: 0.333…, profitable: true, … }
 * ```
 */
export function expectedValue(input: { precision: number; avgWin: number; avgLoss: number; stopLoss?: number }): ExpectedValue {
  const { precision, avgWin } = input;
  if (!(precision >= 0 && precision <= 1)) throw new SpyglassError('INVALID_ARGUMENT', `precision must be in [0, 1], got ${precision}`);
  const avgLoss = input.stopLoss === undefined ? input.avgLoss : Math.max(input.avgLoss, input.stopLoss);
  const loss = Math.abs(avgLoss);
  const ev = precision * avgWin + (1 - precision) * avgLoss;
  return {
    winRate: precision,
    lossRate: 1 - precision,
    avgWin,
    avgLoss,
    expectedValue: ev,
    profitable: ev > 0,
    breakevenWinRate: avgWin + loss > 0 ? loss / (avgWin + loss) : Number.NaN,
  };
}

/**
 * Equal-width histogram of false-positive drawdowns.
 *
 * @example
 * ```ts
 * const h: Histogram = histogram(falsePositives(trades).map((t) => t.minLoss120m), 10);
 * console.log(asciiHistogram(h));
 * ```
 */
export interface Histogram {
  /** `bins + 1` edges, ascending. */
  readonly edges: number[];
  readonly counts: number[];
}

/**
 * Equal-width histogram of `values` (e.g. false-positive min_loss_<N>m).
 *
 * @example
 * ```ts
 * histogram(fp.map((t) => t.minLoss120m), 10);
 * ```
 */
export function histogram(values: readonly number[], bins = 10): Histogram {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { edges: [], counts: [] };
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return { edges, counts };
}

/**
 * ASCII `█░` histogram for terminals (the original's `plot_ascii`); `edge` formats the bin edges
 * (fractions printed as percentages, say).
 *
 * @example
 * ```ts
 * console.log(asciiHistogram(histogram(losses), 40, (v) => (100 * v).toFixed(1)));
 * ```
 */
export function asciiHistogram(h: Histogram, width = 40, edge: (v: number) => string = (v) => v.toFixed(1)): string {
  const max = Math.max(1, ...h.counts);
  return h.counts
    .map((c, i) => {
      const bar = Math.round((c / max) * width);
      return `${edge(h.edges[i]!).padStart(7)} … ${edge(h.edges[i + 1]!).padStart(7)} | ${'█'.repeat(bar)}${'░'.repeat(width - bar)} ${c}`;
    })
    .join('\n');
}
