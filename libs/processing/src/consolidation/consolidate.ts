import { nyseCalendar, SpyglassError } from '@spyglass/core';
import { listPartitions } from '../layout/parquet-layout.js';
import { writeDatePartitions } from '../layout/partition-writer.js';
import { StepTimer } from '../layout/step-timer.js';
import { checkProcessedDrift } from '../layout/drift-check.js';
import { DEFAULT_BATCH_DATES, type MarketStepOptions, type MarketStepSummary } from '../layout/processed-step.js';
import { buildNewsAsOf, loadMarketTables, marketSources, openDuck, type MarketInventory } from './market-tables.js';
import { buildExpiryClose, buildGreeks, ivStatusSql, type IvOutcome } from './option-greeks.js';
import { buildSpyIndicators, DEFAULT_INDICATORS, type IndicatorSettings } from './spy-indicators.js';

/**
 * Options of {@link consolidate}. Rates are annualised decimals, continuously compounded.
 *
 * @example
 * ```ts
 * const opts: ConsolidateOptions = { root: 'data', dates: ['2025-03-04'], riskFreeRate: 0.043, dividendYield: 0.012 };
 * ```
 */
export interface ConsolidateOptions extends MarketStepOptions {
  readonly riskFreeRate?: number;
  readonly dividendYield?: number;
  readonly indicators?: IndicatorSettings;
}

/**
 * What {@link consolidate} did: rows written per date, dates skipped and why, and how the IV solve went.
 *
 * @example
 * ```ts
 * const s: ConsolidateSummary = await consolidate({ root: 'data', dates: ['2025-03-04'] });
 * console.log(`${s.rows} rows, ${s.uniqueOptions} contracts, IV solved ${s.iv.solved}`);
 * ```
 */
export interface ConsolidateSummary extends MarketStepSummary {
  readonly minutes: number;
  readonly uniqueOptions: number;
  /** Option bars with no underlying bar at or before them that session (not written). */
  readonly optionBarsWithoutUnderlying: number;
  readonly iv: IvOutcome;
}

/**
 * The consolidated dataset's directory name under `<root>/processed/`.
 *
 * @example
 * ```ts
 * join(root, 'processed', CONSOLIDATED_DATASET); // data/processed/consolidated
 * ```
 */
export const CONSOLIDATED_DATASET = 'consolidated';

/**
 * Consolidates raw Parquet into one row per option per minute, written to
 * `<root>/processed/consolidated/date=<D>/part-0.parquet` (atomic, idempotent: a re-run rewrites the
 * same rows in the same order). Each row carries the option's OHLCV, the underlying's OHLCV and VWAP
 * as of the bar (ASOF `<=`), the VIX OHLC as of the bar (forward-filled, with its age), the
 * underlying's indicators and momentum, news sentiment within the lookback, contract metadata
 * (strike, type, expiry, minutes to expiry, moneyness = spot / strike) and IV with greeks
 * (`iv_status` names why a row has none).
 *
 * @example
 * ```ts
 * import { consolidate } from '@spyglass/processing';
 * const summary = await consolidate({ root: 'data', dates: ['2025-03-04', '2025-03-05'], riskFreeRate: 0.043 });
 * console.log(summary.rows, summary.skipped);
 * ```
 */
export async function consolidate(options: ConsolidateOptions): Promise<ConsolidateSummary> {
  const started = performance.now();
  const cfg = {
    riskFreeRate: options.riskFreeRate ?? 0.045,
    dividendYield: options.dividendYield ?? 0.013,
    newsLookbackMinutes: options.newsLookbackMinutes ?? 60,
    indicators: options.indicators ?? DEFAULT_INDICATORS,
    calendar: options.calendar ?? nyseCalendar,
  };
  for (const [k, v] of Object.entries({ riskFreeRate: cfg.riskFreeRate, dividendYield: cfg.dividendYield, newsLookbackMinutes: cfg.newsLookbackMinutes })) {
    if (!Number.isFinite(v) || (k === 'newsLookbackMinutes' && v < 0)) {
      throw new SpyglassError('INVALID_ARGUMENT', `consolidate: ${k} = ${v} must be a finite number${k === 'newsLookbackMinutes' ? ' ≥ 0' : ''}`);
    }
  }
  const batch = Math.max(1, options.batchDates ?? DEFAULT_BATCH_DATES);
  const wanted = [...new Set(options.dates)].sort();
  const timer = new StepTimer();
  const duck = await openDuck(options.threads ?? 2);
  const rowsByDate: Record<string, number> = {};
  const skipped: MarketInventory['skipped'] = [];
  const files: string[] = [];
  const unsolved: Record<string, number> = {};
  const contracts = new Set<string>();
  let solved = 0;
  let minutes = 0;
  let orphans = 0;
  try {
    const optionPartitions = await listPartitions(options.root, 'raw', 'options', { dates: new Set(wanted), byTicker: true });
    for (let b = 0; b < wanted.length; b += batch) {
      const inv = await loadMarketTables(duck, wanted.slice(b, b + batch), marketSources(options, cfg.newsLookbackMinutes), true, optionPartitions);
      skipped.push(...inv.skipped);
      timer.mark('load');
      if (inv.dates.length === 0) continue;
      const indicatorNames = await buildSpyIndicators(duck, cfg.indicators);
      await buildNewsAsOf(duck, cfg.newsLookbackMinutes);
      timer.mark('indicators');
      await buildExpiryClose(duck, cfg.calendar);
      // Sorted once, here: the greeks are solved in this order and joined back by position.
      await duck.run(`CREATE OR REPLACE TEMP TABLE cons AS
        SELECT o.date, o.ticker, o.ts, o.underlying, o.contract_type, o.strike, o.expiration,
          o.open AS opt_open, o.high AS opt_high, o.low AS opt_low, o."close" AS opt_close, o.volume AS opt_volume,
          o.vwap AS opt_vwap, o.transactions AS opt_transactions,
          s.open AS spy_open, s.high AS spy_high, s.low AS spy_low, s."close" AS spy_close, s.volume AS spy_volume, s.vwap AS spy_vwap,
          (o.ts - s.ts) / 60000.0 AS spy_age_minutes,
          v.open AS vix_open, v.high AS vix_high, v.low AS vix_low, v."close" AS vix_close, (o.ts - v.ts) / 60000.0 AS vix_age_minutes,
          ${indicatorNames.map((n) => `i.${n}`).join(', ')},
          n.news_count, n.news_sentiment_mean, n.news_sentiment_latest, n.minutes_since_news, e.close_ms AS expiry_close_ms
        FROM opt o
        ASOF JOIN spy s ON o.date = s.date AND o.ts >= s.ts
        ASOF LEFT JOIN vix v ON o.date = v.date AND o.ts >= v.ts
        LEFT JOIN spy_ind i ON i.ts = s.ts
        LEFT JOIN spy_news n ON n.ts = s.ts
        LEFT JOIN expiry_close e ON e.expiration = o.expiration
        ORDER BY o.date, o.ticker, o.ts`);
      timer.mark('join');
      const iv = await buildGreeks(duck, cfg);
      timer.mark('greeks');
      solved += iv.solved;
      for (const [k, v] of Object.entries(iv.unsolved)) unsolved[k] = (unsolved[k] ?? 0) + v;
      const { cols } = await duck.columns(`SELECT
          (SELECT count(*) FROM opt) - (SELECT count(*) FROM cons) AS orphans,
          (SELECT count(*) FROM (SELECT DISTINCT date, ts FROM cons)) AS minutes`);
      orphans += (cols.orphans as Float64Array)[0]!;
      minutes += (cols.minutes as Float64Array)[0]!;
      const per = await duck.columns(`SELECT date, count(*) AS n FROM cons GROUP BY date ORDER BY date`);
      (per.cols.date as string[]).forEach((d, k) => (rowsByDate[d] = (per.cols.n as Float64Array)[k]!));
      const tickers = await duck.columns(`SELECT DISTINCT ticker FROM cons`);
      for (const t of tickers.cols.ticker as string[]) contracts.add(t);
      const written = await writeDatePartitions(
        duck,
        options.root,
        CONSOLIDATED_DATASET,
        `SELECT c.date, c.ticker, epoch_ms(c.ts)::TIMESTAMPTZ AS timestamp, ${consolidatedSelectList(indicatorNames)}
         FROM cons c POSITIONAL JOIN greeks g`,
        inv.dates,
      );
      files.push(...written.files);
      timer.mark('write');
    }
  } finally {
    duck.close();
  }
  const schemaDrift = await checkProcessedDrift(options.root, CONSOLIDATED_DATASET, Object.keys(rowsByDate), options.schemaDrift);
  timer.mark('schema_drift');
  const rows = Object.values(rowsByDate).reduce((a, b) => a + b, 0);
  return {
    dates: Object.keys(rowsByDate).sort(),
    skipped,
    rows,
    rowsByDate,
    minutes,
    uniqueOptions: contracts.size,
    optionBarsWithoutUnderlying: orphans,
    iv: { solved, unsolved },
    files,
    seconds: (performance.now() - started) / 1000,
    timings: timer.seconds(),
    cpuTimings: timer.cpuSeconds(),
    schemaDrift,
  };
}

/** Column list of the consolidated file after `date, ticker, timestamp` (used by the writer and docs). */
function consolidatedSelectList(indicatorNames: readonly string[]): string {
  return [
    'c.underlying', 'c.contract_type', 'c.strike', 'c.expiration', 'g.minutes_to_expiry', 'c.spy_close / c.strike AS moneyness',
    'c.opt_open', 'c.opt_high', 'c.opt_low', 'c.opt_close', 'c.opt_volume', 'c.opt_vwap', 'c.opt_transactions',
    'c.spy_open', 'c.spy_high', 'c.spy_low', 'c.spy_close', 'c.spy_volume', 'c.spy_vwap', 'c.spy_age_minutes',
    'c.vix_open', 'c.vix_high', 'c.vix_low', 'c.vix_close', 'c.vix_age_minutes',
    ...indicatorNames.map((n) => `c.${n}`),
    'c.news_count', 'c.news_sentiment_mean', 'c.news_sentiment_latest', 'c.minutes_since_news',
    'g.iv', ivStatusSql('g'), 'g.delta', 'g.gamma', 'g.theta', 'g.vega', 'g.rho',
  ].join(', ');
}
