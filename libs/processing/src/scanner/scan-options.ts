import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '@spyglass/storage';
import { dirname, join } from 'node:path';
import { dataRootLayout, nyMinuteOfDay, SpyglassError } from '@spyglass/core';
import { sqlFileList } from '../duck/duck-session.js';
import { listPartitions } from '../layout/parquet-layout.js';
import { openDuck } from '../consolidation/market-tables.js';

/**
 * Options of {@link scanOptions}.
 *
 * @example
 * ```ts
 * const opts: ScanOptions = { root: 'data', dates: ['2025-03-04'], threshold: 0.2 };
 * ```
 */
export interface ScanOptions {
  readonly root: string;
  readonly dates: readonly string[];
  /** Move that makes an event, a fraction above the contract-day's opening price (0.2 = +20 %). Default 0.2. */
  readonly threshold?: number;
  /** Where the event CSV goes. Default `<root>/processed/scanner/events_<first>_<last>.csv`. */
  readonly csvPath?: string;
  readonly threads?: number;
}

/**
 * One 20 %+ move: a maximal run of consecutive bars of a contract-day whose close is at least
 * `(1 + threshold) × reference`, the reference being the contract's first open of the day.
 *
 * @example
 * ```ts
 * const longest: ScanEvent | undefined = summary.eventList.reduce<ScanEvent | undefined>((a, e) => (!a || e.durationMinutes > a.durationMinutes ? e : a), undefined);
 * ```
 */
export interface ScanEvent {
  readonly ticker: string;
  readonly date: string;
  /** First bar above the threshold (UTC epoch ms, bar start). */
  readonly start: number;
  /** Last bar of the run. */
  readonly end: number;
  /** Hour (New York) of the trigger bar. */
  readonly triggerHourEt: number;
  /** Minutes from the trigger bar's start to the last bar's end. */
  readonly durationMinutes: number;
  readonly bars: number;
  readonly referencePrice: number;
  readonly triggerPrice: number;
  readonly peakPrice: number;
  /** peak / reference − 1, a fraction. */
  readonly peakGain: number;
}

/**
 * The original's step-27 report: scope, event counts and their distribution, time above the
 * threshold, and events by trigger hour (data for the dashboard; {@link formatScanReport} draws it).
 *
 * @example
 * ```ts
 * const s: ScanSummary = await scanOptions({ root: 'data', dates });
 * console.log(formatScanReport(s));
 * ```
 */
export interface ScanSummary {
  /** A fraction (0.2 = +20 %). */
  readonly threshold: number;
  readonly dates: readonly string[];
  readonly contractDays: number;
  readonly bars: number;
  readonly events: number;
  /** Per contract-day, zeros included. */
  readonly eventsPerContractDay: { readonly min: number; readonly median: number; readonly max: number };
  /** Bars (minutes) whose close was above the threshold, and their share of all bars (a fraction). */
  readonly minutesAbove: number;
  readonly positiveMinuteRate: number;
  readonly durationMinutes: { readonly median: number; readonly mean: number };
  /** Event count by New York hour of the trigger bar (every hour 9–16 present, zeros included). */
  readonly eventsByHourEt: Readonly<Record<string, number>>;
  readonly csvPath: string | null;
  readonly seconds: number;
}

const CSV_COLUMNS = ['ticker', 'date', 'start_utc', 'end_utc', 'trigger_hour_et', 'duration_minutes', 'bars', 'reference_price', 'trigger_price', 'peak_price', 'peak_gain'] as const;

/**
 * Scans stored option minute bars for 20 %+ intraday moves per contract-day (the original's
 * OptionsScanner), writes every event to a CSV (atomically) and returns the step-27 summary.
 *
 * @example
 * ```ts
 * import { formatScanReport, scanOptions } from '@spyglass/processing';
 * const summary = await scanOptions({ root: 'data', dates: ['2025-03-03', '2025-03-04'] });
 * console.log(formatScanReport(summary));
 * ```
 */
export async function scanOptions(options: ScanOptions): Promise<ScanSummary & { readonly eventList: readonly ScanEvent[] }> {
  const started = performance.now();
  const threshold = options.threshold ?? 0.2;
  // Above 5 (+500 %) is a percent passed where the fraction belongs.
  if (!(threshold > 0 && threshold <= 5)) throw new SpyglassError('INVALID_ARGUMENT', `scanOptions: threshold = ${threshold} must be a fraction in (0, 5] (0.2 = +20 %)`);
  const dates = [...new Set(options.dates)].sort();
  const parts = await listPartitions(options.root, 'raw', 'options', { dates: new Set(dates), byTicker: true });
  const empty = { min: 0, median: 0, max: 0 };
  if (parts.length === 0) {
    return {
      threshold, dates: [], contractDays: 0, bars: 0, events: 0, eventsPerContractDay: empty, minutesAbove: 0, positiveMinuteRate: 0,
      durationMinutes: { median: 0, mean: 0 }, eventsByHourEt: hourBuckets([]), csvPath: null, seconds: (performance.now() - started) / 1000, eventList: [],
    };
  }
  const duck = await openDuck(options.threads ?? 2);
  let events: ScanEvent[];
  let contractDays: number;
  let bars: number;
  let above: number;
  const perDay: number[] = [];
  try {
    await duck.run(`CREATE OR REPLACE TEMP TABLE sb AS
      WITH b AS (
        SELECT regexp_extract(filename, 'date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS date, ticker, epoch_ms(timestamp) AS ts, open::DOUBLE AS open, "close"::DOUBLE AS "close"
        FROM read_parquet(${sqlFileList(parts.flatMap((p) => p.files))}, hive_partitioning = false, filename = true, union_by_name = true)
      ), r AS (
        SELECT *, first_value(open) OVER (PARTITION BY date, ticker ORDER BY ts) AS ref,
               row_number() OVER (PARTITION BY date, ticker ORDER BY ts) AS rn FROM b
      ), a AS (SELECT *, "close" >= ref * ${1 + threshold} AS above FROM r)
      SELECT *, rn - row_number() OVER (PARTITION BY date, ticker, above ORDER BY ts) AS grp FROM a`);
    const totals = await duck.columns(`SELECT count(*) AS bars, count(*) FILTER (WHERE above) AS above, count(DISTINCT (date, ticker)) AS cd FROM sb`);
    bars = (totals.cols.bars as Float64Array)[0]!;
    above = (totals.cols.above as Float64Array)[0]!;
    contractDays = (totals.cols.cd as Float64Array)[0]!;
    const ev = await duck.columns(`SELECT ticker, date, min(ts) AS start_ts, max(ts) AS end_ts, count(*) AS bars, any_value(ref) AS ref,
        arg_min("close", ts) AS trigger_price, max("close") AS peak FROM sb WHERE above GROUP BY date, ticker, grp ORDER BY date, ticker, start_ts`);
    const c = ev.cols;
    events = Array.from({ length: ev.rows }, (_, k): ScanEvent => {
      const start = (c.start_ts as Float64Array)[k]!;
      const end = (c.end_ts as Float64Array)[k]!;
      const ref = (c.ref as Float64Array)[k]!;
      const peak = (c.peak as Float64Array)[k]!;
      return {
        ticker: (c.ticker as string[])[k]!, date: (c.date as string[])[k]!, start, end,
        triggerHourEt: Math.floor(nyMinuteOfDay(start) / 60), durationMinutes: (end - start) / 60_000 + 1, bars: (c.bars as Float64Array)[k]!,
        referencePrice: ref, triggerPrice: (c.trigger_price as Float64Array)[k]!, peakPrice: peak, peakGain: peak / ref - 1,
      };
    });
    const counts = await duck.columns(`SELECT d.date, d.ticker, count(e.grp) AS n FROM (SELECT DISTINCT date, ticker FROM sb) d
      LEFT JOIN (SELECT DISTINCT date, ticker, grp FROM sb WHERE above) e ON e.date = d.date AND e.ticker = d.ticker GROUP BY d.date, d.ticker`);
    perDay.push(...(counts.cols.n as Float64Array));
  } finally {
    duck.close();
  }
  const csvPath = options.csvPath ?? join(dataRootLayout(options.root).processedDataset('scanner'), `events_${dates[0]}_${dates[dates.length - 1]}.csv`);
  await writeCsv(csvPath, events);
  const durations = events.map((e) => e.durationMinutes);
  return {
    threshold,
    dates: [...new Set(parts.map((p) => p.date))],
    contractDays,
    bars,
    events: events.length,
    eventsPerContractDay: { min: Math.min(...perDay), median: median(perDay), max: Math.max(...perDay) },
    minutesAbove: above,
    positiveMinuteRate: bars === 0 ? 0 : above / bars,
    durationMinutes: { median: median(durations), mean: durations.length === 0 ? 0 : durations.reduce((a, b) => a + b, 0) / durations.length },
    eventsByHourEt: hourBuckets(events),
    csvPath,
    seconds: (performance.now() - started) / 1000,
    eventList: events,
  };
}

/**
 * The scan summary as the CLI prints it, with the events-by-hour bar chart (`09:xx ███ 12`).
 *
 * @example
 * ```ts
 * console.log(formatScanReport(await scanOptions({ root: 'data', dates })));
 * ```
 */
export function formatScanReport(s: ScanSummary, width = 40): string {
  const hours = Object.entries(s.eventsByHourEt);
  const peak = Math.max(1, ...hours.map(([, n]) => n));
  const lines = [
    `Options scan (≥ ${+(100 * s.threshold).toFixed(2)} % above the contract-day open)`,
    `  Contract-days scanned:      ${s.contractDays} (${s.bars} minute bars)`,
    `  Total events:               ${s.events}`,
    `  Events per contract-day:    min ${s.eventsPerContractDay.min} / median ${s.eventsPerContractDay.median} / max ${s.eventsPerContractDay.max}`,
    `  Minutes above threshold:    ${s.minutesAbove} (${(100 * s.positiveMinuteRate).toFixed(2)} % of bars)`,
    `  Duration above threshold:   median ${s.durationMinutes.median.toFixed(1)} min / mean ${s.durationMinutes.mean.toFixed(1)} min`,
    '  Events by trigger hour (ET):',
    ...hours.map(([h, n]) => `    ${h.padStart(2, '0')}:xx │${'█'.repeat(Math.round((n / peak) * width))} ${n}`),
  ];
  if (s.csvPath) lines.push(`  Event CSV: ${s.csvPath}`);
  return lines.join('\n');
}

function hourBuckets(events: readonly ScanEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let h = 9; h <= 16; h++) out[String(h)] = 0;
  for (const e of events) out[String(e.triggerHourEt)] = (out[String(e.triggerHourEt)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => Number(a) - Number(b)));
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function writeCsv(path: string, events: readonly ScanEvent[]): Promise<void> {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of events) {
    lines.push([e.ticker, e.date, new Date(e.start).toISOString(), new Date(e.end).toISOString(), e.triggerHourEt, e.durationMinutes, e.bars,
      e.referencePrice, e.triggerPrice, e.peakPrice, e.peakGain.toFixed(6)].join(','));
  }
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, `${lines.join('\n')}\n`);
  } catch (e) {
    throw new SpyglassError('STORAGE', `could not write the scan CSV ${path}: ${(e as Error).message}`, { cause: e, details: { path } });
  }
}
