import { SpyglassError } from '@spyglass/core';
import type { Trade } from './backtest.js';
import { percentile } from './speed-benchmark.js';

/**
 * The original's false-positive risk report; drawdowns are `min_loss_120m` in percent (≤ 0).
 *
 * @example
 * ```ts
 * const r: RiskReport = riskReport(falsePositives(trades));
 * console.log(r.totalFalsePositives, r.drawdown.median, r.drawdown.worst);
 * ```
 */
export interface RiskReport {
  readonly totalFalsePositives: number;
  /** False positives whose price never went below entry (min_loss ≥ 0), percent. */
  readonly pctPriceNeverBelowEntry: number;
  readonly drawdown: {
    readonly mean: number;
    readonly median: number;
    readonly p25: number;
    readonly p75: number;
    readonly p90: number;
    /** The worst (most negative) drawdown. */
    readonly worst: number;
  };
  /** Share of false positives per drawdown-magnitude bucket, percent. */
  readonly buckets: { readonly '0-5%': number; readonly '5-10%': number; readonly '10-15%': number; readonly '15-20%': number; readonly '>20%': number };
  /** Share of false positives a stop at −5/−10/−15/−20 % would have triggered, percent. */
  readonly stopTriggeredPct: Readonly<Record<'5' | '10' | '15' | '20', number>>;
  /** Stop levels from the drawdown distribution: p75 (conservative), p90 (moderate), p95 (aggressive). */
  readonly recommendedStops: { readonly conservative: number; readonly moderate: number; readonly aggressive: number };
}

/**
 * Effect of one stop-loss level on the false positives.
 *
 * @example
 * ```ts
 * for (const row of stopLossImpact(falsePositives(trades), [-10, -20]) as StopLossImpactRow[]) console.log(row.stopLossPct, row.triggeredPct);
 * ```
 */
export interface StopLossImpactRow {
  readonly stopLossPct: number;
  readonly triggeredCount: number;
  readonly triggeredPct: number;
  /** Loss taken when the stop fires (the stop level). */
  readonly exitLossPct: number;
  /** Worst drawdown among false positives the stop did not catch (null when it caught all). */
  readonly uncaughtMaxLossPct: number | null;
  readonly uncaughtCount: number;
}

/**
 * Expected value per trade (the original's `calculate_expected_value`).
 *
 * @example
 * ```ts
 * const ev: ExpectedValue = expectedValue({ precision: 0.72, avgWinPct: 35, avgLossPct: -18, stopLossPct: -10 });
 * console.log(ev.expectedValuePct, ev.profitable);
 * ```
 */
export interface ExpectedValue {
  readonly winRate: number;
  readonly lossRate: number;
  readonly avgWinPct: number;
  /** Average loss after the stop cap, percent (≤ 0). */
  readonly avgLossPct: number;
  readonly expectedValuePct: number;
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

const pct = (n: number, d: number) => (d ? (100 * n) / d : 0);

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
    pctPriceNeverBelowEntry: pct(count((v) => v >= 0), n),
    drawdown: {
      mean: n ? losses.reduce((a, b) => a + b, 0) / n : Number.NaN,
      median: percentile(losses, 50),
      p25: percentile(losses, 25),
      p75: percentile(losses, 75),
      p90: percentile(losses, 90),
      worst: n ? Math.min(...losses) : Number.NaN,
    },
    buckets: {
      '0-5%': pct(count((v) => mag(v) < 5), n),
      '5-10%': pct(count((v) => mag(v) >= 5 && mag(v) < 10), n),
      '10-15%': pct(count((v) => mag(v) >= 10 && mag(v) < 15), n),
      '15-20%': pct(count((v) => mag(v) >= 15 && mag(v) < 20), n),
      '>20%': pct(count((v) => mag(v) >= 20), n),
    },
    stopTriggeredPct: {
      '5': pct(count((v) => v <= -5), n),
      '10': pct(count((v) => v <= -10), n),
      '15': pct(count((v) => v <= -15), n),
      '20': pct(count((v) => v <= -20), n),
    },
    recommendedStops: { conservative: percentile(losses, 75), moderate: percentile(losses, 90), aggressive: percentile(losses, 95) },
  };
}

/**
 * What each stop-loss level would have done to the false positives (default −5 … −25 %).
 *
 * @example
 * ```ts
 * stopLossImpact(fp).map((r) => `${r.stopLossPct}%: ${r.triggeredPct.toFixed(0)}% stopped`);
 * ```
 */
export function stopLossImpact(fp: readonly Trade[], levels: readonly number[] = [-5, -10, -15, -20, -25]): StopLossImpactRow[] {
  const losses = fp.map((t) => t.minLoss120m).filter(Number.isFinite);
  return levels.map((level) => {
    if (level >= 0) throw new SpyglassError('INVALID_ARGUMENT', `stop-loss levels are negative percentages, got ${level}`);
    const caught = losses.filter((v) => v <= level);
    const uncaught = losses.filter((v) => v > level);
    return {
      stopLossPct: level,
      triggeredCount: caught.length,
      triggeredPct: pct(caught.length, losses.length),
      exitLossPct: level,
      uncaughtMaxLossPct: uncaught.length ? Math.min(...uncaught) : null,
      uncaughtCount: uncaught.length,
    };
  });
}

/**
 * Expected value per trade: `precision × avgWin + (1 − precision) × avgLoss`, where a stop caps
 * the loss. Break-even win rate = |loss| / (win + |loss|).
 *
 * @example
 * ```ts
 * expectedValue({ precision: 0.6, avgWinPct: 40, avgLossPct: -30, stopLossPct: -20 });
 * // { expectedValuePct: 16, breakevenWinRate: 0.333…, profitable: true, … }
 * ```
 */
export function expectedValue(input: { precision: number; avgWinPct: number; avgLossPct: number; stopLossPct?: number }): ExpectedValue {
  const { precision, avgWinPct } = input;
  if (!(precision >= 0 && precision <= 1)) throw new SpyglassError('INVALID_ARGUMENT', `precision must be in [0, 1], got ${precision}`);
  const avgLossPct = input.stopLossPct === undefined ? input.avgLossPct : Math.max(input.avgLossPct, input.stopLossPct);
  const loss = Math.abs(avgLossPct);
  const ev = precision * avgWinPct + (1 - precision) * avgLossPct;
  return {
    winRate: precision,
    lossRate: 1 - precision,
    avgWinPct,
    avgLossPct,
    expectedValuePct: ev,
    profitable: ev > 0,
    breakevenWinRate: avgWinPct + loss > 0 ? loss / (avgWinPct + loss) : Number.NaN,
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
 * Equal-width histogram of `values` (e.g. false-positive min_loss_120m).
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
 * ASCII `█░` histogram for terminals (the original's `plot_ascii`).
 *
 * @example
 * ```ts
 * console.log(asciiHistogram(histogram(losses)));
 * ```
 */
export function asciiHistogram(h: Histogram, width = 40): string {
  const max = Math.max(1, ...h.counts);
  return h.counts
    .map((c, i) => {
      const bar = Math.round((c / max) * width);
      return `${h.edges[i]!.toFixed(1).padStart(7)} … ${h.edges[i + 1]!.toFixed(1).padStart(7)} | ${'█'.repeat(bar)}${'░'.repeat(width - bar)} ${c}`;
    })
    .join('\n');
}
