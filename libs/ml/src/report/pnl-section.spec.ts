import { validateModelSummary } from '@spyglass/core';
import { BarBook, DEFAULT_TRADE_RULES, evaluatePnl, type ContractSession, type LabelledRows } from '@spyglass/backtest';
import { pnlSectionHtml, pnlSummary } from './pnl-section.js';

// Three sessions of two contracts: one rises through the day, one falls, so the trades win and lose.
const DATES = ['2025-03-03', '2025-03-04', '2025-03-05'];
function market(): { book: BarBook; rows: LabelledRows; probabilities: number[] } {
  const sessions: ContractSession[] = [];
  const rows = { rows: 0, label: [] as number[], date: [] as string[], ticker: [] as string[], timestamp: [] as number[] };
  const probabilities: number[] = [];
  DATES.forEach((date, d) => {
    const open = Date.UTC(2025, 2, 3 + d, 14, 30);
    for (const [ticker, drift] of [['UP', 0.004], ['DOWN', -0.004]] as const) {
      const t: number[] = [], o: number[] = [], h: number[] = [], l: number[] = [], c: number[] = [];
      for (let i = 0; i < 120; i++) {
        const p = Math.round(100 * (1 + drift * i + 0.02 * Math.sin(i / 3))) / 100;
        t.push(open + i * 60_000);
        o.push(p);
        c.push(p);
        h.push(p + 0.01);
        l.push(p - 0.01);
        rows.label.push(drift > 0 ? 1 : 0);
        rows.date.push(date);
        rows.ticker.push(ticker);
        rows.timestamp.push(open + i * 60_000);
        probabilities.push(drift > 0 ? 0.7 + 0.2 * Math.sin(i) ** 2 : 0.3 + 0.5 * Math.cos(i) ** 2);
      }
      sessions.push({ ticker, date, t, open: o, high: h, low: l, close: c });
    }
  });
  return { book: new BarBook(sessions), rows: { ...rows, rows: rows.label.length }, probabilities };
}

describe('the report’s P&L section', () => {
  const { book, rows, probabilities } = market();
  const evaluation = evaluatePnl({ table: rows, probabilities, threshold: 0.75, book, rules: DEFAULT_TRADE_RULES, simulator: true, trainPositiveRate: 0.5, randomDraws: 30, bootstrapDraws: 100 });
  const splits = [{ label: '2025-03', trades: evaluation.metrics.trades, totalPnl: evaluation.metrics.totalPnl, ...evaluation.intervals }];

  it('shows the rules, the intervals, the baselines, four charts and the per-split table', () => {
    const html = pnlSectionHtml({ evaluation, splits });
    expect(evaluation.metrics.trades).toBeGreaterThan(0);
    expect(html).toContain('Trading backtest (P&amp;L)');
    expect(html).toContain('simulator days (synthetic data, not market results)');
    expect(html).toContain('vs random entries');
    expect(html).toContain('walk-forward split');
    expect(html.match(/<svg /g)?.length).toBe(5);
  });

  it('summarises into the ModelPnl contract the dashboard validates', () => {
    const summary = pnlSummary({ evaluation, splits });
    const model = { runId: 'r', generatedAt: 'now', threshold: 0.75, metrics: {}, thresholdCurve: [], featureImportance: [], walkForward: [], recentSignals: [], pnl: summary };
    expect(validateModelSummary(model)).toEqual([]);
    expect(summary.equity.length).toBe(evaluation.metrics.trades);
    expect(validateModelSummary({ ...model, pnl: { ...summary, randomPercentile: 2 } })).toEqual([expect.objectContaining({ path: ['pnl', 'randomPercentile'] })]);
  });
});
