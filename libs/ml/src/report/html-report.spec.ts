import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { timeBasedSplit } from '../data/time-split.js';
import { backtest } from '../evaluation/backtest.js';
import { expectedValue, falsePositives, riskReport } from '../evaluation/error-analyzer.js';
import { featureImportance } from '../evaluation/feature-importance.js';
import { predictTable } from '../evaluation/predict-table.js';
import { thresholdSweep } from '../evaluation/threshold-finder.js';
import { monthlyPrecisionAt, thresholdSensitivity } from '../evaluation/threshold-sensitivity.js';
import { XGBoostTrainer } from '../training/xgboost-trainer.js';
import { Booster } from '../xgboost/booster.js';
import { buildHtmlReport, writeReport, type ReportInput } from './html-report.js';

describe('HTML report', () => {
  let input: ReportInput;
  beforeAll(async () => {
    const table = syntheticTable({ days: 40, minutesPerDay: 10, seed: 8 });
    const { artifact } = await new XGBoostTrainer({ inWorker: false, config: { rounds: 40, learningRate: 0.3, threshold: 0.6, nthread: 1 } }).train(table, { version: 'report-test', gitRevision: 'deadbeef' });
    const split = timeBasedSplit(table);
    using booster = Booster.fromJson(artifact.model);
    const p = predictTable(booster, split.test);
    const bt = backtest(split.test, p, { threshold: 0.6 });
    const fp = falsePositives(bt.trades);
    const { model: _m, ...meta } = artifact;
    input = {
      generatedAt: '2026-01-02T00:00:00Z',
      dataSource: 'synthetic test data <seed 8>',
      artifact: meta,
      test: { labels: split.test.label, probabilities: p },
      backtest: bt.metrics,
      thresholdSweep: thresholdSweep(split.validation.label, predictTable(booster, split.validation), { from: 0.3, to: 0.9, step: 0.05 }),
      importance: featureImportance(booster, artifact.featureColumns, 'gain'),
      importanceByType: { weight: featureImportance(booster, artifact.featureColumns, 'weight') },
      monthlyPrecision: monthlyPrecisionAt(thresholdSensitivity(split.test, p, [0.6]).monthly, 0.6),
      falsePositiveDrawdowns: fp.map((t) => t.minLoss120m),
      riskReport: riskReport(fp),
      expectedValue: expectedValue({ precision: bt.metrics.precision, avgWin: bt.metrics.avgGainTp ?? 0, avgLoss: -0.1 }),
    };
  });

  it('is self-contained, states its data source and carries every chart', () => {
    const html = buildHtmlReport(input);
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<link |src="http/);
    expect(html).toContain('synthetic test data &lt;seed 8&gt;');
    expect(html.match(/<svg /g)!.length).toBe(6);
    for (const title of ['ROC curve', 'Precision–recall curve', 'Threshold sweep', 'Top 5 features by gain', 'Monthly precision', 'False-positive drawdown']) {
      expect(html).toContain(title);
    }
    expect(html).toContain('deadbeef');
  });

  it('writes report.html and a summary.json whose figures match the backtest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-report-'));
    try {
      const { htmlPath, summaryPath } = writeReport(dir, input);
      const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
      expect(readFileSync(htmlPath, 'utf8')).toMatch(/^<!doctype html>/);
      expect(summary.metrics.precision).toBe(input.backtest.precision);
      expect(summary.metrics.signals).toBe(input.backtest.nSignals);
      expect(summary.metrics.rocAuc).toBeGreaterThan(0.8);
      expect(summary.baseline.beatsBaseline).toBe(true);
      expect(summary.featureImportance[0]).toHaveProperty('weight');
      expect(summary.thresholdCurve).toHaveLength(13);
      expect(summary.modelVersion).toBe('report-test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
