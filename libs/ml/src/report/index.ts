// Subpath entry @spyglass/ml/report: the pieces of the HTML training report for those who build a
// report of their own (its SVG charts, the page builder, the P&L section). What the apps use
// (writeReport, the format* text summaries and the report's input types) is on the main entry
// only: every public name has one entry.
export { barChartSvg, lineChartSvg } from './svg-charts.js';
export type { BarChartOptions, LineChartOptions, Series } from './svg-charts.js';
export { buildHtmlReport, reportSummary } from './html-report.js';
export type { MonthlyPrecision } from './html-report.js';
export { pnlSectionHtml, pnlSummary } from './pnl-section.js';
