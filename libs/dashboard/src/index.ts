// Public entry of @spyglass/dashboard.
export { createDashboardServer } from './dashboard-server.js';
export { readChartBars } from './bars-api.js';
export type { BarsResponse, ChartBar } from './bars-api.js';
export type { DashboardServer, DashboardServerOptions } from './dashboard-server.js';
export { DataOverviewReader } from './data-overview.js';
export type { CoverageDay, DataOverview, DataOverviewOptions, DatasetCoverage, SpaceArea, SpaceUsage } from './data-overview.js';
export { summarizeQuarantineDir } from './quarantine-summary.js';
export type { QuarantineDatasetSummary } from './quarantine-summary.js';
export { readSchemaDriftState } from './schema-drift-state.js';
export { readReport } from './report-reader.js';
export type { ReportState } from './report-reader.js';
// Report contracts are owned by @spyglass/core (the data root); re-exported for readers of the dashboard.
export { modelSummaryPath, scannerSummaryPath, validateModelSummary, validateScannerSummary } from '@spyglass/core';
export type {
  FeatureImportanceRow,
  ModelSummary,
  RecentSignal,
  ScannerSummary,
  ShapFactor,
  ThresholdPoint,
  WalkForwardMonth,
} from '@spyglass/core';
