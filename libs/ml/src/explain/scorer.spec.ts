import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { seededRandom } from '../data/seeded-random.js';
import { timeBasedSplit } from '../data/time-split.js';
import { predictTable } from '../evaluation/predict-table.js';
import { saveModelArtifact } from '../training/model-artifact.js';
import { XGBoostTrainer } from '../training/xgboost-trainer.js';
import { Booster } from '../xgboost/booster.js';
import { DMatrix } from '../xgboost/dmatrix.js';
import { Scorer } from './scorer.js';
import { explainSignal, formatExplanation } from './signal-explainer.js';

describe('Scorer and SHAP explanations', () => {
  const table = syntheticTable({ days: 12, minutesPerDay: 30, seed: 17 });
  let dir: string;
  let artifact: Awaited<ReturnType<XGBoostTrainer['train']>>['artifact'];
  beforeAll(async () => {
    artifact = (await new XGBoostTrainer({ inWorker: false, config: { rounds: 30, learningRate: 0.3, threshold: 0.6, nthread: 1 } }).train(table, { version: 'scorer-test' })).artifact;
    dir = mkdtempSync(join(tmpdir(), 'ml-scorer-'));
    saveModelArtifact(join(dir, 'm'), artifact);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores rows exactly like batch prediction, from arrays and from records', () => {
    using scorer = Scorer.load(join(dir, 'm'));
    using booster = Booster.fromJson(artifact.model);
    const test = timeBasedSplit(table).test;
    const batch = predictTable(booster, test);
    const cols = test.columns.length;
    for (let r = 0; r < 20; r++) {
      const row = test.data.subarray(r * cols, (r + 1) * cols);
      expect(scorer.probability(row)).toBe(batch[r]);
      const record = Object.fromEntries(test.columns.map((c, i) => [c, row[i]!]));
      const s = scorer.score(record);
      expect(s).toEqual({ probability: batch[r], isSignal: batch[r]! >= 0.6 });
    }
    expect(() => scorer.probability([1, 2])).toThrow(/expects 5/);
  });

  // the default scores with the JavaScript TreePredictor: bit for bit libxgboost's, in explain too
  it.each(['auto', 'libxgboost'] as const)('gives batch prediction\'s probabilities with predictor %s, explanations included', (predictor) => {
    using scorer = Scorer.fromArtifact(artifact, { predictor });
    using booster = Booster.fromJson(artifact.model);
    const test = timeBasedSplit(table).test;
    const cols = test.columns.length;
    const n = Math.min(200, test.rows);
    expect(n).toBeGreaterThan(50);
    const rows = test.data.slice(0, n * cols).map((v, i) => (i % 7 === 3 ? Number.NaN : v));
    using d = DMatrix.fromDense({ data: rows, rows: n, cols });
    const batch = booster.predict(d);
    for (let r = 0; r < n; r++) {
      const row = rows.subarray(r * cols, (r + 1) * cols);
      expect(scorer.probability(row)).toBe(batch[r]);
      expect(scorer.explain(row).probability).toBe(batch[r]);
    }
  });

  it('explains with SHAP factors that sum to the margin, readings and risk factors', () => {
    using scorer = Scorer.fromArtifact(artifact);
    using booster = Booster.fromJson(artifact.model);
    const row = { signal_a: 1.8, signal_b: -0.4, noise_0: 0.1, noise_1: null, noise_2: -1 };
    const e = scorer.explain(row);
    const vector = Float32Array.from([1.8, -0.4, 0.1, Number.NaN, -1]);
    using d = DMatrix.fromDense({ data: vector, rows: 1, cols: 5 });
    const margin = booster.predict(d, { outputMargin: true })[0]!;
    const sum = e.factors.reduce((a, f) => a + f.shap, e.baseMargin);
    expect(sum).toBeCloseTo(margin, 4);
    expect(e.factors[0]!.feature).toBe('signal_a');
    expect(e.factors[0]!.direction).toBe('bullish');
    expect(e.factors.find((f) => f.feature === 'signal_b')?.direction).toBe('bearish');
    expect(e.riskFactors.every((f) => f.shap < 0)).toBe(true);
    expect(e.factors.find((f) => f.feature === 'noise_1')?.value ?? null).toBeNull();
    expect(scorer.score(row, { explain: true, topN: 2 }).factors).toHaveLength(2);
    // the JavaScript TreeSHAP the scorer uses equals libxgboost's pred_contribs up to float32 rounding
    const native = booster.contributions(d).values;
    scorer.contributions(vector).forEach((v, i) => expect(Math.abs(v - native[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it.each([0, 1, 3, 10, 40])('ranks the top %i factors like a full sort by |SHAP| (ties by column order, zeros left out)', (topN) => {
    const rand = seededRandom(topN + 1);
    const cols = 40;
    const featureColumns = Array.from({ length: cols }, (_, i) => `f${i}`);
    // rounded to a few values so ties and zeros occur
    const contributions = Array.from({ length: cols + 1 }, () => Math.round((rand() - 0.5) * 8) / 4);
    const e = explainSignal({ featureColumns, values: new Array(cols).fill(0), contributions, probability: 0.5, threshold: 0.6, topN });
    const expected = featureColumns
      .map((feature, i) => ({ feature, shap: contributions[i]! }))
      .filter((f) => f.shap !== 0)
      .sort((a, b) => Math.abs(b.shap) - Math.abs(a.shap))
      .slice(0, topN);
    expect(e.factors.map((f) => [f.feature, f.shap])).toEqual(expected.map((f) => [f.feature, f.shap]));
  });

  it('computes SHAP with libxgboost when chosen, bit for bit', () => {
    using scorer = Scorer.fromArtifact(artifact, { shap: 'libxgboost' });
    using booster = Booster.fromJson(artifact.model);
    const vector = Float32Array.from([0.3, -1.1, Number.NaN, 0.7, 2]);
    using d = DMatrix.fromDense({ data: vector, rows: 1, cols: 5 });
    expect(Array.from(scorer.contributions(vector))).toEqual(Array.from(booster.contributions(d).values));
  });

  it.each([
    [0.61, 0.6, true, true],
    [0.7, 0.6, true, false],
    [0.59, 0.6, false, true],
  ])('p=%d vs threshold %d → signal %s, close call %s', (probability, threshold, isSignal, closeCall) => {
    const e = explainSignal({ featureColumns: ['spy_rsi_14', 'vix'], values: [75, 30], contributions: [0.3, -0.1, -0.5], probability, threshold });
    expect(e).toMatchObject({ isSignal, closeCall });
    expect(e.factors.map((f) => f.feature)).toEqual(['spy_rsi_14', 'vix']);
    expect(e.factors[0]).toMatchObject({ strength: 5, reading: 'SPY RSI(14) at 75.0: overbought (> 70)' });
    const text = formatExplanation(e);
    expect(text).toContain('RISK FACTORS');
    expect(text.includes('CLOSE CALL')).toBe(closeCall);
    expect(text.includes('SIGNAL DETECTED')).toBe(isSignal);
  });
});
