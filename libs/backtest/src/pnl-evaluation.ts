import { SpyglassError, nyseCalendar, type MarketSession } from '@spyglass/core';
import type { BarBook } from './bar-book.js';
import { calibration, type Calibration } from './calibration.js';
import { bootstrapDays, type Interval } from './day-bootstrap.js';
import { randomEntryBaseline } from './random-entry-baseline.js';
import { simulateTrades, type EntrySignal, type SimulatedTrade, type SkipReason } from './simulate-trades.js';
import { equityCurve, sharpeRatio, tradeMetrics, type EquityPoint, type TradeMetrics } from './trade-metrics.js';
import type { TradeRules } from './trade-rules.js';

/**
 * Labelled rows a model scored: one per contract-minute (the shape of ml's `FeatureTable`, without
 * the features).
 *
 * @example
 * ```ts
 * const rows: LabelledRows = { rows: 1, label: [1], date: ['2025-03-03'], ticker: ['O:SPY250303C00590000'], timestamp: [Date.UTC(2025, 2, 3, 15)] };
 * ```
 */
export interface LabelledRows {
  readonly rows: number;
  readonly label: ArrayLike<number>;
  readonly date: readonly string[];
  readonly ticker: readonly string[];
  /** Bar start, UTC epoch ms. */
  readonly timestamp: ArrayLike<number>;
}

/**
 * What {@link evaluatePnl} trades and compares: held-out rows with the model's probabilities, the
 * option bars to fill against, and the baselines' inputs.
 *
 * @example
 * ```ts
 * const input: PnlEvaluationInput = { table: heldOut, probabilities, threshold: 0.82, book, rules: DEFAULT_TRADE_RULES, simulator: true, trainPositiveRate: 0.6 };
 * ```
 */
export interface PnlEvaluationInput {
  /** Held-out rows only (never training or validation days). */
  readonly table: LabelledRows;
  readonly probabilities: ArrayLike<number>;
  readonly threshold: number;
  readonly book: BarBook;
  readonly rules: TradeRules;
  /** Whether the days are simulator days (null: not recorded): stated next to every figure. */
  readonly simulator: boolean | null;
  /** Positive rate of the training days: the base-rate classifier's constant probability. */
  readonly trainPositiveRate: number;
  /** A linear model's probabilities on the same rows; it signals on its top rows, as many as the model. */
  readonly linearProbabilities?: ArrayLike<number>;
  /** Random-entry portfolios (default 200). */
  readonly randomDraws?: number;
  /** Bootstrap resamples of days (default 1,000). */
  readonly bootstrapDraws?: number;
  /** Seed of the random entries and the bootstrap (default 42). */
  readonly seed?: number;
}

/**
 * Everything the P&L backtest measured on one set of days.
 *
 * @example
 * ```ts
 * const e: PnlEvaluation = evaluatePnl(input);
 * console.log(e.metrics.totalPnl, e.intervals.meanTradeReturn, e.baselines.random.percentile);
 * ```
 */
export interface PnlEvaluation {
  readonly days: { readonly from: string | null; readonly to: string | null; readonly count: number; readonly simulator: boolean | null; readonly note: string };
  readonly rules: TradeRules;
  readonly threshold: number;
  readonly signals: number;
  readonly precision: number | null;
  readonly metrics: TradeMetrics;
  readonly intervals: { readonly precision: Interval; readonly meanTradeReturn: Interval; readonly sharpe: Interval };
  readonly exitReasons: Readonly<Record<string, number>>;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  readonly equity: readonly EquityPoint[];
  readonly dailyPnl: readonly { readonly date: string; readonly pnl: number }[];
  readonly baselines: {
    readonly random: {
      readonly draws: number;
      readonly totalPnl: { readonly mean: number; readonly p05: number; readonly p50: number; readonly p95: number };
      readonly distribution: readonly number[];
      /** Share of random portfolios the model's total P&L beats (ties half). */
      readonly percentile: number;
      readonly liftMeanTradeReturn: Interval;
    };
    readonly baseRate: { readonly trainPositiveRate: number; readonly testPositiveRate: number | null; readonly brier: number | null; readonly liftPrecision: Interval };
    readonly linear: null | {
      readonly signals: number;
      readonly precision: number | null;
      readonly metrics: TradeMetrics;
      readonly liftPrecision: Interval;
      readonly liftMeanTradeReturn: Interval;
    };
  };
  readonly calibration: Calibration;
  readonly trades: readonly SimulatedTrade[];
}

interface DayRecord {
  readonly date: string;
  signals: number;
  signalPositives: number;
  rows: number;
  positives: number;
  returns: ReturnSum;
  pnlCents: number;
  randomReturns: ReturnSum;
  linearSignals: number;
  linearPositives: number;
  linearReturns: ReturnSum;
}

// A day's trade returns as their sum and count: a bootstrap draw's mean trade return is then
// O(days), where pooling every return of the drawn days cost O(trades) a draw (1,000 draws of 200
// random portfolios of 20k signals: billions of copies).
interface ReturnSum {
  sum: number;
  count: number;
}
const addReturn = (r: ReturnSum, value: number) => {
  r.sum += value;
  r.count++;
};
const meanReturnOf = (s: readonly DayRecord[], pick: (d: DayRecord) => ReturnSum): number | null => {
  let total = 0;
  let n = 0;
  for (const d of s) {
    const r = pick(d);
    total += r.sum;
    n += r.count;
  }
  return n ? total / n : null;
};

const SOURCE_NOTE = {
  true: 'simulator days (synthetic data, not market results)',
  false: 'market data',
  null: 'data source not recorded (not market results unless the bars are market data)',
} as const;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((sorted.length - 1) * q)))]!;

function signalsOf(table: LabelledRows, take: (i: number) => boolean, probabilities: ArrayLike<number>): EntrySignal[] {
  const out: EntrySignal[] = [];
  for (let i = 0; i < table.rows; i++) {
    if (take(i)) out.push({ ticker: table.ticker[i]!, date: table.date[i]!, timestamp: table.timestamp[i]!, probability: probabilities[i]!, label: table.label[i]! });
  }
  return out;
}

function count<T extends string>(values: readonly T[]): Partial<Record<T, number>> {
  const out: Partial<Record<T, number>> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/**
 * Trades the model's signals (probability ≥ threshold) on the option bars, measures P&L with
 * bootstrap intervals over days, and compares it in the same run with random entries of the same
 * count and time-of-day profile, the base-rate classifier and (when given) a linear model.
 *
 * @example
 * ```ts
 * const e = evaluatePnl({ table: heldOut, probabilities, threshold: artifact.threshold, book, rules: DEFAULT_TRADE_RULES, simulator: true, trainPositiveRate: 0.58 });
 * console.log(formatPnlLine(e));
 * ```
 */
export function evaluatePnl(input: PnlEvaluationInput): PnlEvaluation {
  const { table, probabilities, threshold, book, rules } = input;
  if (probabilities.length !== table.rows) {
    throw new SpyglassError('INVALID_ARGUMENT', `evaluatePnl: ${probabilities.length} probabilities for ${table.rows} rows`);
  }
  const seed = input.seed ?? 42;
  const bootstrap = { draws: input.bootstrapDraws ?? 1000, seed };
  const dates = [...new Set(table.date)].sort();
  const sessions: MarketSession[] = dates.map((d) => {
    const s = nyseCalendar.session(d);
    if (!s) throw new SpyglassError('INVALID_ARGUMENT', `evaluatePnl: ${d} is not a trading day`);
    return s;
  });
  const days = new Map<string, DayRecord>(
    dates.map((date) => [
      date,
      { date, signals: 0, signalPositives: 0, rows: 0, positives: 0, returns: { sum: 0, count: 0 }, pnlCents: 0, randomReturns: { sum: 0, count: 0 }, linearSignals: 0, linearPositives: 0, linearReturns: { sum: 0, count: 0 } },
    ]),
  );
  for (let i = 0; i < table.rows; i++) {
    const d = days.get(table.date[i]!)!;
    d.rows++;
    d.positives += table.label[i]!;
    if (probabilities[i]! >= threshold) {
      d.signals++;
      d.signalPositives += table.label[i]!;
    }
  }

  const signals = signalsOf(table, (i) => probabilities[i]! >= threshold, probabilities);
  const sim = simulateTrades(signals, book, rules);
  for (const t of sim.trades) {
    const d = days.get(t.date)!;
    addReturn(d.returns, t.return);
    d.pnlCents += t.pnlCents;
  }

  const candidates = signalsOf(table, () => true, probabilities);
  const random = randomEntryBaseline(signals, candidates, book, rules, { draws: input.randomDraws ?? 200, seed, keepTrades: false });
  for (const [date, r] of random.returnsByDay) days.get(date)!.randomReturns = { ...r };

  let linear: PnlEvaluation['baselines']['linear'] = null;
  const linearP = input.linearProbabilities;
  if (linearP) {
    const order = Array.from({ length: table.rows }, (_, i) => i).sort((a, b) => linearP[b]! - linearP[a]! || a - b);
    const chosen = new Set(order.slice(0, signals.length));
    const linearSignals = signalsOf(table, (i) => chosen.has(i), linearP);
    for (const s of linearSignals) {
      const d = days.get(s.date)!;
      d.linearSignals++;
      d.linearPositives += s.label!;
    }
    const linearSim = simulateTrades(linearSignals, book, rules);
    for (const t of linearSim.trades) addReturn(days.get(t.date)!.linearReturns, t.return);
    const precisionOf = (s: readonly DayRecord[]) => ratio(sum(s.map((d) => d.signalPositives)), sum(s.map((d) => d.signals)));
    const linearPrecisionOf = (s: readonly DayRecord[]) => ratio(sum(s.map((d) => d.linearPositives)), sum(s.map((d) => d.linearSignals)));
    linear = {
      signals: linearSignals.length,
      precision: linearPrecisionOf([...days.values()]),
      metrics: tradeMetrics(linearSim.trades, sessions),
      liftPrecision: bootstrapDays([...days.values()], (s) => diff(precisionOf(s), linearPrecisionOf(s)), bootstrap),
      liftMeanTradeReturn: bootstrapDays([...days.values()], (s) => diff(meanReturnOf(s, (d) => d.returns), meanReturnOf(s, (d) => d.linearReturns)), bootstrap),
    };
  }

  const records = [...days.values()];
  const precision = (s: readonly DayRecord[]) => ratio(sum(s.map((d) => d.signalPositives)), sum(s.map((d) => d.signals)));
  const positiveRate = (s: readonly DayRecord[]) => ratio(sum(s.map((d) => d.positives)), sum(s.map((d) => d.rows)));
  const meanReturn = (s: readonly DayRecord[]) => meanReturnOf(s, (d) => d.returns);
  const metrics = tradeMetrics(sim.trades, sessions);
  const sortedRandom = [...random.totalPnl].sort((a, b) => a - b);
  const calib = calibration(table.label, probabilities);
  const labels = table.label;
  let baseBrier = 0;
  for (let i = 0; i < table.rows; i++) baseBrier += (input.trainPositiveRate - labels[i]!) ** 2;

  return {
    days: {
      from: dates[0] ?? null,
      to: dates.at(-1) ?? null,
      count: dates.length,
      simulator: input.simulator,
      note: `${dates.length} held-out trading day(s)${dates.length ? ` ${dates[0]} … ${dates.at(-1)}` : ''}; ${SOURCE_NOTE[String(input.simulator) as keyof typeof SOURCE_NOTE]}`,
    },
    rules,
    threshold,
    signals: signals.length,
    precision: precision(records),
    metrics,
    intervals: {
      precision: bootstrapDays(records, precision, bootstrap),
      meanTradeReturn: bootstrapDays(records, meanReturn, bootstrap),
      sharpe: bootstrapDays(records, (s) => sharpeRatio(s.map((d) => d.pnlCents / 100)), bootstrap),
    },
    exitReasons: count(sim.trades.map((t) => t.exitReason)),
    skipped: count(sim.skipped.map((s) => s.reason)),
    equity: equityCurve(sim.trades),
    dailyPnl: records.map((d) => ({ date: d.date, pnl: d.pnlCents / 100 })),
    baselines: {
      random: {
        draws: random.draws,
        totalPnl: { mean: sum(random.totalPnl) / random.draws, p05: quantile(sortedRandom, 0.05), p50: quantile(sortedRandom, 0.5), p95: quantile(sortedRandom, 0.95) },
        distribution: random.totalPnl,
        percentile: random.percentileOf(metrics.totalPnl),
        liftMeanTradeReturn: bootstrapDays(records, (s) => diff(meanReturn(s), meanReturnOf(s, (d) => d.randomReturns)), bootstrap),
      },
      baseRate: {
        trainPositiveRate: input.trainPositiveRate,
        testPositiveRate: positiveRate(records),
        brier: table.rows ? baseBrier / table.rows : null,
        liftPrecision: bootstrapDays(records, (s) => diff(precision(s), positiveRate(s)), bootstrap),
      },
      linear,
    },
    calibration: calib,
    trades: sim.trades,
  };
}

const pct = (v: number | null, digits = 1) => (v === null ? 'n/a' : `${(v * 100).toFixed(digits)} %`);
const usd = (v: number) => `${v < 0 ? '−' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const ci = (i: Interval, f: (v: number | null) => string) => `${f(i.estimate)} [${f(i.low)}, ${f(i.high)}]`;

/**
 * One line for summaries: total P&L, mean trade return with its 95 % interval, and where the model
 * falls among random entries.
 *
 * @example
 * ```ts
 * console.log(formatPnlLine(evaluation)); // "132 trades, P&L $412.50, mean trade +3.1 % [+0.4 %, +5.9 %], beats 91 % of random entries"
 * ```
 */
export function formatPnlLine(e: PnlEvaluation): string {
  const m = e.metrics;
  const signed = (v: number | null) => (v === null ? 'n/a' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} %`);
  return `${m.trades} trades, P&L ${usd(m.totalPnl)}, mean trade ${ci(e.intervals.meanTradeReturn, signed)}, beats ${Math.round(e.baselines.random.percentile * 100)} % of ${e.baselines.random.draws} random-entry portfolios`;
}

/**
 * The P&L backtest as text: rules, the days it covers, metrics with intervals, exits, baselines
 * and calibration.
 *
 * @example
 * ```ts
 * console.log(formatPnlSummary(evaluation));
 * ```
 */
export function formatPnlSummary(e: PnlEvaluation): string {
  const m = e.metrics;
  const r = e.rules;
  const num = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d));
  const sizing = r.sizing.kind === 'contracts' ? `${r.sizing.contracts} contract(s)` : `${usd(r.sizing.premium)} premium`;
  const lines = [
    `P&L backtest — ${e.days.note}`,
    `  rules        enter at the next bar's open; take-profit +${pct(r.takeProfit, 0)}, stop ${r.stopLoss === null ? 'none' : `−${pct(r.stopLoss, 0)}`}, horizon ${r.horizonMinutes} min or the session close;`,
    `               slippage ${pct(r.slippage)} per side, commission ${usd(r.commissionPerContract)}/contract/side, ${sizing}, ≤ ${r.maxOpenPositions} open, threshold ${e.threshold}`,
    `  signals      ${e.signals} (precision ${ci(e.intervals.precision, (v) => pct(v))}); ${m.trades} traded` +
      (Object.keys(e.skipped).length ? `, skipped: ${Object.entries(e.skipped).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''),
    `  P&L          ${usd(m.totalPnl)}; mean trade ${ci(e.intervals.meanTradeReturn, (v) => pct(v))}; win rate ${pct(m.winRate)}; profit factor ${num(m.profitFactor)}`,
    `               average win ${m.averageWin === null ? 'n/a' : usd(m.averageWin)}, average loss ${m.averageLoss === null ? 'n/a' : usd(m.averageLoss)}; max drawdown ${usd(m.maxDrawdown)}; exposure ${pct(m.exposure)}`,
    `  risk-adj.    Sharpe ${ci(e.intervals.sharpe, (v) => num(v))}, Sortino ${num(m.sortino)} (daily P&L, annualised)`,
    `  exits        ${Object.entries(e.exitReasons).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `  vs random    ${e.baselines.random.draws} portfolios: P&L p5/p50/p95 ${usd(e.baselines.random.totalPnl.p05)} / ${usd(e.baselines.random.totalPnl.p50)} / ${usd(e.baselines.random.totalPnl.p95)}; the model beats ${pct(e.baselines.random.percentile, 0)}; mean-trade lift ${ci(e.baselines.random.liftMeanTradeReturn, (v) => pct(v))}`,
    `  vs base rate precision lift ${ci(e.baselines.baseRate.liftPrecision, (v) => pct(v))} over the ${pct(e.baselines.baseRate.testPositiveRate)} positive rate; Brier ${num(e.calibration.brier, 4)} vs ${num(e.baselines.baseRate.brier, 4)} (base rate)`,
  ];
  const lin = e.baselines.linear;
  if (lin) {
    lines.push(`  vs linear    gblinear, top ${lin.signals} rows: precision ${pct(lin.precision)}, P&L ${usd(lin.metrics.totalPnl)}; lift precision ${ci(lin.liftPrecision, (v) => pct(v))}, mean trade ${ci(lin.liftMeanTradeReturn, (v) => pct(v))}`);
  }
  lines.push(`  calibration  Brier ${num(e.calibration.brier, 4)}, ECE ${num(e.calibration.expectedCalibrationError, 4)} over ${e.calibration.rows} rows`);
  return lines.join('\n');
}
