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
  /** `<root>/heartbeat`: the latest liveness record of each long run (purge category `heartbeat`). */
  readonly heartbeats: string;
  /** `<root>/metrics`: performance snapshots of long runs, JSON lines (purge category `metrics`). */
  readonly metrics: string;
  /** `<root>/heartbeat/<component>.json`, the component's name made file-safe (`backfill:SPY` → `backfill_SPY`). */
  heartbeatFile(component: string): string;
  /** `<root>/metrics/<session>-<YYYY-MM>.jsonl`: one file per session and UTC month, so retention drops whole months. */
  metricsLog(session: string, at: number): string;
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
    heartbeats: under('heartbeat'),
    metrics: under('metrics'),
    heartbeatFile: (component) => under('heartbeat', `${fileSafe(component)}.json`),
    metricsLog: (session, at) => under('metrics', `${fileSafe(session)}-${new Date(at).toISOString().slice(0, 7)}.jsonl`),
    processedDataset: (dataset) => under('processed', dataset),
    quarantineDataset: (dataset) => under('quarantine', dataset),
    model: (version) => under('models', version),
    mlReport: (runId) => under('reports', 'ml', runId),
    report: (...parts) => under('reports', ...parts),
  };
}

// Component names carry tickers and colons (`stream:news:SPY`, `backfill:I:VIX`): one path segment each.
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
