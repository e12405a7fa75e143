import { LABEL_DEFAULTS, SpyglassError } from '@spyglass/core';
import { labelColumns, labelWindowOf } from '@spyglass/features';
import { rocAuc } from './classification-metrics.js';
import type { FeatureTable } from '../data/feature-table.js';

/**
 * One predicted-positive bar of a backtest (a "trade").
 *
 * @example
 * ```ts
 * const losers = backtest(test, probabilities, { threshold: 0.67 }).trades.filter((t: Trade) => !t.isTruePositive);
 * ```
 */
export interface Trade {
  readonly date: string;
  readonly ticker: string;
  readonly timestamp: number;
  readonly probability: number;
  readonly isTruePositive: boolean;
  /** A fraction (0.4 = +40 %); NaN when unknown. */
  readonly maxGain120m: number;
  /** A fraction (≤ 0; −0.12 = −12 %); NaN when unknown. */
  readonly minLoss120m: number;
  readonly timeToMaxMin: number;
}

/**
 * The original's backtest metrics, plus lift over all bars.
 *
 * @example
 * ```ts
 * const { metrics }: { metrics: BacktestMetrics } = backtest(test, probabilities, { threshold: 0.67 });
 * console.log(metrics.nSignals, metrics.precision);
 * ```
 */
export interface BacktestMetrics {
  readonly threshold: number;
  readonly nTestRows: number;
  readonly nSignals: number;
  readonly nTruePositives: number;
  readonly nFalsePositives: number;
  readonly signalRate: number;
  readonly positiveRateTest: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly rocAuc: number;
  /** Mean max_gain_<N>m over every bar, a fraction: the baseline of a random entry. */
  readonly avgGainAllBars: number | null;
  readonly avgGainSignals: number | null;
  readonly avgGainTp: number | null;
  readonly avgGainFp: number | null;
  /** avgGainSignals / avgGainAllBars; > 1 means the model picks better entries than chance. Null without max_gain. */
  readonly lift: number | null;
  /** precision / positive rate: how much more often a signal wins than a random bar. */
  readonly precisionLift: number | null;
}

/**
 * A backtest's metrics and its trades.
 *
 * @example
 * ```ts
 * const r: BacktestResult = backtest(test, probabilities, { threshold: 0.67 });
 * writeFileSync('trades.csv', tradesCsv(r.trades));
 * ```
 */
export interface BacktestResult {
  readonly metrics: BacktestMetrics;
  readonly trades: Trade[];
}

function mean(values: number[]): number | null {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
}

/**
 * Backtests probabilities against a table (pass the **test split** only: never training days):
 * every bar with `probability ≥ threshold` is a trade.
 *
 * @example
 * ```ts
 * const p = predictTable(booster, split.test, artifact.featureColumns);
 * const { metrics, trades } = backtest(split.test, p, { threshold: 0.67 });
 * ```
 */
export function backtest(table: FeatureTable, probabilities: ArrayLike<number>, options: { threshold: number }): BacktestResult {
  const { threshold } = options;
  const trades: Trade[] = [];
  let tp = 0;
  let fp = 0;
  let positives = 0;
  const allGains: number[] = [];
  for (let i = 0; i < table.rows; i++) {
    const y = table.label[i]!;
    positives += y;
    const gain = table.maxGain?.[i] ?? Number.NaN;
    allGains.push(gain);
    if (probabilities[i]! < threshold) continue;
    y ? tp++ : fp++;
    trades.push({
      date: table.date[i]!,
      ticker: table.ticker[i]!,
      timestamp: table.timestamp[i]!,
      probability: probabilities[i]!,
      isTruePositive: y === 1,
      maxGain120m: gain,
      minLoss120m: table.minLoss?.[i] ?? Number.NaN,
      timeToMaxMin: table.timeToMax?.[i] ?? Number.NaN,
    });
  }
  const n = table.rows;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = positives ? tp / positives : 0;
  const hasGain = table.maxGain !== undefined;
  const avgGainAllBars = hasGain ? mean(allGains) : null;
  const avgGainSignals = hasGain ? mean(trades.map((t) => t.maxGain120m)) : null;
  const positiveRate = n ? positives / n : 0;
  return {
    metrics: {
      threshold,
      nTestRows: n,
      nSignals: trades.length,
      nTruePositives: tp,
      nFalsePositives: fp,
      signalRate: n ? trades.length / n : 0,
      positiveRateTest: positiveRate,
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      rocAuc: rocAuc(table.label, probabilities),
      avgGainAllBars,
      avgGainSignals,
      avgGainTp: hasGain ? mean(trades.filter((t) => t.isTruePositive).map((t) => t.maxGain120m)) : null,
      avgGainFp: hasGain ? mean(trades.filter((t) => !t.isTruePositive).map((t) => t.maxGain120m)) : null,
      lift: avgGainAllBars && avgGainSignals !== null ? avgGainSignals / avgGainAllBars : null,
      precisionLift: positiveRate && trades.length ? precision / positiveRate : null,
    },
    trades,
  };
}

/**
 * Trades as CSV (`date,ticker,timestamp,probability,is_true_positive,max_gain_120m,min_loss_120m,time_to_max_min`,
 * the gain and loss named after the labels' window: `max_gain_60m` for 60 minutes); `timestamp` is
 * ISO-8601 UTC, gains and losses are fractions (0.4 = +40 %), unknown numbers are empty.
 *
 * @example
 * ```ts
 * writeFileSync('trades.csv', tradesCsv(result.trades));
 * ```
 */
export function tradesCsv(trades: readonly Trade[], labelWindowMinutes: number = LABEL_DEFAULTS.windowMinutes): string {
  const names = labelColumns(labelWindowMinutes);
  const num = (v: number) => (Number.isFinite(v) ? String(v) : '');
  const lines = trades.map((t) =>
    [t.date, t.ticker, new Date(t.timestamp).toISOString(), num(t.probability), t.isTruePositive, num(t.maxGain120m), num(t.minLoss120m), num(t.timeToMaxMin)].join(','),
  );
  return [`date,ticker,timestamp,probability,is_true_positive,${names.maxGain},${names.minLoss},time_to_max_min`, ...lines].join('\n') + '\n';
}

/**
 * Parses a trades CSV written by {@link tradesCsv} (the input of the error analysis).
 *
 * @example
 * ```ts
 * const trades = parseTradesCsv(readFileSync('trades.csv', 'utf8'));
 * ```
 */
export function parseTradesCsv(text: string): Trade[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header!.split(',');
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new SpyglassError('INVALID_ARGUMENT', `trades CSV lacks column ${name}`, { details: { columns: cols } });
    return i;
  };
  const names = labelColumns(labelWindowOf(cols) ?? LABEL_DEFAULTS.windowMinutes);
  const idx = {
    date: at('date'), ticker: at('ticker'), timestamp: at('timestamp'), probability: at('probability'),
    tp: at('is_true_positive'), gain: at(names.maxGain), loss: at(names.minLoss), ttm: cols.indexOf('time_to_max_min'),
  };
  const num = (s: string | undefined) => (s === undefined || s === '' ? Number.NaN : Number(s));
  return lines.filter((l) => l.trim()).map((line) => {
    const f = line.split(',');
    return {
      date: f[idx.date]!, ticker: f[idx.ticker]!, timestamp: Date.parse(f[idx.timestamp]!), probability: num(f[idx.probability]),
      isTruePositive: f[idx.tp] === 'true' || f[idx.tp] === 'True' || f[idx.tp] === '1',
      maxGain120m: num(f[idx.gain]), minLoss120m: num(f[idx.loss]), timeToMaxMin: idx.ttm >= 0 ? num(f[idx.ttm]) : Number.NaN,
    };
  });
}
