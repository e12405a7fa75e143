import { nyseCalendar, SpyglassError } from '@spyglass/core';
import { sqlFileList } from '../duck/duck-session.js';
import { listPartitions } from '../layout/parquet-layout.js';
import { writeDatePartitions } from '../layout/partition-writer.js';
import type { ProcessedStepOptions, ProcessedStepSummary } from '../layout/processed-step.js';
import { CONSOLIDATED_DATASET } from '../consolidation/consolidate.js';
import { openDuck } from '../consolidation/market-tables.js';
import { buildLabels, DEFAULT_LABELS, labelSelect, type LabelSettings } from '../feature-generation/forward-labels.js';

/**
 * Options of {@link prepareTraining}.
 *
 * @example
 * ```ts
 * const opts: PrepareTrainingOptions = { root: 'data', dates: ['2025-03-04'], minTargetCoverage: 0.5 };
 * ```
 */
export interface PrepareTrainingOptions extends ProcessedStepOptions {
  /** Rows whose look-ahead window has bars in fewer than this fraction of its minutes are dropped. Default 0.5. */
  readonly minTargetCoverage?: number;
  readonly labels?: LabelSettings;
}

/**
 * What {@link prepareTraining} kept and dropped.
 *
 * @example
 * ```ts
 * const s: TrainingSummary = await prepareTraining({ root: 'data', dates });
 * console.log(`${s.rowsKept}/${s.rowsIn} rows kept (coverage ≥ ${100 * s.minTargetCoverage} %)`);
 * ```
 */
export interface TrainingSummary extends ProcessedStepSummary {
  readonly rowsIn: number;
  readonly rowsKept: number;
  readonly rowsDroppedLowCoverage: number;
  /** Fraction in [0, 1]. */
  readonly minTargetCoverage: number;
  readonly positives: number;
  /** Mean `target_coverage` of every row, a fraction in [0, 1]. */
  readonly meanCoverage: number;
}

/**
 * The training dataset's directory name under `<root>/processed/`.
 *
 * @example
 * ```ts
 * join(root, 'processed', TRAINING_DATASET); // data/processed/training
 * ```
 */
export const TRAINING_DATASET = 'training';

/**
 * Adds future target prices to consolidated rows for offline training and writes them to
 * `<root>/processed/training/date=<D>/part-0.parquet`: over the look-ahead (t, t + 120 min] of the
 * same contract and session, `future_max_close_120m`, `future_min_close_120m`,
 * `future_last_close_120m`, `future_bars_120m`, `target_coverage` (bars present / minutes the
 * window spans before the close, a fraction) and the labels of features' `labelForwardWindow`
 * (`target`, `max_gain_120m`, `min_loss_120m`, `time_to_max_min`). Rows below
 * `minTargetCoverage` are dropped and counted (the session's last minutes, sparse contracts).
 *
 * @example
 * ```ts
 * import { prepareTraining } from '@spyglass/processing';
 * const s = await prepareTraining({ root: 'data', dates: ['2025-03-04'], minTargetCoverage: 0.5 });
 * console.log(s.rowsKept, s.rowsDroppedLowCoverage);
 * ```
 */
export async function prepareTraining(options: PrepareTrainingOptions): Promise<TrainingSummary> {
  const started = performance.now();
  const minCoverage = options.minTargetCoverage ?? 0.5;
  if (!(minCoverage >= 0 && minCoverage <= 1)) {
    throw new SpyglassError('INVALID_ARGUMENT', `prepareTraining: minTargetCoverage = ${minCoverage} must be a fraction within [0, 1] (0.5 = 50 %)`);
  }
  const labels = options.labels ?? DEFAULT_LABELS;
  const calendar = options.calendar ?? nyseCalendar;
  const wanted = [...new Set(options.dates)].sort();
  const parts = await listPartitions(options.root, 'processed', CONSOLIDATED_DATASET, { dates: new Set(wanted), byTicker: false });
  const have = new Set(parts.map((p) => p.date));
  const skipped = wanted.filter((d) => !have.has(d)).map((date) => ({ date, reason: 'no consolidated partition' }));
  if (parts.length === 0) {
    return { dates: [], skipped, rowsIn: 0, rowsKept: 0, rowsDroppedLowCoverage: 0, minTargetCoverage: minCoverage, positives: 0, meanCoverage: 0, files: [], seconds: (performance.now() - started) / 1000 };
  }
  const duck = await openDuck(options.threads ?? 2);
  try {
    const sessions = parts.map((p) => ({ date: p.date, close: calendar.session(p.date)?.close ?? Number.NaN }));
    await duck.createTable('sessions', { date: sessions.map((s) => s.date), close_ms: Float64Array.from(sessions, (s) => s.close) }, ['close_ms']);
    await duck.run(`CREATE OR REPLACE TEMP TABLE cons_in AS
      SELECT regexp_extract(filename, 'date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS date, * EXCLUDE (filename), epoch_ms(timestamp) AS ts
      FROM read_parquet(${sqlFileList(parts.flatMap((p) => p.files))}, hive_partitioning = false, filename = true)`);
    const w = labels.windowMinutes * 60_000;
    // RANGE frames from 1 ms to the window after the row: strictly later bars of the same contract-day.
    await duck.run(`CREATE OR REPLACE TEMP TABLE tr AS
      SELECT (row_number() OVER (ORDER BY c.date, c.ticker, c.ts) - 1)::BIGINT AS row_id, c.*,
        max(c.opt_close) OVER fw AS future_max_close_${labels.windowMinutes}m,
        min(c.opt_close) OVER fw AS future_min_close_${labels.windowMinutes}m,
        last_value(c.opt_close) OVER fw AS future_last_close_${labels.windowMinutes}m,
        (count(c.opt_close) OVER fw)::DOUBLE AS future_bars_${labels.windowMinutes}m,
        greatest(least(${labels.windowMinutes}, floor((s.close_ms - c.ts) / 60000) - 1), 0) AS window_minutes
      FROM cons_in c JOIN sessions s ON s.date = c.date
      WINDOW fw AS (PARTITION BY c.date, c.ticker ORDER BY c.ts RANGE BETWEEN 1 FOLLOWING AND ${w} FOLLOWING)`);
    await buildLabels(duck, 'tr', labels);
    await duck.run(`CREATE OR REPLACE TEMP TABLE tr_out AS
      SELECT t.* EXCLUDE (row_id, ts, window_minutes),
        CASE WHEN t.window_minutes > 0 THEN t.future_bars_${labels.windowMinutes}m / t.window_minutes ELSE 0 END AS target_coverage,
        ${labelSelect(labels)}, t.ts AS sort_ts
      FROM tr t JOIN labels l ON l.row_id = t.row_id`);
    const stats = await duck.columns(`SELECT count(*) AS n, count(*) FILTER (WHERE target_coverage >= ${minCoverage}) AS kept,
        coalesce(sum(target) FILTER (WHERE target_coverage >= ${minCoverage}), 0) AS positives, coalesce(avg(target_coverage), 0) AS mean_cov FROM tr_out`);
    const written = await writeDatePartitions(
      duck,
      options.root,
      TRAINING_DATASET,
      `SELECT * EXCLUDE (sort_ts) FROM tr_out WHERE target_coverage >= ${minCoverage} ORDER BY date, ticker, sort_ts`,
      parts.map((p) => p.date),
    );
    const n = (k: string) => (stats.cols[k] as Float64Array)[0]!;
    return {
      dates: parts.map((p) => p.date),
      skipped,
      rowsIn: n('n'),
      rowsKept: n('kept'),
      rowsDroppedLowCoverage: n('n') - n('kept'),
      minTargetCoverage: minCoverage,
      positives: n('positives'),
      meanCoverage: n('mean_cov'),
      files: written.files,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    duck.close();
  }
}
