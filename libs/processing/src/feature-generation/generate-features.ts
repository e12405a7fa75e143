import { sqlFileList, type DuckSession } from '../duck/duck-session.js';
import { listPartitions } from '../layout/parquet-layout.js';
import { writeDatePartitions } from '../layout/partition-writer.js';
import { StepTimer } from '../layout/step-timer.js';
import { checkProcessedDrift } from '../layout/drift-check.js';
import { DEFAULT_BATCH_DATES, type MarketStepOptions, type MarketStepSummary } from '../layout/processed-step.js';
import { CONSOLIDATED_DATASET } from '../consolidation/consolidate.js';
import { buildNewsAsOf, loadMarketTables, marketSources, openDuck } from '../consolidation/market-tables.js';
import { buildSpyIndicators, DEFAULT_INDICATORS } from '../consolidation/spy-indicators.js';
import { FEATURE_COLUMNS, FEATURE_DEFINITIONS, IDENTIFIER_COLUMNS, LABEL_COLUMNS } from '@spyglass/features';
import { buildOptionFeatureFrame, buildSpyFeatureFrame } from './feature-frames.js';
import { buildLabels, DEFAULT_LABELS, labelSelect, type LabelSettings } from './forward-labels.js';

/**
 * Options of {@link generateFeatures}.
 *
 * @example
 * ```ts
 * const opts: GenerateFeaturesOptions = { root: 'data', dates: ['2025-03-04'], labels: { threshold: 0.2, windowMinutes: 120 } };
 * ```
 */
export interface GenerateFeaturesOptions extends MarketStepOptions {
  readonly labels?: LabelSettings;
}

/**
 * What {@link generateFeatures} wrote.
 *
 * @example
 * ```ts
 * const s: FeatureSummary = await generateFeatures({ root: 'data', dates });
 * console.log(`${s.rows} rows × ${s.features} features, ${(100 * s.positiveRate).toFixed(1)} % positive`);
 * ```
 */
export interface FeatureSummary extends MarketStepSummary {
  readonly features: number;
  readonly positives: number;
  readonly positiveRate: number;
  /** Share of NULL values per feature (warm-up, no IV solution, no news…), for a quick sanity check. */
  readonly nullRate: Readonly<Record<string, number>>;
}

/**
 * The feature dataset's directory name under `<root>/processed/`.
 *
 * @example
 * ```ts
 * join(root, 'processed', FEATURES_DATASET); // data/processed/features
 * ```
 */
export const FEATURES_DATASET = 'features';

/**
 * Engineers the 66 features ({@link FEATURE_COLUMNS}) and the labels ({@link LABEL_COLUMNS}) for
 * every consolidated option row, written with the {@link IDENTIFIER_COLUMNS} to
 * `<root>/processed/features/date=<D>/part-0.parquet` (atomic, idempotent). Underlying-level
 * features are computed on the underlying's full minute grid (from raw) and joined as of each
 * option bar; option-level ones per contract and session. No feature reads a bar that starts after
 * its row's bar.
 *
 * @example
 * ```ts
 * import { consolidate, generateFeatures } from '@spyglass/processing';
 * await consolidate({ root: 'data', dates: ['2025-03-04'] });
 * const s = await generateFeatures({ root: 'data', dates: ['2025-03-04'] });
 * console.log(s.rows, s.positiveRate);
 * ```
 */
export async function generateFeatures(options: GenerateFeaturesOptions): Promise<FeatureSummary> {
  const started = performance.now();
  const labels = options.labels ?? DEFAULT_LABELS;
  const lookback = options.newsLookbackMinutes ?? 60;
  const wanted = [...new Set(options.dates)].sort();
  const consParts = await listPartitions(options.root, 'processed', CONSOLIDATED_DATASET, { dates: new Set(wanted), byTicker: false });
  const consByDate = new Map(consParts.map((p) => [p.date, p.files]));
  const skipped: { date: string; reason: string }[] = wanted.filter((d) => !consByDate.has(d)).map((date) => ({ date, reason: 'no consolidated partition' }));
  const dates = wanted.filter((d) => consByDate.has(d));
  const batch = Math.max(1, options.batchDates ?? DEFAULT_BATCH_DATES);
  const timer = new StepTimer();
  const duck = await openDuck(options.threads ?? 2);
  const rowsByDate: Record<string, number> = {};
  const nulls = new Map<string, number>();
  const files: string[] = [];
  let positives = 0;
  try {
    for (let b = 0; b < dates.length; b += batch) {
      const inv = await loadMarketTables(duck, dates.slice(b, b + batch), marketSources(options, lookback), false);
      skipped.push(...inv.skipped);
      timer.mark('load');
      if (inv.dates.length === 0) continue;
      await buildSpyIndicators(duck, DEFAULT_INDICATORS);
      await buildNewsAsOf(duck, lookback);
      await buildSpyFeatureFrame(duck);
      timer.mark('underlying_frame');
      const consFiles = inv.dates.flatMap((d) => consByDate.get(d) ?? []);
      await duck.run(`CREATE OR REPLACE TEMP TABLE cons_in AS
        SELECT regexp_extract(filename, 'date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS date, ticker, epoch_ms(timestamp) AS ts,
          underlying, expiration, strike, contract_type, moneyness, minutes_to_expiry,
          opt_open, opt_high, opt_low, opt_close, opt_volume, iv, delta, gamma, theta, vega
        FROM read_parquet(${sqlFileList(consFiles)}, hive_partitioning = false, filename = true)`);
      timer.mark('read_consolidated');
      await buildOptionFeatureFrame(duck);
      timer.mark('option_frame');
      positives += await buildLabels(duck, 'optf', labels);
      timer.mark('labels');
      // A division by a zero price or volume gives ±Infinity in DuckDB: a model input must be NULL instead.
      await duck.run(`CREATE OR REPLACE TEMP MACRO finite_or_null(x) AS CASE WHEN isfinite(x) THEN x END`);
      // Written straight from the query (no materialised copy of 80 columns): the row and NULL
      // counts of the summary come from the written files' Parquet statistics instead.
      const written = await writeDatePartitions(
        duck,
        options.root,
        FEATURES_DATASET,
        `SELECT o.date, o.ticker, epoch_ms(o.ts)::TIMESTAMPTZ AS timestamp, o.underlying, o.expiration, o.strike, o.contract_type,
          ${FEATURE_DEFINITIONS.map((d) => `finite_or_null((${d.sql})::DOUBLE) AS ${d.name}`).join(',\n          ')},
          ${labelSelect(labels)}
        FROM optf o ASOF JOIN spyf s ON o.date = s.date AND o.ts >= s.ts JOIN labels l ON l.row_id = o.row_id
        ORDER BY o.row_id`,
        inv.dates,
      );
      files.push(...written.files);
      timer.mark('join_write');
      const stats = await writtenCounts(duck, written.files, FEATURE_COLUMNS);
      for (const [d, n] of stats.rowsByDate) rowsByDate[d] = n;
      for (const [c, n] of stats.nulls) nulls.set(c, (nulls.get(c) ?? 0) + n);
      timer.mark('counts');
    }
  } finally {
    duck.close();
  }
  const schemaDrift = await checkProcessedDrift(options.root, FEATURES_DATASET, Object.keys(rowsByDate), options.schemaDrift);
  timer.mark('schema_drift');
  const rows = Object.values(rowsByDate).reduce((x, y) => x + y, 0);
  return {
    dates: Object.keys(rowsByDate).sort(),
    skipped: skipped.sort((x, y) => x.date.localeCompare(y.date)),
    rows,
    rowsByDate,
    features: FEATURE_COLUMNS.length,
    positives,
    positiveRate: rows === 0 ? 0 : positives / rows,
    nullRate: Object.fromEntries(FEATURE_COLUMNS.map((c) => [c, rows === 0 ? 0 : (nulls.get(c) ?? 0) / rows])),
    files,
    seconds: (performance.now() - started) / 1000,
    timings: timer.seconds(),
    cpuTimings: timer.cpuSeconds(),
    schemaDrift,
  };
}


/**
 * Rows per date and NULLs per column of freshly written `date=<D>/part-0.parquet` files, from their
 * Parquet metadata (row-group row counts and null-count statistics), without reading the data.
 * A column whose statistics lack a null count is counted by a scan of that column instead.
 */
async function writtenCounts(
  duck: DuckSession,
  files: readonly string[],
  columns: readonly string[],
): Promise<{ rowsByDate: Map<string, number>; nulls: Map<string, number> }> {
  const rowsByDate = new Map<string, number>();
  const nulls = new Map<string, number>();
  if (files.length === 0) return { rowsByDate, nulls };
  const wanted = new Set(columns);
  const { cols } = await duck.columns(`SELECT regexp_extract(file_name, 'date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS date, path_in_schema AS col,
      sum(row_group_num_rows) AS n, sum(stats_null_count) AS nulls, count(*) - count(stats_null_count) AS missing
    FROM parquet_metadata(${sqlFileList(files)}) GROUP BY ALL`);
  const unknown = new Set<string>();
  (cols.col as string[]).forEach((col, k) => {
    if (col === 'ticker') rowsByDate.set((cols.date as string[])[k]!, (cols.n as Float64Array)[k]!);
    if (!wanted.has(col)) return;
    if ((cols.missing as Float64Array)[k]! > 0) unknown.add(col);
    else nulls.set(col, (nulls.get(col) ?? 0) + (cols.nulls as Float64Array)[k]!);
  });
  if (unknown.size > 0) {
    const scan = await duck.columns(`SELECT ${[...unknown].map((c) => `count(*) - count(${c}) AS ${c}`).join(', ')} FROM read_parquet(${sqlFileList(files)})`);
    for (const c of unknown) nulls.set(c, (scan.cols[c] as Float64Array)[0]!);
  }
  return { rowsByDate, nulls };
}
