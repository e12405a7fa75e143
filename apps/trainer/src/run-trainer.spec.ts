// The trainer end to end on a real feature dataset (exchange simulator → ingestion → consolidation →
// features in a temp data root) with real libxgboost, DuckDB and Parquet.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildFeatureDataset, CONFIG_DIR, type FeatureDataset } from '@spyglass/pipeline/testing';
import { renderTrainerResult, runTrainer, type TrainerResult } from './run-trainer.js';
import { parseTrainerArgs } from './trainer-args.js';

// OpenMP's busy-waiting workers crawl on a shared 2-core machine; libxgboost reads this when it loads.
process.env.OMP_WAIT_POLICY = 'passive';

let data: FeatureDataset;
let result: TrainerResult;
const progress: string[] = [];
const quiet = { env: {}, logDestination: new PassThrough().resume() };

beforeAll(async () => {
  data = await buildFeatureDataset();
  const args = parseTrainerArgs(['--config-dir', CONFIG_DIR, '--data-root', data.root, '--from', data.from, '--to', data.to, '--features', '--rounds', '40', '--data-source', 'exchange simulator, seed 42 (test)']);
  result = await runTrainer(args, { ...quiet, progress: (line) => progress.push(line) });
}, 300_000);
afterAll(() => rm(data.root, { recursive: true, force: true }));

describe('runTrainer', () => {
  it('regenerates the features it was asked to, then trains on them', () => {
    expect(result.features?.dates).toHaveLength(data.days);
    expect(result.features?.rows).toBe(data.featureRows);
    expect(result.days).toBe(data.days);
    expect(result.rows).toBeLessThanOrEqual(data.featureRows);
    expect(progress.some((l) => l.startsWith('  train: best iteration'))).toBe(true);
  });

  it('evaluates on held-out days with a threshold from the validation sweep', () => {
    expect(result.test.rocAuc).toBeGreaterThan(0);
    expect(result.test.rocAuc).toBeLessThan(1);
    expect(result.threshold).toBeGreaterThanOrEqual(0.5);
    expect(result.threshold).toBeLessThanOrEqual(0.99);
    expect(result.backtest.threshold).toBe(result.threshold);
    expect(result.backtest.nTruePositives + result.backtest.nFalsePositives).toBe(result.backtest.nSignals);
    expect(result.speed.p50Ms).toBeLessThanOrEqual(result.speed.p99Ms);
  });

  it('writes the HTML report with plots, the JSON summary and the model', () => {
    const html = readFileSync(result.reportHtml, 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('exchange simulator, seed 42 (test)');
    const summary = JSON.parse(readFileSync(result.summaryJson, 'utf8'));
    expect(summary).toEqual(JSON.parse(readFileSync(join(data.root, 'reports', 'ml', 'latest', 'summary.json'), 'utf8')));
    expect(existsSync(join(result.modelDir, 'model.json'))).toBe(true);
    expect(existsSync(join(result.modelDir, 'artifact.json'))).toBe(true);
  });

  it('says why walk-forward was skipped when the data spans too few months', () => {
    expect(result.walkForward).toEqual({ skipped: 'the data spans 2 month(s); walk-forward needs 4' });
  });

  it('prints where the report, summary and model are', () => {
    const text = renderTrainerResult(result);
    expect(text).toContain(`report:   ${result.reportHtml}`);
    expect(text).toContain(`summary:  ${result.summaryJson}`);
    expect(text).toContain(`test ROC-AUC   ${result.test.rocAuc.toFixed(3)}`);
  });

  it('--no-walk-forward turns it off and trains a new model from the stored features', async () => {
    const again = await runTrainer(parseTrainerArgs(['--config-dir', CONFIG_DIR, '--data-root', data.root, '--no-walk-forward', '--rounds', '20', '--log-level', 'silent']), quiet);
    expect(again.walkForward).toEqual({ skipped: 'turned off' });
    expect(again.features).toBeNull();
    expect(again.rows).toBe(result.rows);
    expect(again.modelDir).not.toBe(result.modelDir);
  }, 60_000);

  it('fails with a clear reason when there are no features', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'spyglass-trainer-empty-'));
    await expect(runTrainer(parseTrainerArgs(['--config-dir', CONFIG_DIR, '--data-root', empty]), quiet)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('run `spyglass ml generate-features` first'),
    });
  });

  // The features were there, outside the range; the message sent the user to generate-features.
  it('a range that misses the stored feature days says to widen it', async () => {
    await expect(runTrainer(parseTrainerArgs(['--config-dir', CONFIG_DIR, '--data-root', data.root, '--from', '2024-04-06', '--to', '2024-04-07', '--log-level', 'silent']), quiet)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/from 2024-04-06 to 2024-04-07; found 0 rows on 0 days \(widen the range: the stored feature days lie outside it\)$/),
    });
  });
});
