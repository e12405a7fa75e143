import { sqlFileList, sqlString, type DuckSession, type StridedColumn } from '../duck/duck-session.js';
import { listPartitions } from '../layout/parquet-layout.js';
import { writeDateFiles, writeDatePartitions } from '../layout/partition-writer.js';
import { StepTimer } from '../layout/step-timer.js';
import { checkProcessedDrift } from '../layout/drift-check.js';
import { DEFAULT_BATCH_DATES, type MarketStepOptions, type MarketStepSummary } from '../layout/processed-step.js';
import { CONSOLIDATED_DATASET } from '../consolidation/consolidate.js';
import { buildNewsAsOf, loadMarketTables, marketSources, openDuck } from '../consolidation/market-tables.js';
import { buildSpyIndicators, DEFAULT_INDICATORS } from '../consolidation/spy-indicators.js';
import { FEATURE_COLUMNS, FEATURE_DEFINITIONS, IDENTIFIER_COLUMNS, LABEL_COLUMNS, labelColumns } from '@spyglass/features';
import { nyseCalendar, type MarketCalendar } from '@spyglass/core';
import { engineFeatureRows } from './engine-feature-rows.js';
import { buildOptionFeatureFrame, buildSpyFeatureFrame } from './feature-frames.js';
import { buildLabels, contractDayLabels, DEFAULT_LABELS, labelSelect, type LabelSettings } from './forward-labels.js';

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
  /**
   * How the features are computed. `engine` (default): each session replayed through the live
   * engine's O(1) kernels (`SessionFeatureEngine`), so batch and live share one definition; a
   * pass the engine cannot take (e.g. consolidated with other rates) falls back to `sql`.
   * `sql`: DuckDB window frames and as-of joins (the reference the engine is tested against).
   */
  readonly method?: 'engine' | 'sql';
  /** Rates consolidation used (defaults as consolidate's): the engine path re-solves IV with them and checks it against the stored IV. */
  readonly riskFreeRate?: number;
  readonly dividendYield?: number;
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
  /** Passes computed by the engine and by DuckDB, and why a pass fell back to DuckDB. */
  readonly passes: { readonly engine: number; readonly sql: number; readonly fallbacks: readonly string[] };
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
  const method = options.method ?? 'engine';
  const engineSettings = {
    riskFreeRate: options.riskFreeRate ?? 0.045,
    dividendYield: options.dividendYield ?? 0.013,
    newsLookbackMinutes: lookback,
    calendar: options.calendar ?? nyseCalendar,
  };
  const passes = { engine: 0, sql: 0 };
  const fallbacks: string[] = [];
  try {
    for (let b = 0; b < dates.length; b += batch) {
      const inv = await loadMarketTables(duck, dates.slice(b, b + batch), marketSources(options, lookback), false);
      skipped.push(...inv.skipped);
      timer.mark('load');
      if (inv.dates.length === 0) continue;
      const consFiles = inv.dates.flatMap((d) => consByDate.get(d) ?? []);
      if (method === 'engine') {
        const pass = await enginePass(duck, options.root, consFiles, inv.dates, labels, engineSettings, timer);
        if (pass.ok) {
          positives += pass.positives;
          files.push(...pass.files);
          passes.engine++;
          const stats = await writtenCounts(duck, pass.files, FEATURE_COLUMNS);
          for (const [d, n] of stats.rowsByDate) rowsByDate[d] = n;
          for (const [c, n] of stats.nulls) nulls.set(c, (nulls.get(c) ?? 0) + n);
          timer.mark('counts');
          continue;
        }
        fallbacks.push(`${inv.dates[0]}..${inv.dates[inv.dates.length - 1]}: ${pass.reason}`);
      }
      passes.sql++;
      await buildSpyIndicators(duck, DEFAULT_INDICATORS);
      await buildNewsAsOf(duck, lookback);
      await buildSpyFeatureFrame(duck);
      timer.mark('underlying_frame');
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
    passes: { ...passes, fallbacks },
  };
}

const sqlList = (items: readonly string[]) => `[${items.map(sqlString).join(', ')}]`;

/**
 * One pass by the engine: reads the pass's underlying, VIX, news (already loaded) and consolidated
 * rows as columns, computes features and labels in JS, and writes the features joined by position
 * to the consolidated identifiers (no string column crosses to JS and back).
 */
async function enginePass(
  duck: DuckSession,
  root: string,
  consFiles: readonly string[],
  dates: readonly string[],
  labels: LabelSettings,
  settings: { readonly riskFreeRate: number; readonly dividendYield: number; readonly newsLookbackMinutes: number; readonly calendar: MarketCalendar },
  timer: StepTimer,
): Promise<{ ok: true; positives: number; files: string[] } | { ok: false; reason: string }> {
  const se = await duck.columns(`SELECT date, open_ms, close_ms FROM sessions ORDER BY open_ms`);
  const spy = await duck.columns(`SELECT ts, open, high, low, "close", volume, vwap FROM spy ORDER BY ts`);
  const vix = await duck.columns(`SELECT ts, "close" FROM vix ORDER BY ts`);
  const news = await duck.columns(`SELECT ts, id, score FROM news ORDER BY ts, id`);
  timer.mark('load');
  // File order is (date, ticker, ts): kept by the table (insertion order) and by the written features.
  await duck.run(`CREATE OR REPLACE TEMP TABLE cons_in AS
    SELECT regexp_extract(filename, 'date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1) AS date, ticker, epoch_ms(timestamp) AS ts,
      underlying, expiration, strike, contract_type, moneyness, minutes_to_expiry,
      opt_open, opt_high, opt_low, opt_close, opt_volume, iv, delta, gamma, theta, vega
    FROM read_parquet(${sqlFileList(consFiles)}, hive_partitioning = false, filename = true)`);
  const meta = await duck.columns(`SELECT DISTINCT ticker, expiration, contract_type FROM cons_in ORDER BY ticker`);
  const tickers = meta.cols.ticker as (string | null)[];
  if (new Set(tickers).size !== meta.rows || tickers.some((t) => t === null)) return { ok: false, reason: 'a contract has more than one expiration or type' };
  const contracts = tickers.map((t, k) => ({ ticker: t!, expiration: (meta.cols.expiration as (string | null)[])[k] ?? '', contractType: (meta.cols.contract_type as (string | null)[])[k] ?? '' }));
  // The contract of a row as a number (a string per row costs more to cross than the rest of the row).
  const c = await duck.columns(`SELECT ts, list_position(${sqlList(tickers as string[])}, ticker) - 1 AS contract, opt_open, opt_high, opt_low, opt_close, opt_volume, strike,
      iv, delta, gamma, theta, vega, moneyness, minutes_to_expiry FROM cons_in`);
  timer.mark('read_consolidated');
  const f = (cols: Record<string, unknown>, name: string) => cols[name] as Float64Array;
  const result = engineFeatureRows(
    {
      sessions: (se.cols.date as string[]).map((date, k) => ({ date, openMs: f(se.cols, 'open_ms')[k]!, closeMs: f(se.cols, 'close_ms')[k]! })),
      spy: { ts: f(spy.cols, 'ts'), open: f(spy.cols, 'open'), high: f(spy.cols, 'high'), low: f(spy.cols, 'low'), close: f(spy.cols, 'close'), volume: f(spy.cols, 'volume'), vwap: f(spy.cols, 'vwap') },
      vix: { ts: f(vix.cols, 'ts'), close: f(vix.cols, 'close') },
      news: { ts: f(news.cols, 'ts'), id: news.cols.id as (string | null)[], score: f(news.cols, 'score') },
      options: {
        ts: f(c.cols, 'ts'), contract: f(c.cols, 'contract'), open: f(c.cols, 'opt_open'), high: f(c.cols, 'opt_high'), low: f(c.cols, 'opt_low'),
        close: f(c.cols, 'opt_close'), volume: f(c.cols, 'opt_volume'), strike: f(c.cols, 'strike'), iv: f(c.cols, 'iv'), delta: f(c.cols, 'delta'),
        gamma: f(c.cols, 'gamma'), theta: f(c.cols, 'theta'), vega: f(c.cols, 'vega'), moneyness: f(c.cols, 'moneyness'), minutesToExpiry: f(c.cols, 'minutes_to_expiry'),
      },
      contracts,
    },
    settings,
  );
  timer.mark('engine_features');
  if (!result.ok) return result;
  const written = await writeEngineFeatures(duck, root, (date) => `(SELECT * FROM cons_in WHERE date = ${sqlString(date)})`, se.cols.date as string[], dates, result, f(c.cols, 'ts'), f(c.cols, 'opt_close'), labels, timer);
  return { ok: true, ...written };
}

/**
 * Labels and writes one pass's engine features: `rowsOf(date)` is a relation of that date's
 * consolidated rows in file order with `ticker, ts, underlying, expiration, strike, contract_type`
 * (the features are joined to it by position); `ts` and `close` are the pass's option rows in the
 * same order (for the labels), `sessionDates` the sessions `result.rowsPerSession` counts.
 */
export async function writeEngineFeatures(
  duck: DuckSession,
  root: string,
  rowsOf: (date: string) => string,
  sessionDates: readonly string[],
  dates: readonly string[],
  result: { readonly rows: Float64Array; readonly starts: Uint8Array; readonly rowsPerSession: readonly number[] },
  ts: Float64Array,
  close: Float64Array,
  labels: LabelSettings,
  timer: StepTimer,
): Promise<{ positives: number; files: string[] }> {
  const l = contractDayLabels(ts, close, result.starts, labels);
  timer.mark('labels');
  const width = FEATURE_COLUMNS.length;
  const n = labelColumns(labels.windowMinutes);
  const dayStart = new Map<string, [number, number]>();
  let at = 0;
  result.rowsPerSession.forEach((count, k) => {
    if (count > 0) dayStart.set(sessionDates[k]!, [at, at + count]);
    at += count;
  });
  const written = await writeDateFiles(
    duck,
    root,
    FEATURES_DATASET,
    (date) => {
      const range = dayStart.get(date);
      if (range === undefined) return null;
      const [from, to] = range;
      const fx: Record<string, StridedColumn | Float64Array> = {};
      FEATURE_COLUMNS.forEach((name, j) => (fx[name] = { data: result.rows.subarray(from * width, to * width), offset: j, stride: width, rows: to - from }));
      Object.assign(fx, { l_target: l.target.subarray(from, to), l_max_gain: l.maxGain.subarray(from, to), l_min_loss: l.minLoss.subarray(from, to), l_time_to_max_min: l.timeToMaxMin.subarray(from, to) });
      duck.scanColumns('feature_rows', fx);
      return `SELECT c.ticker, epoch_ms(c.ts)::TIMESTAMPTZ AS timestamp, c.underlying, c.expiration, c.strike, c.contract_type,
          ${FEATURE_COLUMNS.map((name) => `f."${name}"`).join(', ')},
          CASE WHEN f.l_max_gain IS NULL THEN NULL ELSE f.l_target::INTEGER END AS target, f.l_max_gain AS ${n.maxGain}, f.l_min_loss AS ${n.minLoss}, f.l_time_to_max_min AS time_to_max_min
        FROM ${rowsOf(date)} c POSITIONAL JOIN feature_rows() f`;
    },
    dates,
  );
  timer.mark('join_write');
  return { positives: l.positives, files: written.files };
}


/**
 * Rows per date and NULLs per column of freshly written `date=<D>/part-0.parquet` files, from their
 * Parquet metadata (row-group row counts and null-count statistics), without reading the data.
 * A column whose statistics lack a null count is counted by a scan of that column instead.
 */
export async function writtenCounts(
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
