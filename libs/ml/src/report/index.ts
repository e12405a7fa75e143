// Subpath entry @spyglass/ml/report: the HTML training report, its SVG charts and the text summaries
// the CLI prints. The main entry keeps writeReport and the format* summaries the apps use.
export { barChartSvg, lineChartSvg } from './svg-charts.js';
export type { BarChartOptions, LineChartOptions, Series } from './svg-charts.js';
export { buildHtmlReport, reportSummary, writeReport } from './html-report.js';
export type { MonthlyPrecision, ReportInput, ReportSignal, ReportSummary } from './html-report.js';
export {
  formatBacktestSummary,
  formatErrorAnalysis,
  formatSpeedBenchmark,
  formatThresholdSearch,
  formatTrainingSummary,
  formatWalkForward,
} from './text-summaries.js';
export { pnlSectionHtml, pnlSummary } from './pnl-section.js';
export type { PnlReport, PnlSplit, PnlSummary } from './pnl-section.js';
