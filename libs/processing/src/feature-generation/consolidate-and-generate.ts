import { nyseCalendar } from '@spyglass/core';
import { FEATURE_COLUMNS } from '@spyglass/features';
import { CONSOLIDATED_DATASET, consolidateWithHook, type ConsolidateOptions, type ConsolidateSummary, type ConsolidatedPass } from '../consolidation/consolidate.js';
import { DEFAULT_BATCH_DATES } from '../layout/processed-step.js';
import { openDuck } from '../consolidation/market-tables.js';
import { checkProcessedDrift } from '../layout/drift-check.js';
import { engineFeatureRows } from './engine-feature-rows.js';
import { DEFAULT_LABELS, type LabelSettings } from './forward-labels.js';
import { FEATURES_DATASET, generateFeatures, writeEngineFeatures, writtenCounts, type FeatureSummary } from './generate-features.js';

/**
 * Options of {@link consolidateAndGenerateFeatures}: {@link consolidate}'s and the labels of {@link generateFeatures}.
 *
 * @example
 * ```ts
 * const opts: ConsolidateAndGenerateOptions = { root: 'data', dates: ['2025-03-04'], labels: { threshold: 0.2, windowMinutes: 120 } };
 * ```
 */
export interface ConsolidateAndGenerateOptions extends ConsolidateOptions {
  readonly labels?: LabelSettings;
  /**
   * Batches of dates processed at once, each lane with its own DuckDB (default 2): while one lane
   * waits on DuckDB (reads, sort, Parquet writes) the other runs its JS kernels, so two cores are
   * used. Lane k takes batches k, k + lanes, …; the files do not depend on how the dates are
   * batched, so they are the ones one lane writes. Without `batchDates` a
   * lane's batch is the default split over the lanes, so the memory in flight stays that of one
   * lane; with it, each lane holds a batch of that size. DuckDB threads default to
   * `max(1, floor(2 / lanes))` per lane.
   */
  readonly lanes?: number;
}

/**
 * {@link consolidate} then {@link generateFeatures} over the same dates, fused: each kernel pass
 * of the consolidation hands its rows, still in memory, to the feature engine and the features
 * are written right after the consolidated files, so the consolidated year is never read back
 * (the two-step path spent a quarter of its time re-reading and re-loading it). The files are the
 * ones the two calls write. A pass the engine cannot take, and the `sql` method, go through
 * {@link generateFeatures} afterwards.
 *
 * @example
 * ```ts
 * import { consolidateAndGenerateFeatures } from '@spyglass/processing';
 * const { consolidated, features } = await consolidateAndGenerateFeatures({ root: 'data', dates: ['2025-03-04', '2025-03-05'] });
 * console.log(consolidated.rows, features.rows, features.positiveRate);
 * ```
 */
export async function consolidateAndGenerateFeatures(options: ConsolidateAndGenerateOptions): Promise<{ consolidated: ConsolidateSummary; features: FeatureSummary }> {
  const started = performance.now();
  const labels = options.labels ?? DEFAULT_LABELS;
  const settings = {
    riskFreeRate: options.riskFreeRate ?? 0.045,
    dividendYield: options.dividendYield ?? 0.013,
    newsLookbackMinutes: options.newsLookbackMinutes ?? 60,
    calendar: options.calendar ?? nyseCalendar,
  };
  const done = new Set<string>();
  const files: string[] = [];
  const fallbacks: string[] = [];
  let positives = 0;
  let enginePasses = 0;
  const hook = async (pass: ConsolidatedPass): Promise<void> => {
    if (pass.dates.length === 0) return;
    const { duck, timer } = pass;
    const news = await duck.columns(`SELECT ts, id, score FROM news ORDER BY ts, id`);
    const contracts = pass.contracts;
    if (contracts === undefined) {
      fallbacks.push(`${pass.dates[0]}..${pass.dates[pass.dates.length - 1]}: a contract has more than one expiration or type`);
      return;
    }
    timer.mark('features_load');
    const result = engineFeatureRows(
      {
        sessions: [...pass.sessions],
        spy: pass.spy,
        vix: pass.vix,
        news: { ts: news.cols.ts as Float64Array, id: news.cols.id as (string | null)[], score: news.cols.score as Float64Array },
        options: pass.options,
        contracts,
      },
      settings,
      // Solved a moment ago by this pass's consolidation with these rates and calendar.
      true,
    );
    timer.mark('engine_features');
    if (!result.ok) {
      fallbacks.push(`${pass.dates[0]}..${pass.dates[pass.dates.length - 1]}: ${result.reason}`);
      return;
    }
    const written = await writeEngineFeatures(duck, options.root, pass.rowsOf, pass.sessions.map((s) => s.date), pass.dates, result, pass.options.ts, pass.options.close, labels, timer);
    positives += written.positives;
    files.push(...written.files);
    enginePasses++;
    for (const d of pass.dates) done.add(d);
  };
  const wanted = [...new Set(options.dates)].sort();
  const lanes = Math.max(1, Math.floor(options.lanes ?? 2));
  // Without batchDates the lanes share the default batch (2 lanes × 2 dates in flight, as 1 × 4),
  // so the peak memory stays that of one lane.
  const batch = Math.max(1, options.batchDates ?? Math.ceil(DEFAULT_BATCH_DATES / lanes));
  const laneCount = Math.min(lanes, Math.max(1, Math.ceil(wanted.length / batch)));
  const laneDates: string[][] = Array.from({ length: laneCount }, () => []);
  for (let b = 0, k = 0; b < wanted.length; b += batch, k++) laneDates[k % laneCount]!.push(...wanted.slice(b, b + batch));
  const tickers = new Set<string>();
  const threads = options.threads ?? Math.max(1, Math.floor(2 / laneCount));
  // One schema check over every lane's dates below, not one per lane.
  const laneSummaries = await Promise.all(
    laneDates.map((dates) => consolidateWithHook({ ...options, dates, batchDates: batch, threads, schemaDrift: { monitor: false } }, hook, tickers)),
  );
  const consolidated = mergeLanes(laneSummaries, tickers.size, await checkProcessedDrift(options.root, CONSOLIDATED_DATASET, laneSummaries.flatMap((l) => l.dates), options.schemaDrift), started);
  // Counts and NULL rates from the written files' footers, as generateFeatures reports them.
  const rowsByDate: Record<string, number> = {};
  const nulls = new Map<string, number>();
  if (files.length > 0) {
    const duck = await openDuck(1);
    try {
      const stats = await writtenCounts(duck, files, FEATURE_COLUMNS);
      for (const [d, n] of stats.rowsByDate) rowsByDate[d] = n;
      for (const [c, n] of stats.nulls) nulls.set(c, (nulls.get(c) ?? 0) + n);
    } finally {
      duck.close();
    }
  }
  let sqlPasses = 0;
  const rest = consolidated.dates.filter((d) => !done.has(d));
  let restSummary: FeatureSummary | undefined;
  if (rest.length > 0) {
    restSummary = await generateFeatures({ ...options, dates: rest, labels, method: options.method === 'sql' ? 'sql' : 'engine', schemaDrift: { monitor: false } });
    Object.assign(rowsByDate, restSummary.rowsByDate);
    positives += restSummary.positives;
    files.push(...restSummary.files);
    enginePasses += restSummary.passes.engine;
    sqlPasses += restSummary.passes.sql;
    fallbacks.push(...restSummary.passes.fallbacks);
    for (const c of FEATURE_COLUMNS) nulls.set(c, (nulls.get(c) ?? 0) + (restSummary.nullRate[c] ?? 0) * restSummary.rows);
  }
  const schemaDrift = await checkProcessedDrift(options.root, FEATURES_DATASET, Object.keys(rowsByDate), options.schemaDrift);
  const rows = Object.values(rowsByDate).reduce((x, y) => x + y, 0);
  const features: FeatureSummary = {
    dates: Object.keys(rowsByDate).sort(),
    skipped: [...consolidated.skipped],
    rows,
    rowsByDate,
    features: FEATURE_COLUMNS.length,
    positives,
    positiveRate: rows === 0 ? 0 : positives / rows,
    nullRate: Object.fromEntries(FEATURE_COLUMNS.map((c) => [c, rows === 0 ? 0 : Math.round(nulls.get(c) ?? 0) / rows])),
    files: files.sort(),
    seconds: (performance.now() - started) / 1000,
    timings: { ...consolidated.timings, ...(restSummary ? Object.fromEntries(Object.entries(restSummary.timings).map(([k, v]) => [`rest_${k}`, v])) : {}) },
    cpuTimings: { ...consolidated.cpuTimings, ...(restSummary ? Object.fromEntries(Object.entries(restSummary.cpuTimings).map(([k, v]) => [`rest_${k}`, v])) : {}) },
    schemaDrift,
    passes: { engine: enginePasses, sql: sqlPasses, fallbacks },
  };
  return { consolidated, features };
}

/** The lanes' summaries as one run's: dates in order, counts summed, step times summed over lanes (CPU per step is process-wide, so lanes running at once both count it). */
function mergeLanes(lanes: readonly ConsolidateSummary[], uniqueOptions: number, schemaDrift: ConsolidateSummary['schemaDrift'], started: number): ConsolidateSummary {
  const rowsByDate: Record<string, number> = {};
  const unsolved: Record<string, number> = {};
  const timings: Record<string, number> = {};
  const cpuTimings: Record<string, number> = {};
  const add = (into: Record<string, number>, from: Readonly<Record<string, number>>) => {
    for (const [k, v] of Object.entries(from)) into[k] = Math.round(((into[k] ?? 0) + v) * 1000) / 1000;
  };
  for (const l of lanes) {
    add(rowsByDate, l.rowsByDate);
    add(unsolved, l.iv.unsolved);
    add(timings, l.timings);
    add(cpuTimings, l.cpuTimings);
  }
  const dates = Object.keys(rowsByDate).sort();
  return {
    dates,
    skipped: lanes.flatMap((l) => l.skipped).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    rows: lanes.reduce((n, l) => n + l.rows, 0),
    rowsByDate: Object.fromEntries(dates.map((d) => [d, rowsByDate[d]!])),
    minutes: lanes.reduce((n, l) => n + l.minutes, 0),
    uniqueOptions,
    optionBarsWithoutUnderlying: lanes.reduce((n, l) => n + l.optionBarsWithoutUnderlying, 0),
    iv: { solved: lanes.reduce((n, l) => n + l.iv.solved, 0), unsolved },
    files: lanes.flatMap((l) => l.files).sort(),
    seconds: (performance.now() - started) / 1000,
    timings,
    cpuTimings,
    schemaDrift,
  };
}
