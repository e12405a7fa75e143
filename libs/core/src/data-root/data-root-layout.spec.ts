import { dataRootLayout } from './data-root-layout.js';

describe('dataRootLayout', () => {
  const at = dataRootLayout('data');
  it.each<[string, string]>([
    [at.raw, 'data/raw'],
    [at.processed, 'data/processed'],
    [at.quarantine, 'data/quarantine'],
    [at.checkpoints, 'data/checkpoints'],
    [at.workers, 'data/workers'],
    [at.schemaDrift, 'data/schema_drift'],
    [at.schemaDriftEvents, 'data/schema_drift/events.jsonl'],
    [at.schemaBaselines, 'data/schema_baselines'],
    [at.models, 'data/models'],
    [at.trainingMetricsLog, 'data/logs/training/metrics.jsonl'],
    [at.scannerEvents, 'data/reports/scanner/events.csv'],
    [at.scannerSummary, 'data/reports/scanner/summary.json'],
    [at.modelSummary, 'data/reports/ml/latest/summary.json'],
    [at.processedDataset('features'), 'data/processed/features'],
    [at.quarantineDataset('stocks'), 'data/quarantine/stocks'],
    [at.model('v1'), 'data/models/v1'],
    [at.mlReport('run-1'), 'data/reports/ml/run-1'],
    [at.report('threshold_analysis'), 'data/reports/threshold_analysis'],
    // The purge categories `heartbeat` and `metrics` are these directories.
    [at.heartbeats, 'data/heartbeat'],
    [at.metrics, 'data/metrics'],
    [at.heartbeatFile('stream:news:SPY'), 'data/heartbeat/stream_news_SPY.json'],
    [at.metricsLog('backfill:I:VIX', Date.UTC(2026, 11, 2, 4)), 'data/metrics/backfill_I_VIX-2026-12.jsonl'],
  ])('%s is %s', (got, want) => expect(got).toBe(want));
});
