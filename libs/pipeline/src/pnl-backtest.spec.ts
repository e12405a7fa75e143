// The P&L backtest on a real feature dataset (simulator → ingestion → consolidation → features) and
// real libxgboost: a model with no skill must land inside the random-entry distribution, and the
// days a model learned from are refused.
import { rm } from 'node:fs/promises';
import { isSpyglassError, seededRandom } from '@spyglass/core';
import { loadFeatureTable, XGBoostTrainer, type FeatureTable, type ModelArtifact } from '@spyglass/ml';
import { buildFeatureDataset, type FeatureDataset } from './testing/index.js';
import { heldOutDays, runPnlBacktest } from './pnl-backtest.js';

// OpenMP's busy-waiting workers crawl on a shared 2-core machine; libxgboost reads this when it loads.
process.env.OMP_WAIT_POLICY = 'passive';

let data: FeatureDataset;
let table: FeatureTable;
beforeAll(async () => {
  data = await buildFeatureDataset();
  table = await loadFeatureTable({ root: data.root });
}, 300_000);
afterAll(() => rm(data.root, { recursive: true, force: true }));

/** The same rows with their labels permuted (seeded): whatever the model learns is noise. */
function shuffledLabels(t: FeatureTable): FeatureTable {
  const label = Uint8Array.from(t.label);
  const rand = seededRandom(5);
  for (let i = label.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [label[i], label[j]] = [label[j]!, label[i]!];
  }
  return { ...t, label };
}

describe('runPnlBacktest', () => {
  it('places a model trained on shuffled labels inside the random-entry distribution', async () => {
    const run = await new XGBoostTrainer({ config: { rounds: 30 } }).train(shuffledLabels(table), { version: 'no-skill' });
    const e = await runPnlBacktest({ root: data.root, artifact: { ...run.artifact, threshold: 0.5 }, table, simulator: true, linearBaseline: false, randomDraws: 200, bootstrapDraws: 300 });
    expect(e.days.from! > run.artifact.dataRange.validation.to!).toBe(true);
    expect(e.metrics.trades).toBeGreaterThan(0);
    expect(e.baselines.random.percentile).toBeGreaterThan(0.025);
    expect(e.baselines.random.percentile).toBeLessThan(0.975);
  }, 300_000);

  it('refuses requested days inside the model’s training or validation range', async () => {
    const artifact: Pick<ModelArtifact, 'version' | 'dataRange'> = { version: 'v', dataRange: { from: '2025-01-02', to: '2025-02-07', train: { from: '2025-01-02', to: '2025-01-24' }, validation: { from: '2025-01-27', to: '2025-01-31' }, test: { from: '2025-02-03', to: '2025-02-07' } } };
    const days = ['2025-01-30', '2025-02-03', '2025-02-04'];
    expect(heldOutDays(artifact, days)).toEqual(['2025-02-03', '2025-02-04']);
    const e = (() => {
      try {
        return heldOutDays(artifact, days, days);
      } catch (err) {
        return err;
      }
    })();
    expect(isSpyglassError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect((e as Error).message).toMatch(/1 requested day\(s\) \(2025-01-30 … 2025-01-30\) fall in model v's training\/validation range/);
  });
});
