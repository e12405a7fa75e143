import type { MarketCalendar } from '@spyglass/core';
import type { DriftReport } from '@spyglass/storage';
import type { SchemaDriftSettings } from './drift-check.js';

/**
 * What every step writing a `<root>/processed/<dataset>` takes: where, which dates, how.
 *
 * @example
 * ```ts
 * const step: ProcessedStepOptions = { root: 'data', dates: ['2025-03-04'], threads: 2 };
 * await prepareTraining(step);
 * ```
 */
export interface ProcessedStepOptions {
  readonly root: string;
  /** Trading dates (`YYYY-MM-DD`); non-trading days and dates without input are skipped with a reason. */
  readonly dates: readonly string[];
  readonly calendar?: MarketCalendar;
  /** DuckDB threads. Default 2. */
  readonly threads?: number;
}

/**
 * Options of the steps that join the raw market tables in date batches ({@link consolidate} and
 * {@link generateFeatures}): both must read the same market, so they take the same settings.
 *
 * @example
 * ```ts
 * const market: MarketStepOptions = { root: 'data', dates, underlying: 'SPY', volatilityIndex: 'I:VIX', newsLookbackMinutes: 60 };
 * await consolidate(market);
 * await generateFeatures(market);
 * ```
 */
export interface MarketStepOptions extends ProcessedStepOptions {
  /** Articles older than this (minutes before the bar start) no longer count. Default 60; features must match consolidation. */
  readonly newsLookbackMinutes?: number;
  readonly underlying?: string;
  readonly volatilityIndex?: string;
  /** Dates per DuckDB pass; bounds memory whatever the range's length. Default {@link DEFAULT_BATCH_DATES}. */
  readonly batchDates?: number;
  /** Schema drift check of the written partitions (storage's SchemaDriftMonitor by default). */
  readonly schemaDrift?: SchemaDriftSettings;
}

/**
 * Dates per DuckDB pass of the market steps: a few sessions, so a pass holds a few days' rows (peak
 * RSS ~350 MB for 24 contracts a day, the same for a month or a year) while the per-pass overhead
 * stays small (a year at 4 dates a pass costs about the CPU of one 64-date pass, measured by
 * `bench:features`).
 *
 * @example
 * ```ts
 * await consolidate({ root: 'data', dates, batchDates: DEFAULT_BATCH_DATES });
 * ```
 */
export const DEFAULT_BATCH_DATES = 4;

/**
 * A requested date a step did not write, and why.
 *
 * @example
 * ```ts
 * const s: SkippedDate = { date: '2025-03-08', reason: 'not a trading day' };
 * ```
 */
export interface SkippedDate {
  readonly date: string;
  readonly reason: string;
}

/**
 * What every processed-dataset step reports: dates written, dates skipped and why, files, time.
 *
 * @example
 * ```ts
 * const s: ProcessedStepSummary = await prepareTraining({ root: 'data', dates });
 * console.log(`${s.dates.length} dates, ${s.skipped.length} skipped, ${s.seconds.toFixed(1)} s`);
 * ```
 */
export interface ProcessedStepSummary {
  readonly dates: readonly string[];
  readonly skipped: readonly SkippedDate[];
  readonly files: readonly string[];
  readonly seconds: number;
}

/**
 * The summary of a {@link MarketStepOptions} step: rows per date, per-step timings, schema drift.
 *
 * @example
 * ```ts
 * const s: MarketStepSummary = await consolidate({ root: 'data', dates });
 * console.log(s.rows, s.timings, s.schemaDrift?.filesChecked);
 * ```
 */
export interface MarketStepSummary extends ProcessedStepSummary {
  readonly rows: number;
  readonly rowsByDate: Readonly<Record<string, number>>;
  /** Seconds per step (load, join, write…). */
  readonly timings: Readonly<Record<string, number>>;
  /** CPU seconds per step (all threads), steadier than wall time on a shared machine. */
  readonly cpuTimings: Readonly<Record<string, number>>;
  /** The drift report of the written date range (null when the check is off or nothing was written). */
  readonly schemaDrift: DriftReport | null;
}
