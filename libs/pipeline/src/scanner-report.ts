import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { scannerSummaryPath, validateScannerSummary, type ScannerSummary } from '@spyglass/core';
import { SpyglassError } from '@spyglass/core';
import type { ScanEvent, ScanSummary } from '@spyglass/processing';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/**
 * Writes the options scanner's result as the dashboard's `reports/scanner/summary.json`: events
 * by trigger hour and one row per scanned contract-day (zeros included, from the stored option
 * partitions), validated against the dashboard's contract before it is written.
 *
 * @example
 * ```ts
 * const scan = await scanOptions({ root: 'data', dates });
 * await writeScannerReport('data', scan, clock.now());
 * ```
 */
export async function writeScannerReport(root: string, scan: ScanSummary & { readonly eventList: readonly ScanEvent[] }, now: number): Promise<string> {
  const dates = new Set(scan.dates);
  const parts = await new ParquetDataset({ root, spec: rawDatasetSpecs.options }).partitions();
  const perDay = new Map<string, { date: string; ticker: string; events: number }>();
  for (const p of parts) if (p.ticker && dates.has(p.date)) perDay.set(`${p.ticker}|${p.date}`, { date: p.date, ticker: p.ticker, events: 0 });
  for (const e of scan.eventList) {
    const k = `${e.ticker}|${e.date}`;
    const row = perDay.get(k) ?? { date: e.date, ticker: e.ticker, events: 0 };
    row.events++;
    perDay.set(k, row);
  }
  const sortedDates = [...dates].sort();
  const summary: ScannerSummary = {
    generatedAt: new Date(now).toISOString(),
    ...(sortedDates.length ? { from: sortedDates[0]!, to: sortedDates.at(-1)! } : {}),
    moveThreshold: scan.threshold,
    totalBars: scan.bars,
    totalEvents: scan.events,
    positiveMinuteRate: scan.positiveMinuteRate,
    durationAboveMinutes: scan.durationMinutes,
    eventsByHour: Object.entries(scan.eventsByHourEt).map(([hour, events]) => ({ hour: Number(hour), events })),
    perContractDay: [...perDay.values()].sort((a, b) => a.date.localeCompare(b.date) || a.ticker.localeCompare(b.ticker)),
  };
  const issues = validateScannerSummary(summary);
  if (issues.length > 0) {
    throw new SpyglassError('VALIDATION', `scanner summary does not match the dashboard contract: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const file = scannerSummaryPath(root);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
  return file;
}
