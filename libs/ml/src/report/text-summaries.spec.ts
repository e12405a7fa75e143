import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { makeTable } from '../__test-support__/table-builder.js';
import { backtest } from '../evaluation/backtest.js';
import { expectedValue, falsePositives, riskReport, stopLossImpact } from '../evaluation/error-analyzer.js';
import { benchmarkPredictionSpeed } from '../evaluation/speed-benchmark.js';
import { findThresholdForPrecision } from '../evaluation/threshold-finder.js';
import { runWalkForward } from '../evaluation/walk-forward.js';
import { XGBoostTrainer } from '../training/xgboost-trainer.js';
import {
  formatBacktestSummary,
  formatErrorAnalysis,
  formatSpeedBenchmark,
  formatThresholdSearch,
  formatTrainingSummary,
  formatWalkForward,
} from './text-summaries.js';

describe('text summaries', () => {
  const table = makeTable([
    { date: '2025-03-03', label: 1, maxGain: 0.4, minLoss: -0.02 },
    { date: '2025-03-03', label: 0, maxGain: 0.05, minLoss: -0.12 },
    { date: '2025-03-04', label: 1, maxGain: 0.3, minLoss: -0.04 },
    { date: '2025-03-04', label: 0, maxGain: 0.02, minLoss: -0.25 },
  ]);
  const p = [0.9, 0.8, 0.3, 0.7];

  it('prints the backtest, error analysis, threshold search and speed figures', () => {
    const bt = backtest(table, p, { threshold: 0.7 });
    const text = formatBacktestSummary(bt.metrics, { trades: 'trades.csv' });
    expect(text).toContain('signals: 3');
    expect(text).toContain('true positives: 1 | false positives: 2');
    expect(text).toContain('trades: trades.csv');
    const fp = falsePositives(bt.trades);
    const errors = formatErrorAnalysis(riskReport(fp), stopLossImpact(fp, [-0.1, -0.2]), expectedValue({ precision: 1 / 3, avgWin: 0.4, avgLoss: -0.185 }));
    expect(errors).toContain('False positives: 2');
    expect(errors).toMatch(/-20%\s+1 \(50%\)/);
    expect(errors).toContain('break-even win rate: 31.6%');
    const search = formatThresholdSearch(findThresholdForPrecision(table.label, p, { minPrecision: 0.5, from: 0.7, to: 0.9, step: 0.1 }), 0.5);
    expect(search).toContain('Recommended threshold: 0.80');
    let t = 0;
    expect(formatSpeedBenchmark(benchmarkPredictionSpeed(() => (t += 0.1), { iterations: 10, warmup: 0, now: () => t }))).toContain('0.50x');
  });

  it('prints the training and walk-forward summaries of real runs', async () => {
    const data = syntheticTable({ days: 70, minutesPerDay: 8, seed: 3 });
    const run = await new XGBoostTrainer({ inWorker: false, config: { rounds: 20, nthread: 1 } }).train(data, { version: 'v-sum' });
    const text = formatTrainingSummary(run, { modelDir: 'data/models/v-sum' });
    expect(text.split('\n')).toHaveLength(11);
    expect(text).toContain(`features: ${data.columns.length}`);
    expect(text).toContain(`validation ROC-AUC: ${run.artifact.metrics.validation.rocAuc.toFixed(3)}`);
    const wf = await runWalkForward(data, { inWorker: false, config: { trainMonths: 1, threshold: 0.6 }, trainer: { rounds: 10, nthread: 1 } });
    const wfText = formatWalkForward(wf);
    expect(wfText.split('\n')).toHaveLength(wf.splits.length + 2);
    expect(wfText).toMatch(/precision mean \d/);
  });
});
