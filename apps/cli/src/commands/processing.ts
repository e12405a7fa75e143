import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { dataRootLayout, nyseCalendar } from '@spyglass/core';
import { consolidate, formatScanReport, generateFeatures, prepareTraining, processingOptions, scanOptions } from '@spyglass/processing';
import { writeScannerReport } from '@spyglass/pipeline';
import { loadWritingContext, type CliContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { resolveRange } from './backfill.js';

interface DatesArgs extends GlobalArgs {
  'start-date'?: string;
  'end-date'?: string;
}

const dateOptions = {
  'start-date': { type: 'string', describe: 'first trading day (default: pipeline.backfill.spanDays back)' },
  'end-date': { type: 'string', describe: 'last trading day (default: the latest session)' },
} as const;

/** The trading days a processing command covers. */
function tradingDates(ctx: CliContext, a: DatesArgs): string[] {
  const { from, to } = resolveRange(a, ctx.config.pipeline.backfill.spanDays);
  return nyseCalendar.tradingDays(from, to);
}

// One line per reason; a long run of dates (a range reaching past the data) is counted, not listed
// (--json keeps every date).
const skippedLine = (skipped: readonly { date: string; reason: string }[]) => {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.date]);
  return [...byReason]
    .map(([reason, dates]) => `\n  skipped (${reason}): ${dates.length > 5 ? `${dates.length} dates from ${dates[0]} to ${dates.at(-1)}` : dates.join(', ')}`)
    .join('');
};

/** `spyglass consolidate`: one row per option per minute with SPY, VIX, news, indicators, greeks and IV. */
export const consolidateCommand = defineCommand({
  command: 'consolidate',
  describe: 'consolidate raw data per option per minute (DuckDB) into data/processed/consolidated',
  builder: (y) => y.options(dateOptions),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const s = await consolidate({ root: ctx.dataRoot, dates: tradingDates(ctx, a), ...processingOptions(ctx.config.pipeline).consolidate });
    printResult(a, s, () =>
      `consolidated ${s.rows.toLocaleString('en-US')} rows over ${s.dates.length} days (${s.uniqueOptions} contracts) in ${s.seconds.toFixed(1)} s; IV ${JSON.stringify(s.iv)}` +
      `${s.schemaDrift && s.schemaDrift.changes.length > 0 ? `\n  schema drift: ${s.schemaDrift.changes.length} change(s)` : ''}${skippedLine(s.skipped)}`,
    );
  },
});

/** `spyglass prepare-training`: future target prices and coverage filter. */
export const prepareTrainingCommand = defineCommand({
  command: 'prepare-training',
  describe: 'add 120-minute future targets to consolidated rows, filter by coverage, write data/processed/training',
  builder: (y) => y.options(dateOptions),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const s = await prepareTraining({ root: ctx.dataRoot, dates: tradingDates(ctx, a), ...processingOptions(ctx.config.pipeline).training });
    printResult(a, s, () =>
      `training rows: ${s.rowsKept.toLocaleString('en-US')} kept of ${s.rowsIn.toLocaleString('en-US')} (${s.rowsDroppedLowCoverage} below ${(100 * s.minTargetCoverage).toFixed(0)} % coverage), ${s.positives} positives, mean coverage ${(100 * s.meanCoverage).toFixed(1)} %${skippedLine(s.skipped)}`,
    );
  },
});

/** `spyglass ml generate-features`: the 66 features and labels. */
export const generateFeaturesCommand = defineCommand({
  command: 'generate-features',
  describe: 'engineer the 66 ML features (13 groups) and labels into data/processed/features',
  builder: (y) => y.options(dateOptions),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const s = await generateFeatures({ root: ctx.dataRoot, dates: tradingDates(ctx, a), ...processingOptions(ctx.config.pipeline).features });
    printResult(a, s, () =>
      `features: ${s.rows.toLocaleString('en-US')} rows × ${s.features} features over ${s.dates.length} days, ${s.positives} positives (${(s.positiveRate * 100).toFixed(2)} %) in ${s.seconds.toFixed(1)} s${skippedLine(s.skipped)}`,
    );
  },
});

/** `spyglass engineer-features`: the original's name for `ml generate-features`, at the top level as it was. */
export const engineerFeaturesCommand: typeof generateFeaturesCommand = {
  ...generateFeaturesCommand,
  command: 'engineer-features',
  describe: "the original's name for `ml generate-features`",
};

/** `spyglass scan-options`: 20 %+ intraday move events and the step-27 summary. */
export const scanOptionsCommand = defineCommand({
  command: 'scan-options',
  describe: 'find 20 %+ intraday option moves per contract-day; event CSV and summary',
  builder: (y) =>
    y.options({
      ...dateOptions,
      threshold: { type: 'number', describe: 'move threshold as a fraction (default pipeline.scanner.threshold)' },
      csv: { type: 'string', describe: 'event CSV path (default data/reports/scanner/events.csv)' },
    }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const s = await scanOptions({
      root: ctx.dataRoot,
      dates: tradingDates(ctx, a),
      ...processingOptions(ctx.config.pipeline).scanner,
      ...(a.threshold === undefined ? {} : { threshold: a.threshold }),
      csvPath: a.csv ?? dataRootLayout(ctx.dataRoot).scannerEvents,
    });
    // The dashboard's Options scanner tab reads this summary.
    const summaryPath = await writeScannerReport(ctx.dataRoot, s, Date.now());
    printResult(a, { ...s, summaryPath }, () => `${formatScanReport(s)}\n  Dashboard summary:          ${summaryPath}`);
  },
});
