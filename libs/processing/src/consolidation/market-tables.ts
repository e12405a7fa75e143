import { nyseCalendar, type MarketCalendar } from '@spyglass/core';
import { DuckSession, sqlFileList, sqlString } from '../duck/duck-session.js';
import { listPartitions, type PartitionFiles } from '../layout/parquet-layout.js';
import type { MarketStepOptions } from '../layout/processed-step.js';

/** Which raw tickers make up "the market" of a consolidation run. */
export interface MarketSources {
  readonly root: string;
  /** Underlying stock ticker (default `SPY`). */
  readonly underlying: string;
  /** Volatility index ticker (default `I:VIX`). */
  readonly volatilityIndex: string;
  /** News partition ticker (default: the underlying). */
  readonly newsTicker: string;
  readonly newsLookbackMinutes: number;
  readonly calendar: MarketCalendar;
}

/** The market a step's options name, with the defaults both market steps must agree on. */
export function marketSources(options: MarketStepOptions, newsLookbackMinutes: number): MarketSources {
  const underlying = options.underlying ?? 'SPY';
  return {
    root: options.root,
    underlying,
    volatilityIndex: options.volatilityIndex ?? 'I:VIX',
    newsTicker: underlying,
    newsLookbackMinutes,
    calendar: options.calendar ?? nyseCalendar,
  };
}

/**
 * The news partitions a processing step of `dates` reads: news published up to the lookback before
 * the first session counts, so a few earlier calendar dates are read too (a job that stages its
 * inputs from an object store stages these).
 *
 * @example
 * ```ts
 * [...newsInputDates(['2025-03-04'], 60)]; // ['2025-03-04', '2025-03-03', …, '2025-02-27']
 * ```
 */
export function newsInputDates(dates: Iterable<string>, newsLookbackMinutes: number): Set<string> {
  const lookbackDays = Math.ceil(newsLookbackMinutes / 1440) + 4;
  const out = new Set<string>();
  for (const d of dates) for (let k = 0; k <= lookbackDays; k++) out.add(new Date(Date.parse(`${d}T00:00:00Z`) - k * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/** What was found on disk for the requested dates. */
export interface MarketInventory {
  /** Trading dates with underlying bars and at least one option partition. */
  readonly dates: string[];
  /** Requested dates skipped, with the reason (not a trading day, no underlying bars, no options). */
  readonly skipped: { readonly date: string; readonly reason: string }[];
  readonly optionFiles: number;
}

/** A fresh DuckDB session (2 threads) for a processing run. */
export async function openDuck(threads = 2): Promise<DuckSession> {
  return DuckSession.open(threads);
}

/**
 * Loads the raw data of `dates` into DuckDB temp tables, each restricted to the regular session
 * `[open, close)` of its date so extended-hours prints never enter indicators or joins:
 * `sessions(date, open_ms, close_ms)`, `spy`, `vix`, `opt` (bars, `ts` = bar start epoch ms; `opt`
 * in the files' order, which its readers check or sort) and
 * `news(ts, id, score)` (sentiment positive 1, neutral 0, negative −1; de-duplicated by id).
 */
export async function loadMarketTables(
  duck: DuckSession,
  dates: readonly string[],
  src: MarketSources,
  withOptions = true,
  optionPartitions?: readonly PartitionFiles[],
): Promise<MarketInventory> {
  const skipped: { date: string; reason: string }[] = [];
  const sessions: { date: string; open: number; close: number }[] = [];
  for (const date of [...new Set(dates)].sort()) {
    let s;
    try {
      s = src.calendar.session(date);
    } catch (e) {
      skipped.push({ date, reason: `calendar: ${(e as Error).message}` });
      continue;
    }
    if (s === null) skipped.push({ date, reason: 'not a trading day' });
    else sessions.push({ date, open: s.open, close: s.close });
  }
  const wanted = new Set(sessions.map((s) => s.date));
  const spyParts = await listPartitions(src.root, 'raw', 'stocks', { dates: wanted, tickers: new Set([src.underlying]), byTicker: true });
  const vixParts = await listPartitions(src.root, 'raw', 'indices', { dates: wanted, tickers: new Set([src.volatilityIndex]), byTicker: true });
  // A year of 0DTE contracts is thousands of directories: callers batching dates list them once.
  const optParts = !withOptions
    ? []
    : (optionPartitions ?? (await listPartitions(src.root, 'raw', 'options', { dates: wanted, byTicker: true }))).filter((p) => wanted.has(p.date));
  const spyDates = new Set(spyParts.map((p) => p.date));
  const optDates = new Set(optParts.map((p) => p.date));
  const usable = sessions.filter((s) => {
    if (!spyDates.has(s.date)) skipped.push({ date: s.date, reason: `no ${src.underlying} bars` });
    else if (withOptions && !optDates.has(s.date)) skipped.push({ date: s.date, reason: 'no option bars' });
    else return true;
    return false;
  });
  const keep = new Set(usable.map((s) => s.date));

  await duck.createTable(
    'sessions',
    {
      date: usable.map((s) => s.date),
      open_ms: Float64Array.from(usable, (s) => s.open),
      close_ms: Float64Array.from(usable, (s) => s.close),
    },
    ['open_ms', 'close_ms'],
  );
  const files = (parts: typeof spyParts) => parts.filter((p) => keep.has(p.date)).flatMap((p) => p.files);
  // hive_partitioning off: the files carry ticker themselves; the date comes from the path.
  const read = (list: string[]) =>
    `read_parquet(${sqlFileList(list)}, hive_partitioning = false, filename = true, union_by_name = true)`;
  const dateOf = `regexp_extract(filename, 'date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1)`;
  const inSession = (alias: string) => `JOIN sessions se ON se.date = ${alias}.date AND ${alias}.ts >= se.open_ms AND ${alias}.ts < se.close_ms`;
  // The same restriction as a filter: a scan and filter keep the files' row order (a join does
  // not), so option rows already stored in consolidated order need no sort later.
  const inSessionFilter = (alias: string) =>
    `CASE ${alias}.date ${usable.map((u) => `WHEN ${sqlString(u.date)} THEN ${alias}.ts >= ${u.open} AND ${alias}.ts < ${u.close}`).join(' ')} ELSE false END`;

  const spyFiles = files(spyParts);
  await duck.run(
    spyFiles.length === 0
      ? `CREATE OR REPLACE TEMP TABLE spy (date VARCHAR, ts BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, "close" DOUBLE, volume DOUBLE, vwap DOUBLE)`
      : `CREATE OR REPLACE TEMP TABLE spy AS SELECT r.date, r.ts, r.open, r.high, r.low, r."close", r.volume, r.vwap FROM (
           SELECT ${dateOf} AS date, epoch_ms(timestamp) AS ts, open::DOUBLE AS open, high::DOUBLE AS high, low::DOUBLE AS low,
                  "close"::DOUBLE AS "close", volume::DOUBLE AS volume, vwap::DOUBLE AS vwap FROM ${read(spyFiles)}) r ${inSession('r')}
         ORDER BY r.ts`,
  );
  const vixFiles = files(vixParts);
  await duck.run(
    vixFiles.length === 0
      ? `CREATE OR REPLACE TEMP TABLE vix (date VARCHAR, ts BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, "close" DOUBLE)`
      : `CREATE OR REPLACE TEMP TABLE vix AS SELECT r.date, r.ts, r.open, r.high, r.low, r."close" FROM (
           SELECT ${dateOf} AS date, epoch_ms(timestamp) AS ts, open::DOUBLE AS open, high::DOUBLE AS high, low::DOUBLE AS low, "close"::DOUBLE AS "close"
           FROM ${read(vixFiles)}) r ${inSession('r')} ORDER BY r.ts`,
  );
  const optFiles = files(optParts);
  await duck.run(
    optFiles.length === 0
      ? `CREATE OR REPLACE TEMP TABLE opt (date VARCHAR, ticker VARCHAR, ts BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, "close" DOUBLE, volume DOUBLE, vwap DOUBLE, transactions DOUBLE, underlying VARCHAR, expiration VARCHAR, strike DOUBLE, contract_type VARCHAR)`
      : `CREATE OR REPLACE TEMP TABLE opt AS SELECT r.* FROM (
           SELECT ${dateOf} AS date, ticker, epoch_ms(timestamp) AS ts, open::DOUBLE AS open, high::DOUBLE AS high, low::DOUBLE AS low,
                  "close"::DOUBLE AS "close", volume::DOUBLE AS volume, vwap::DOUBLE AS vwap, transactions::DOUBLE AS transactions,
                  underlying, expiration, strike::DOUBLE AS strike, contract_type FROM ${read(optFiles)}
           WHERE underlying = ${sqlString(src.underlying)}) r WHERE ${inSessionFilter('r')}`,
  );

  const newsDates = newsInputDates(keep, src.newsLookbackMinutes);
  const newsParts = await listPartitions(src.root, 'raw', 'news', { dates: newsDates, tickers: new Set([src.newsTicker]), byTicker: true });
  const newsFiles = newsParts.flatMap((p) => p.files);
  await duck.run(
    newsFiles.length === 0
      ? `CREATE OR REPLACE TEMP TABLE news (ts BIGINT, id VARCHAR, score DOUBLE)`
      : `CREATE OR REPLACE TEMP TABLE news AS SELECT min(epoch_ms(timestamp)) AS ts, id,
           any_value(CASE sentiment WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 WHEN 'neutral' THEN 0.0 END) AS score
         FROM read_parquet(${sqlFileList(newsFiles)}, hive_partitioning = false, union_by_name = true) GROUP BY id ORDER BY ts`,
  );
  return { dates: [...keep].sort(), skipped: skipped.sort((a, b) => a.date.localeCompare(b.date)), optionFiles: optFiles.length };
}

/**
 * Builds `spy_news(ts, news_count, news_sentiment_mean, news_sentiment_latest, minutes_since_news)`
 * on the underlying's minute grid: articles published at or before the bar start and within the
 * lookback. "At or before the bar start" is deliberately stricter than the bar's close, so a
 * feature never sees an article its row could not have known.
 */
export async function buildNewsAsOf(duck: DuckSession, lookbackMinutes: number): Promise<void> {
  const lookbackMs = Math.round(lookbackMinutes * 60_000);
  await duck.run(`CREATE OR REPLACE TEMP TABLE spy_news AS
    SELECT s.ts, count(n.ts)::DOUBLE AS news_count, avg(n.score) AS news_sentiment_mean,
           arg_max(n.score, n.ts) AS news_sentiment_latest, (s.ts - max(n.ts)) / 60000.0 AS minutes_since_news
    FROM spy s LEFT JOIN news n ON n.ts <= s.ts AND n.ts > s.ts - ${lookbackMs}
    GROUP BY s.ts`);
}

