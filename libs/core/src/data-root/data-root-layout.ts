import { join } from 'node:path';

/**
 * Every place under the data root, in one object: the one owner of the layout. Code never joins
 * `'models'`, `'reports'`… itself; it asks the layout, so a different store (object keys instead of
 * local paths) changes one module.
 *
 * @example
 * ```ts
 * const at = dataRootLayout('data');
 * at.model('20260219-2300'); // 'data/models/20260219-2300'
 * at.mlReport('xgb-1');      // 'data/reports/ml/xgb-1'
 * ```
 */
export interface DataRootLayout {
  /** The data root itself. */
  readonly root: string;
  /** `<root>/raw`: hive-partitioned raw datasets (`raw/<dataset>/ticker=<T>/date=<D>/`). */
  readonly raw: string;
  /** `<root>/processed`: consolidated, features, training, scanner output. */
  readonly processed: string;
  /** `<root>/quarantine`: rejected records with their reason codes. */
  readonly quarantine: string;
  /** `<root>/checkpoints`: resumable progress of backfills and streams. */
  readonly checkpoints: string;
  /** `<root>/workers`: the registry of worker processes. */
  readonly workers: string;
  /** `<root>/schema_drift`: baselines and the drift event log. */
  readonly schemaDrift: string;
  /** `<root>/schema_drift/events.jsonl`. */
  readonly schemaDriftEvents: string;
  /** `<root>/schema_baselines`: one expected schema per dataset. */
  readonly schemaBaselines: string;
  /** `<root>/models`: one directory per trained model version. */
  readonly models: string;
  /** `<root>/reports`. */
  readonly reports: string;
  /** `<root>/logs/training/metrics.jsonl`: one line per training run. */
  readonly trainingMetricsLog: string;
  /** `<root>/reports/scanner`: the scanner's summary and event CSV. */
  readonly scannerReports: string;
  /** `<root>/reports/scanner/events.csv`: the scanner's events, one row each. */
  readonly scannerEvents: string;
  /** `<root>/reports/scanner/summary.json` (see `ScannerSummary`). */
  readonly scannerSummary: string;
  /** `<root>/reports/ml/latest/summary.json` (see `ModelSummary`). */
  readonly modelSummary: string;
  /** `<root>/processed/<dataset>`. */
  processedDataset(dataset: string): string;
  /** `<root>/quarantine/<dataset>`. */
  quarantineDataset(dataset: string): string;
  /** `<root>/models/<version>`: the artifact files of one model. */
  model(version: string): string;
  /** `<root>/reports/ml/<runId>` (`latest` is the copy of the newest run). */
  mlReport(runId: string): string;
  /** `<root>/reports/<...parts>`: an evaluation command's default output place. */
  report(...parts: string[]): string;
}

/**
 * The layout of the data root `root` (see {@link DataRootLayout}).
 *
 * @example
 * ```ts
 * const at = dataRootLayout('data');
 * at.checkpoints;                 // 'data/checkpoints'
 * at.processedDataset('features'); // 'data/processed/features'
 * ```
 */
export function dataRootLayout(root: string): DataRootLayout {
  const under = (...parts: string[]): string => join(root, ...parts);
  return {
    root,
    raw: under('raw'),
    processed: under('processed'),
    quarantine: under('quarantine'),
    checkpoints: under('checkpoints'),
    workers: under('workers'),
    schemaDrift: under('schema_drift'),
    schemaDriftEvents: under('schema_drift', 'events.jsonl'),
    schemaBaselines: under('schema_baselines'),
    models: under('models'),
    reports: under('reports'),
    trainingMetricsLog: under('logs', 'training', 'metrics.jsonl'),
    scannerReports: under('reports', 'scanner'),
    scannerEvents: under('reports', 'scanner', 'events.csv'),
    scannerSummary: under('reports', 'scanner', 'summary.json'),
    modelSummary: under('reports', 'ml', 'latest', 'summary.json'),
    processedDataset: (dataset) => under('processed', dataset),
    quarantineDataset: (dataset) => under('quarantine', dataset),
    model: (version) => under('models', version),
    mlReport: (runId) => under('reports', 'ml', runId),
    report: (...parts) => under('reports', ...parts),
  };
}
