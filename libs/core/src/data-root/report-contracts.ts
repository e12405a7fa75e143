import { dataRootLayout } from './data-root-layout.js';
import type { ValidationIssue } from '../validation-issue.js';

/**
 * `<root>/reports/scanner/summary.json`: what the options scanner found, written by the scan job
 * (processing's scanner output shaped by the integrator). Times of day are New York (ET) hours.
 *
 * @example
 * ```ts
 * const summary: ScannerSummary = {
 *   generatedAt: '2026-02-20T01:00:00Z', from: '2025-03-03', to: '2026-02-19', moveThreshold: 0.2,
 *   eventsByHour: [{ hour: 9, events: 120 }, { hour: 10, events: 95 }],
 *   perContractDay: [{ date: '2025-03-03', ticker: 'O:SPY250303C00590000', events: 4, bars: 390 }],
 * };
 * ```
 */
export interface ScannerSummary {
  readonly generatedAt: string;
  readonly from?: string;
  readonly to?: string;
  /** The move that counts as an event, a fraction (the original: 0.2 = +20 %). */
  readonly moveThreshold?: number;
  readonly totalBars?: number;
  readonly totalEvents?: number;
  /** Share of scanned minutes above the threshold, 0–1. */
  readonly positiveMinuteRate?: number;
  readonly durationAboveMinutes?: { readonly median: number; readonly mean: number };
  /** Events by the ET hour their move triggered in (0–23; normally 9–15). */
  readonly eventsByHour: ReadonlyArray<{ readonly hour: number; readonly events: number }>;
  /** One row per scanned contract and day, zeros included. */
  readonly perContractDay: ReadonlyArray<{
    readonly date: string;
    readonly ticker: string;
    readonly events: number;
    readonly bars?: number;
  }>;
}

/**
 * One point of the model's threshold sweep.
 *
 * @example
 * ```ts
 * const p: ThresholdPoint = { threshold: 0.67, precision: 0.919, recall: 0.41, signals: 307 };
 * ```
 */
export interface ThresholdPoint {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly signals: number;
}

/**
 * One feature's importance; `gain` is required, other XGBoost importance types optional.
 *
 * @example
 * ```ts
 * const f: FeatureImportanceRow = { feature: 'spy_rsi_14', gain: 12.5, weight: 40 };
 * ```
 */
export interface FeatureImportanceRow {
  readonly feature: string;
  readonly gain: number;
  readonly weight?: number;
  readonly cover?: number;
}

/**
 * One walk-forward test month.
 *
 * @example
 * ```ts
 * const m: WalkForwardMonth = { month: '2025-09', precision: 0.62, signals: 41 };
 * ```
 */
export interface WalkForwardMonth {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Precision of the month's signals, 0–1, or null when the month produced no signal. */
  readonly precision: number | null;
  readonly signals: number;
}

/**
 * One SHAP factor of a signal: the feature, its value and its contribution to the log-odds.
 *
 * @example
 * ```ts
 * const f: ShapFactor = { feature: 'iv', value: 0.21, shap: 0.4 };
 * ```
 */
export interface ShapFactor {
  readonly feature: string;
  readonly value: number | null;
  readonly shap: number;
}

/**
 * One recent signal with its explanation.
 *
 * @example
 * ```ts
 * const s: RecentSignal = { timestamp: 1740000000000, ticker: 'O:SPY250303C00590000', probability: 0.71, outcome: 'tp', topFactors: [] };
 * ```
 */
export interface RecentSignal {
  /** Bar start, UTC epoch ms. */
  readonly timestamp: number;
  readonly ticker: string;
  readonly probability: number;
  /** Known outcome once the 120-minute window has passed. */
  readonly outcome?: 'tp' | 'fp' | null;
  /** max_gain_<N>m of the signal, a fraction (0.31 = +31 %). */
  readonly maxGain?: number | null;
  /** Top factors by |shap|, largest first. */
  readonly topFactors: readonly ShapFactor[];
}

/**
 * A figure with its bootstrap interval (`@spyglass/backtest`'s `Interval`).
 *
 * @example
 * ```ts
 * const i: IntervalFigure = { estimate: 0.031, low: 0.004, high: 0.059, level: 0.95, draws: 1000 };
 * ```
 */
export interface IntervalFigure {
  readonly estimate: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly level: number;
  readonly draws: number;
}

/**
 * The trading backtest of a run, as the model summary carries it (curves thinned for display):
 * money in dollars, returns and rates as fractions.
 *
 * @example
 * ```ts
 * const pnl: ModelPnl = {
 *   note: '38 held-out trading day(s) …; simulator days (synthetic data, not market results)', simulator: true,
 *   trades: 120, totalPnl: 412.5, maxDrawdown: 96, winRate: 0.55,
 *   meanTradeReturn: { estimate: 0.03, low: 0.004, high: 0.059, level: 0.95, draws: 1000 },
 *   sharpe: { estimate: 2.1, low: 0.3, high: 3.9, level: 0.95, draws: 1000 },
 *   precision: { estimate: 0.6, low: 0.52, high: 0.68, level: 0.95, draws: 1000 },
 *   randomPercentile: 0.91, randomTotalPnl: [-40, 12, 88], equity: [{ time: 1740000000000, equity: 12.5, drawdown: 0 }],
 *   calibration: [{ meanPredicted: 0.55, observedRate: 0.6, count: 300 }], brier: 0.21, splits: [],
 * };
 * ```
 */
export interface ModelPnl {
  readonly note: string;
  readonly simulator: boolean | null;
  readonly trades: number;
  readonly totalPnl: number;
  readonly maxDrawdown: number;
  readonly winRate: number | null;
  readonly meanTradeReturn: IntervalFigure;
  readonly sharpe: IntervalFigure;
  readonly precision: IntervalFigure;
  /** Share of random-entry portfolios the model's total P&L beats. */
  readonly randomPercentile: number;
  readonly randomTotalPnl: readonly number[];
  readonly equity: ReadonlyArray<{ readonly time: number; readonly equity: number; readonly drawdown: number }>;
  readonly calibration: ReadonlyArray<{ readonly meanPredicted: number; readonly observedRate: number; readonly count: number }>;
  readonly brier: number | null;
  /** One per walk-forward split. */
  readonly splits: ReadonlyArray<{ readonly label: string; readonly trades: number; readonly totalPnl: number; readonly meanTradeReturn: IntervalFigure; readonly precision: IntervalFigure; readonly sharpe: IntervalFigure }>;
}

/**
 * `<root>/reports/ml/latest/summary.json`: the latest training run, written by the trainer app.
 *
 * @example
 * ```ts
 * const summary: ModelSummary = {
 *   runId: 'xgb-20260219', generatedAt: '2026-02-19T23:00:00Z', threshold: 0.67,
 *   metrics: { precision: 0.919, recall: 0.41, f1: 0.57, rocAuc: 0.88 },
 *   thresholdCurve: [{ threshold: 0.5, precision: 0.7, recall: 0.8, signals: 900 }],
 *   featureImportance: [{ feature: 'spy_rsi_14', gain: 12.5 }],
 *   walkForward: [{ month: '2025-09', precision: 0.62, signals: 41 }],
 *   recentSignals: [{ timestamp: 1740000000000, ticker: 'O:SPY250303C00590000', probability: 0.71, topFactors: [{ feature: 'iv', value: 0.2, shap: 0.4 }] }],
 * };
 * ```
 */
export interface ModelSummary {
  readonly runId: string;
  readonly generatedAt: string;
  readonly modelVersion?: string;
  /** Where the training data came from, shown next to the run (e.g. `exchange simulator, seed 42 (synthetic)`). */
  readonly dataSource?: string;
  /** The decision threshold the run selected. */
  readonly threshold: number;
  /** Test-split metrics by name (precision, recall, f1, rocAuc, accuracy, signals, …). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly thresholdCurve: readonly ThresholdPoint[];
  readonly featureImportance: readonly FeatureImportanceRow[];
  readonly walkForward: readonly WalkForwardMonth[];
  readonly recentSignals: readonly RecentSignal[];
  /** The trading backtest of the test days, when the run made one. */
  readonly pnl?: ModelPnl;
}

/**
 * Where the dashboard reads the scanner summary.
 *
 * @example
 * ```ts
 * scannerSummaryPath('data'); // 'data/reports/scanner/summary.json'
 * ```
 */
export function scannerSummaryPath(root: string): string {
  return dataRootLayout(root).scannerSummary;
}

/**
 * Where the dashboard reads the latest model summary.
 *
 * @example
 * ```ts
 * modelSummaryPath('data'); // 'data/reports/ml/latest/summary.json'
 * ```
 */
export function modelSummaryPath(root: string): string {
  return dataRootLayout(root).modelSummary;
}

type Path = ReadonlyArray<string | number>;

class Checker {
  readonly issues: ValidationIssue[] = [];
  private fail(path: Path, code: string, message: string): false {
    this.issues.push({ code, path, message });
    return false;
  }
  object(v: unknown, path: Path): v is Record<string, unknown> {
    return (v !== null && typeof v === 'object' && !Array.isArray(v)) || this.fail(path, 'NOT_OBJECT', `${fmt(path)} must be an object`);
  }
  string(v: unknown, path: Path, optional = false): boolean {
    if (v === undefined && optional) return true;
    return (typeof v === 'string' && v.length > 0) || this.fail(path, 'NOT_STRING', `${fmt(path)} must be a non-empty string`);
  }
  number(v: unknown, path: Path, opts: { optional?: boolean; nullable?: boolean; min?: number; max?: number } = {}): boolean {
    if (v === undefined && opts.optional) return true;
    if (v === null && opts.nullable) return true;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, 'NOT_NUMBER', `${fmt(path)} must be a finite number`);
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      return this.fail(path, 'OUT_OF_RANGE', `${fmt(path)} = ${v} is outside [${opts.min ?? '-inf'}, ${opts.max ?? 'inf'}]`);
    }
    return true;
  }
  /** A key that an earlier version wrote in another unit: present means a writer still uses it. */
  renamed(obj: Record<string, unknown>, path: Path, old: string, now: string): void {
    if (old in obj) this.fail([...path, old], 'RENAMED', `${fmt([...path, old])} is now ${now}`);
  }
  array(v: unknown, path: Path, each: (item: unknown, path: Path) => void): void {
    if (!Array.isArray(v)) {
      this.fail(path, 'NOT_ARRAY', `${fmt(path)} must be an array`);
      return;
    }
    v.forEach((item, i) => each(item, [...path, i]));
  }
}

function fmt(path: Path): string {
  return path.length ? path.join('.') : 'summary';
}

/**
 * Checks a parsed `reports/scanner/summary.json` against {@link ScannerSummary}; empty means valid.
 *
 * @example
 * ```ts
 * const issues = validateScannerSummary(JSON.parse(text));
 * if (issues.length) console.error(issues.map((i) => i.message).join('\n'));
 * ```
 */
export function validateScannerSummary(value: unknown): ValidationIssue[] {
  const c = new Checker();
  if (!c.object(value, [])) return c.issues;
  c.string(value.generatedAt, ['generatedAt']);
  c.number(value.moveThreshold, ['moveThreshold'], { optional: true, min: 0, max: 5 });
  c.renamed(value, [], 'moveThresholdPct', 'moveThreshold, a fraction (0.2 = +20 %)');
  c.number(value.positiveMinuteRate, ['positiveMinuteRate'], { optional: true, min: 0, max: 1 });
  c.array(value.eventsByHour, ['eventsByHour'], (row, p) => {
    if (!c.object(row, p)) return;
    c.number(row.hour, [...p, 'hour'], { min: 0, max: 23 });
    c.number(row.events, [...p, 'events'], { min: 0 });
  });
  c.array(value.perContractDay, ['perContractDay'], (row, p) => {
    if (!c.object(row, p)) return;
    c.string(row.date, [...p, 'date']);
    c.string(row.ticker, [...p, 'ticker']);
    c.number(row.events, [...p, 'events'], { min: 0 });
    c.number(row.bars, [...p, 'bars'], { optional: true, min: 0 });
  });
  return c.issues;
}

/**
 * Checks a parsed `reports/ml/latest/summary.json` against {@link ModelSummary}; empty means valid.
 *
 * @example
 * ```ts
 * validateModelSummary({ runId: 'x' }); // issues for generatedAt, threshold, metrics, …
 * ```
 */
export function validateModelSummary(value: unknown): ValidationIssue[] {
  const c = new Checker();
  if (!c.object(value, [])) return c.issues;
  c.string(value.runId, ['runId']);
  c.string(value.generatedAt, ['generatedAt']);
  c.string(value.dataSource, ['dataSource'], true);
  c.number(value.threshold, ['threshold'], { min: 0, max: 1 });
  if (c.object(value.metrics, ['metrics'])) {
    for (const [k, v] of Object.entries(value.metrics)) c.number(v, ['metrics', k]);
  }
  const unit = { min: 0, max: 1 };
  c.array(value.thresholdCurve, ['thresholdCurve'], (row, p) => {
    if (!c.object(row, p)) return;
    c.number(row.threshold, [...p, 'threshold'], unit);
    c.number(row.precision, [...p, 'precision'], unit);
    c.number(row.recall, [...p, 'recall'], unit);
    c.number(row.signals, [...p, 'signals'], { min: 0 });
  });
  c.array(value.featureImportance, ['featureImportance'], (row, p) => {
    if (!c.object(row, p)) return;
    c.string(row.feature, [...p, 'feature']);
    c.number(row.gain, [...p, 'gain'], { min: 0 });
  });
  c.array(value.walkForward, ['walkForward'], (row, p) => {
    if (!c.object(row, p)) return;
    c.string(row.month, [...p, 'month']);
    c.number(row.precision, [...p, 'precision'], { ...unit, nullable: true });
    c.number(row.signals, [...p, 'signals'], { min: 0 });
  });
  c.array(value.recentSignals, ['recentSignals'], (row, p) => {
    if (!c.object(row, p)) return;
    c.number(row.timestamp, [...p, 'timestamp'], { min: 0 });
    c.string(row.ticker, [...p, 'ticker']);
    c.number(row.probability, [...p, 'probability'], unit);
    // A gain is a fraction: −1 (total loss) is the floor; the old percent field is refused by name.
    c.number(row.maxGain, [...p, 'maxGain'], { optional: true, nullable: true, min: -1 });
    c.renamed(row, p, 'maxGainPct', 'maxGain, a fraction (0.31 = +31 %)');
    c.array(row.topFactors, [...p, 'topFactors'], (f, fp) => {
      if (!c.object(f, fp)) return;
      c.string(f.feature, [...fp, 'feature']);
      c.number(f.value, [...fp, 'value'], { nullable: true });
      c.number(f.shap, [...fp, 'shap']);
    });
  });
  if (value.pnl !== undefined && c.object(value.pnl, ['pnl'])) {
    const pnl = value.pnl;
    c.number(pnl.trades, ['pnl', 'trades'], { min: 0 });
    c.number(pnl.totalPnl, ['pnl', 'totalPnl']);
    c.number(pnl.randomPercentile, ['pnl', 'randomPercentile'], unit);
    for (const k of ['meanTradeReturn', 'sharpe', 'precision'] as const) {
      if (c.object(pnl[k], ['pnl', k])) for (const e of ['estimate', 'low', 'high'] as const) c.number((pnl[k] as Record<string, unknown>)[e], ['pnl', k, e], { nullable: true });
    }
    c.array(pnl.randomTotalPnl, ['pnl', 'randomTotalPnl'], (v, p) => c.number(v, p));
    c.array(pnl.equity, ['pnl', 'equity'], (row, p) => {
      if (!c.object(row, p)) return;
      c.number(row.equity, [...p, 'equity']);
      c.number(row.drawdown, [...p, 'drawdown'], { max: 0 });
    });
    c.array(pnl.calibration, ['pnl', 'calibration'], (row, p) => {
      if (!c.object(row, p)) return;
      c.number(row.meanPredicted, [...p, 'meanPredicted'], unit);
      c.number(row.observedRate, [...p, 'observedRate'], unit);
      c.number(row.count, [...p, 'count'], { min: 0 });
    });
    c.array(pnl.splits, ['pnl', 'splits'], (row, p) => {
      if (!c.object(row, p)) return;
      c.string(row.label, [...p, 'label']);
      c.number(row.totalPnl, [...p, 'totalPnl']);
    });
  }
  return c.issues;
}
