import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@spyglass/core';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { FORBIDDEN_FEATURES } from '../data/forbidden-features.js';
import { timeBasedSplit } from '../data/time-split.js';
import { rocAuc } from '../evaluation/classification-metrics.js';
import { predictTable } from '../evaluation/predict-table.js';
import { runBacktest } from '../evaluation/split-predictions.js';
import { Booster } from '../xgboost/booster.js';
import { appendMetricsLog, loadModelArtifact, saveModelArtifact } from './model-artifact.js';
import { validateTrainerConfig } from './trainer-config.js';
import { XGBoostTrainer } from './xgboost-trainer.js';

describe('XGBoostTrainer', () => {
  const table = syntheticTable({ days: 30, minutesPerDay: 40, seed: 5 });
  const clock = new ManualClock(Date.parse('2026-01-02T03:04:05Z'));

  it('trains on the training days only, stops early on validation and generalises (AUC > 0.8 on held-out test days)', async () => {
    const trainer = new XGBoostTrainer({ clock, config: { rounds: 400, learningRate: 0.3, earlyStoppingRounds: 10, nthread: 1 } });
    const progress: number[] = [];
    const run = await trainer.train(table, { version: 'v-test', gitRevision: 'abc1234', onProgress: (p) => progress.push(p.iteration) });
    const { artifact } = run;
    expect(run.training.stoppedEarly).toBe(true);
    expect(progress.length).toBe(run.training.iterationsRun);
    expect(run.balance.after.positives).toBe(run.balance.after.negatives);
    expect(run.split.parts.train.days).toBe(21);
    expect(artifact.metrics.test.rocAuc).toBeGreaterThan(0.8);
    // the stored metric is recomputed independently from the model and the test days
    const split = timeBasedSplit(table);
    using booster = Booster.fromJson(artifact.model);
    expect(booster.boostedRounds).toBe(artifact.bestIteration + 1);
    expect(rocAuc(split.test.label, predictTable(booster, split.test))).toBeCloseTo(artifact.metrics.test.rocAuc, 10);
    expect(artifact).toMatchObject({
      version: 'v-test',
      gitRevision: 'abc1234',
      savedAt: '2026-01-02T03:04:05.000Z',
      featureColumns: table.columns,
      threshold: 0.5,
      dataRange: { from: split.days.train[0], to: split.days.test.at(-1), test: { from: split.days.test[0] } },
    });
    // the backtest sees the test days only, at the stored threshold or an override
    const bt = runBacktest(artifact, table);
    expect(bt.testDays).toEqual(split.days.test);
    expect(bt.metrics.nTestRows).toBe(split.test.rows);
    expect(bt.metrics.nTruePositives).toBe(artifact.metrics.test.tp);
    expect(runBacktest(artifact, table, { threshold: 0.9 }).metrics.nSignals).toBeLessThan(bt.metrics.nSignals);
    const dir = mkdtempSync(join(tmpdir(), 'ml-artifact-'));
    try {
      saveModelArtifact(join(dir, 'v-test'), artifact);
      const loaded = loadModelArtifact(join(dir, 'v-test'));
      expect(loaded.featureColumns).toEqual(artifact.featureColumns);
      expect(Buffer.from(loaded.model).equals(Buffer.from(artifact.model))).toBe(true);
      appendMetricsLog(join(dir, 'logs', 'metrics.jsonl'), { version: artifact.version, ...artifact.metrics });
      appendMetricsLog(join(dir, 'logs', 'metrics.jsonl'), { version: 'second' });
      const lines = readFileSync(join(dir, 'logs', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.version)).toEqual(['v-test', 'second']);
      expect(() => loadModelArtifact(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(FORBIDDEN_FEATURES.map((f) => [f]))('refuses the forbidden feature %s', async (column) => {
    const leaky = { ...table, columns: [...table.columns.slice(0, -1), column] };
    await expect(new XGBoostTrainer({ inWorker: false, config: { nthread: 1 } }).train(leaky)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects a malformed table with its issues', async () => {
    const broken = { ...table, label: table.label.subarray(1) };
    await expect(new XGBoostTrainer({ inWorker: false }).train(broken)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/label has/) });
  });

  it.each([
    [{ maxDepth: 0 }, 'maxDepth'],
    [{ learningRate: 2 }, 'learningRate'],
    [{ trainRatio: 0.9, valRatio: 0.2 }, 'valRatio'],
  ])('rejects config %j', (config, key) => {
    expect(validateTrainerConfig(config).map((i) => i.path[0])).toContain(key);
    expect(() => new XGBoostTrainer({ config })).toThrow(/invalid trainer config/);
  });
});
