import type { ModelPnl } from '@spyglass/core';
import type { Interval, PnlEvaluation } from '@spyglass/backtest';
import { barChartSvg, escapeHtml, lineChartSvg, thin } from './svg-charts.js';

/**
 * One walk-forward split's P&L, for the per-split chart.
 *
 * @example
 * ```ts
 * const s: PnlSplit = { label: '2025-01', trades: 14, totalPnl: 120.5, ...e.intervals };
 * ```
 */
export interface PnlSplit {
  readonly label: string;
  readonly trades: number;
  readonly totalPnl: number;
  readonly meanTradeReturn: Interval;
  readonly precision: Interval;
  /** Annualised Sharpe of the split's daily P&L. */
  readonly sharpe: Interval;
}

/**
 * The P&L part of a model report: the held-out evaluation and, when walk-forward ran, each split's.
 *
 * @example
 * ```ts
 * const pnl: PnlReport = { evaluation, splits: [] };
 * ```
 */
export interface PnlReport {
  readonly evaluation: PnlEvaluation;
  readonly splits: readonly PnlSplit[];
}

const pct = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(d)} %`);
const usd = (v: number) => `${v < 0 ? '−' : ''}$${Math.abs(v).toFixed(2)}`;
const ci = (i: Interval, f: (v: number | null) => string) => `${f(i.estimate)} [${f(i.low)}, ${f(i.high)}]`;

/**
 * The compact P&L figures the report summary carries for the dashboard: the `ModelPnl` contract of
 * `@spyglass/core` (curves thinned to at most 300 points).
 *
 * @example
 * ```ts
 * const s: PnlSummary = pnlSummary(report);
 * ```
 */
export type PnlSummary = ModelPnl;

/**
 * The summary form of a P&L report (see {@link PnlSummary}).
 *
 * @example
 * ```ts
 * writeFileSync('pnl.json', JSON.stringify(pnlSummary({ evaluation, splits: [] })));
 * ```
 */
export function pnlSummary(report: PnlReport): PnlSummary {
  const e = report.evaluation;
  return {
    note: e.days.note,
    simulator: e.days.simulator,
    trades: e.metrics.trades,
    totalPnl: e.metrics.totalPnl,
    maxDrawdown: e.metrics.maxDrawdown,
    winRate: e.metrics.winRate,
    meanTradeReturn: e.intervals.meanTradeReturn,
    sharpe: e.intervals.sharpe,
    precision: e.intervals.precision,
    randomPercentile: e.baselines.random.percentile,
    randomTotalPnl: e.baselines.random.distribution,
    equity: thin(e.equity, 300),
    calibration: e.calibration.bins.flatMap((b) => (b.count && b.meanPredicted !== null && b.observedRate !== null ? [{ meanPredicted: b.meanPredicted, observedRate: b.observedRate, count: b.count }] : [])),
    brier: e.calibration.brier,
    splits: report.splits,
  };
}

/**
 * The report's P&L section: key figures with intervals and baselines, the equity curve with its
 * drawdown, the model's P&L against the random-entry distribution, per-split mean trade return
 * with intervals, and the calibration curve with the threshold.
 *
 * @example
 * ```ts
 * const html = pnlSectionHtml({ evaluation, splits });
 * ```
 */
export function pnlSectionHtml(report: PnlReport): string {
  const e = report.evaluation;
  const m = e.metrics;
  const sorted = [...e.baselines.random.distribution].sort((a, b) => a - b);
  const cdf = sorted.map((v, i) => ({ x: v, y: (i + 1) / sorted.length }));
  const equity = thin(e.equity, 300);
  const charts = [
    lineChartSvg({
      title: `Equity and drawdown (${m.trades} trades, held-out days)`,
      xLabel: 'trade (exit order)',
      yLabel: 'dollars',
      series: [
        { name: 'cumulative P&L', points: equity.map((p, i) => ({ x: i + 1, y: p.equity })) },
        { name: 'drawdown', points: equity.map((p, i) => ({ x: i + 1, y: p.drawdown })) },
      ],
    }),
    lineChartSvg({
      title: `Model P&L vs ${e.baselines.random.draws} random-entry portfolios (beats ${pct(e.baselines.random.percentile, 0)})`,
      xLabel: 'total P&L, dollars',
      yLabel: 'share of random portfolios ≤ x',
      series: [
        { name: 'random entries (CDF)', points: cdf },
        { name: `model ${usd(m.totalPnl)}`, points: [{ x: m.totalPnl, y: 0 }, { x: m.totalPnl, y: 1 }] },
      ],
      yDomain: [0, 1],
    }),
    lineChartSvg({
      title: `Calibration (Brier ${e.calibration.brier?.toFixed(4) ?? '–'}; threshold ${e.threshold})`,
      xLabel: 'mean predicted probability',
      yLabel: 'observed positive rate',
      series: [
        { name: 'model', points: e.calibration.bins.flatMap((b) => (b.count && b.meanPredicted !== null && b.observedRate !== null ? [{ x: b.meanPredicted, y: b.observedRate }] : [])) },
        { name: 'threshold', points: [{ x: e.threshold, y: 0 }, { x: e.threshold, y: 1 }] },
      ],
      xDomain: [0, 1],
      yDomain: [0, 1],
      diagonal: true,
    }),
  ];
  if (report.splits.length) {
    const point = (s: PnlSplit, i: number, v: number | null) => (v === null ? [] : [{ x: i + 1, y: v }]);
    charts.push(
      lineChartSvg({
        title: 'Mean trade return per walk-forward split (95 % interval)',
        xLabel: `split (${report.splits.map((s) => s.label).join(', ')})`,
        yLabel: 'mean trade return',
        series: [
          { name: 'mean', points: report.splits.flatMap((s, i) => point(s, i, s.meanTradeReturn.estimate)) },
          { name: 'low', points: report.splits.flatMap((s, i) => point(s, i, s.meanTradeReturn.low)) },
          { name: 'high', points: report.splits.flatMap((s, i) => point(s, i, s.meanTradeReturn.high)) },
        ],
      }),
      barChartSvg({
        title: 'P&L per walk-forward split',
        labels: report.splits.map((s) => `${s.label} (${s.trades})`),
        values: report.splits.map((s) => s.totalPnl),
        orientation: 'vertical',
        yLabel: 'dollars',
      }),
    );
  }
  const lin = e.baselines.linear;
  const rows: Array<[string, string]> = [
    ['days', e.days.note],
    ['rules', `next bar's open; take-profit +${pct(e.rules.takeProfit, 0)}, stop ${e.rules.stopLoss === null ? 'none' : `−${pct(e.rules.stopLoss, 0)}`}, ${e.rules.horizonMinutes} min or the session close; slippage ${pct(e.rules.slippage)} per side, $${e.rules.commissionPerContract.toFixed(2)}/contract/side`],
    ['trades / signals', `${m.trades} / ${e.signals}`],
    ['total P&L', `${usd(m.totalPnl)} (max drawdown ${usd(m.maxDrawdown)})`],
    ['mean trade return (95 % CI)', ci(e.intervals.meanTradeReturn, (v) => pct(v))],
    ['precision (95 % CI)', ci(e.intervals.precision, (v) => pct(v))],
    ['Sharpe, daily P&L (95 % CI)', ci(e.intervals.sharpe, (v) => (v === null ? '–' : v.toFixed(2)))],
    ['win rate / profit factor', `${pct(m.winRate)} / ${m.profitFactor?.toFixed(2) ?? '–'}`],
    ['vs random entries', `beats ${pct(e.baselines.random.percentile, 0)} of ${e.baselines.random.draws}; mean-trade lift ${ci(e.baselines.random.liftMeanTradeReturn, (v) => pct(v))}`],
    ['vs base rate', `precision lift ${ci(e.baselines.baseRate.liftPrecision, (v) => pct(v))}`],
    ...(lin ? [['vs linear model (gblinear)', `precision lift ${ci(lin.liftPrecision, (v) => pct(v))}, mean-trade lift ${ci(lin.liftMeanTradeReturn, (v) => pct(v))}`] as [string, string]] : []),
  ];
  const table = `<table><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
  const splits = report.splits.length
    ? `<table><thead><tr>${['walk-forward split', 'trades', 'P&L', 'mean trade (95 % CI)', 'precision (95 % CI)', 'Sharpe (95 % CI)'].map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${report.splits
        .map((x) => [x.label, String(x.trades), usd(x.totalPnl), ci(x.meanTradeReturn, (v) => pct(v)), ci(x.precision, (v) => pct(v)), ci(x.sharpe, (v) => (v === null ? '–' : v.toFixed(2)))])
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<h2>Trading backtest (P&amp;L)</h2>\n${table}\n<div class="charts">${charts.join('\n')}</div>\n${splits}`;
}
