import { nyseCalendar, SpyglassError, type MarketCalendar } from '@spyglass/core';
import { listPartitions } from '../layout/parquet-layout.js';
import { writeDateFiles, writeDatePartitions } from '../layout/partition-writer.js';
import { StepTimer } from '../layout/step-timer.js';
import { checkProcessedDrift } from '../layout/drift-check.js';
import { DEFAULT_BATCH_DATES, type MarketStepOptions, type MarketStepSummary } from '../layout/processed-step.js';
import { buildNewsAsOf, loadMarketTables, marketSources, openDuck, type MarketInventory } from './market-tables.js';
import { buildExpiryClose, buildGreeks, ivStatusSql, solveGreeks, type IvOutcome } from './option-greeks.js';
import { buildSpyIndicators, DEFAULT_INDICATORS, spyIndicatorColumns, type IndicatorSettings } from './spy-indicators.js';
import { alignAsOf, expiryInstant } from '@spyglass/features';
import { sqlString, type DuckSession } from '../duck/duck-session.js';
import { inConsolidatedOrder } from './file-order.js';

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
  /**
   * How rows are joined. `kernels` (default): the option rows are sorted once in DuckDB, the
   * as-of joins (features' `alignAsOf`), indicators and greeks run on typed arrays in JS and the
   * result streams into the Parquet writer without being stored in DuckDB. `sql`: DuckDB ASOF
   * joins into a temp table (the reference the kernels are tested against; same output).
   */
  readonly method?: 'kernels' | 'sql';
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
  return consolidateWithHook(options);
}

/**
 * One kernel pass's consolidated rows as they were written (same order as the files: date,
 * ticker, bar start), with the pass's underlying and VIX bars, for a step that continues from
 * them in memory (the fused feature pass) instead of reading the files back.
 */
export interface ConsolidatedPass {
  readonly duck: DuckSession;
  readonly timer: StepTimer;
  /** Sessions of the pass, ascending by open (rows of a session are consecutive). */
  readonly sessions: readonly { readonly date: string; readonly openMs: number; readonly closeMs: number }[];
  /** Dates of the pass with rows written. */
  readonly dates: readonly string[];
  /** A relation of `date`'s written rows in file order (`ticker, ts, underlying, expiration, strike, contract_type, …`). */
  readonly rowsOf: (date: string) => string;
  readonly spy: { readonly ts: Float64Array; readonly open: Float64Array; readonly high: Float64Array; readonly low: Float64Array; readonly close: Float64Array; readonly volume: Float64Array; readonly vwap: Float64Array };
  readonly vix: { readonly ts: Float64Array; readonly close: Float64Array };
  /** Option rows; `contract` is the 0-based index into `contracts`. */
  readonly options: Readonly<Record<'ts' | 'contract' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'strike' | 'iv' | 'delta' | 'gamma' | 'theta' | 'vega' | 'moneyness' | 'minutesToExpiry', Float64Array>>;
  /**
   * The pass's contracts by ticker (expiration '' when NULL, type 'call'/'put' or '' otherwise), or
   * undefined when a ticker's rows disagree on expiration or type.
   */
  readonly contracts: readonly { readonly ticker: string; readonly expiration: string; readonly contractType: string }[] | undefined;
}

/** {@link consolidate}, handing each kernel pass's rows to `hook` after they are written. */
export async function consolidateWithHook(
  options: ConsolidateOptions,
  hook?: (pass: ConsolidatedPass) => Promise<void>,
  tickerSink?: Set<string>,
): Promise<ConsolidateSummary> {
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
  // The caller's set when given: lanes of one run count distinct contracts over all of them.
  const contracts = tickerSink ?? new Set<string>();
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
      if ((options.method ?? 'kernels') === 'kernels') {
        const pass = await kernelPass(duck, options.root, inv.dates, cfg, timer, hook);
        solved += pass.iv.solved;
        for (const [k, v] of Object.entries(pass.iv.unsolved)) unsolved[k] = (unsolved[k] ?? 0) + v;
        orphans += pass.orphans;
        minutes += pass.minutes;
        Object.assign(rowsByDate, pass.rowsByDate);
        for (const t of pass.tickers) contracts.add(t);
        files.push(...pass.files);
        timer.mark('write');
        continue;
      }
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

/**
 * One pass by typed-array kernels: `opt` sorted once in DuckDB (date, ticker, bar start; bars
 * with no underlying bar at or before them that session dropped), its numbers read as columns,
 * the underlying / VIX / indicator / news values gathered as of each bar with `alignAsOf`, the
 * greeks solved, and everything streamed into `COPY … TO` next to the sorted rows' text columns
 * (`POSITIONAL JOIN`): nothing wide is stored in DuckDB.
 */
async function kernelPass(
  duck: DuckSession,
  root: string,
  dates: readonly string[],
  cfg: { readonly riskFreeRate: number; readonly dividendYield: number; readonly newsLookbackMinutes: number; readonly indicators: IndicatorSettings; readonly calendar: MarketCalendar },
  timer: StepTimer,
  hook?: (pass: ConsolidatedPass) => Promise<void>,
): Promise<{ iv: IvOutcome; orphans: number; minutes: number; rowsByDate: Record<string, number>; tickers: string[]; files: string[] }> {
  await buildNewsAsOf(duck, cfg.newsLookbackMinutes);
  const spy = await duck.columns(`SELECT s.date, s.ts, s.open, s.high, s.low, s."close", s.volume, s.vwap,
      n.news_count, n.news_sentiment_mean, n.news_sentiment_latest, n.minutes_since_news
    FROM spy s LEFT JOIN spy_news n ON n.ts = s.ts ORDER BY s.date, s.ts`);
  const sc = spy.cols as Record<string, Float64Array>;
  const ind = spyIndicatorColumns(spy.cols.date as (string | null)[], sc.close!, sc.volume!, cfg.indicators);
  const vix = (await duck.columns(`SELECT ts, open, high, low, "close" FROM vix ORDER BY ts`)).cols as Record<string, Float64Array>;
  const se = await duck.columns(`SELECT date, open_ms, close_ms FROM sessions ORDER BY open_ms`);
  timer.mark('indicators');
  // Bars before the session's first underlying bar have nothing to join: dropped by a filter (it
  // keeps the row order of `opt`, the files' order; a join would not).
  const first = await duck.columns(`SELECT date, min(ts) AS first_ts FROM spy GROUP BY date ORDER BY date`);
  const firstTs = first.cols.first_ts as Float64Array;
  await duck.run(`CREATE OR REPLACE TEMP TABLE opt_sorted AS SELECT * FROM opt o
    WHERE ${firstTs.length === 0 ? 'false' : `CASE o.date ${(first.cols.date as string[]).map((d, k) => `WHEN ${sqlString(d)} THEN o.ts >= ${firstTs[k]}`).join(' ')} ELSE false END`}`);
  const exps = await duck.columns(`SELECT DISTINCT expiration FROM opt_sorted WHERE expiration IS NOT NULL ORDER BY expiration`);
  const expList = exps.cols.expiration as string[];
  const tick = await duck.columns(`SELECT DISTINCT ticker FROM opt_sorted WHERE ticker IS NOT NULL ORDER BY ticker`);
  const counts = await duck.columns(`SELECT (SELECT count(*) FROM opt) AS n_opt`);
  // Numbers only cross to JS: the expiration as its index in expList, the type as 1 = put.
  const readOptions = async () =>
    (await duck.columns(`SELECT ts, strike, open, high, low, "close", volume, list_position(${sqlList(expList)}, expiration) - 1 AS exp,
      CASE contract_type WHEN 'call' THEN 0 WHEN 'put' THEN 1 END AS is_put, list_position(${sqlList(tick.cols.ticker as string[])}, ticker) AS contract
    FROM opt_sorted`)).cols as Record<string, Float64Array>;
  let o = await readOptions();
  timer.mark('join');
  // One raw file per contract-day, sorted by time, listed by date and ticker: usually already in
  // order. Checked row by row; anything else is sorted as before.
  if (!inConsolidatedOrder(o.ts!, o.contract!, se.cols.open_ms as Float64Array, se.cols.close_ms as Float64Array)) {
    await duck.run(`CREATE OR REPLACE TEMP TABLE opt_sorted AS SELECT * FROM opt_sorted ORDER BY date, ticker, ts`);
    o = await readOptions();
    timer.mark('sort');
  }
  const n = o.ts!.length;
  const ts = o.ts!;
  const spyIdx = new Int32Array(n);
  const vixIdx = new Int32Array(n);
  const sessionOpen = se.cols.open_ms as Float64Array;
  const sessionClose = se.cols.close_ms as Float64Array;
  const rowsByDate: Record<string, number> = {};
  const minuteSet = new Set<number>();
  // Blocks of one contract-day, ascending bar starts: as-of index into that session's bars.
  const bounds = (times: Float64Array, from: number, to: number) => {
    let a = 0;
    while (a < times.length && times[a]! < from) a++;
    let b = a;
    while (b < times.length && times[b]! < to) b++;
    return [a, b] as const;
  };
  let s = -1;
  let spyRange: readonly [number, number] = [0, 0];
  let vixRange: readonly [number, number] = [0, 0];
  for (let a = 0; a < n; ) {
    if (s < 0 || !(ts[a]! >= sessionOpen[s]! && ts[a]! < sessionClose[s]!)) {
      s = 0;
      while (s < sessionOpen.length && !(ts[a]! >= sessionOpen[s]! && ts[a]! < sessionClose[s]!)) s++;
      spyRange = bounds(sc.ts!, sessionOpen[s]!, sessionClose[s]!);
      vixRange = bounds(vix.ts!, sessionOpen[s]!, sessionClose[s]!);
    }
    // A block: one contract in one session (rows are sorted by date, ticker, bar start).
    let b = a + 1;
    while (b < n && same(o.contract![b]!, o.contract![a]!) && ts[b]! < sessionClose[s]!) b++;
    const date = (se.cols.date as string[])[s]!;
    rowsByDate[date] = (rowsByDate[date] ?? 0) + (b - a);
    const left = ts.subarray(a, b);
    const si = alignAsOf(left, sc.ts!.subarray(spyRange[0], spyRange[1]));
    const vi = alignAsOf(left, vix.ts!.subarray(vixRange[0], vixRange[1]));
    for (let k = 0; k < b - a; k++) {
      spyIdx[a + k] = si[k]! < 0 ? -1 : si[k]! + spyRange[0];
      vixIdx[a + k] = vi[k]! < 0 ? -1 : vi[k]! + vixRange[0];
      minuteSet.add(ts[a + k]!);
    }
    a = b;
  }
  const take = (values: Float64Array, idx: Int32Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = idx[i]! < 0 ? Number.NaN : values[idx[i]!]!;
    return out;
  };
  const age = (times: Float64Array, idx: Int32Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = idx[i]! < 0 ? Number.NaN : (ts[i]! - times[idx[i]!]!) / 60000.0;
    return out;
  };
  const spyClose = take(sc.close!, spyIdx);
  const expiryClose = expList.map((e) => {
    try {
      return expiryInstant(e, cfg.calendar);
    } catch {
      return Number.NaN;
    }
  });
  const closeMs = new Float64Array(n);
  for (let i = 0; i < n; i++) closeMs[i] = o.exp![i]! >= 0 ? expiryClose[o.exp![i]!]! : Number.NaN;
  const g = solveGreeks({ ts, spot: spyClose, strike: o.strike!, price: o.close!, isPut: o.is_put!, closeMs }, cfg);
  const moneyness = new Float64Array(n);
  for (let i = 0; i < n; i++) moneyness[i] = spyClose[i]! / o.strike![i]!;
  const cols: Record<string, Float64Array> = {
    minutes_to_expiry: g.minutesToExpiry,
    moneyness,
    spy_open: take(sc.open!, spyIdx), spy_high: take(sc.high!, spyIdx), spy_low: take(sc.low!, spyIdx), spy_close: spyClose,
    spy_volume: take(sc.volume!, spyIdx), spy_vwap: take(sc.vwap!, spyIdx), spy_age_minutes: age(sc.ts!, spyIdx),
    vix_open: take(vix.open!, vixIdx), vix_high: take(vix.high!, vixIdx), vix_low: take(vix.low!, vixIdx), vix_close: take(vix.close!, vixIdx),
    vix_age_minutes: age(vix.ts!, vixIdx),
  };
  for (const name of ind.names) cols[name] = take(ind.values[name]!, spyIdx);
  for (const name of ['news_count', 'news_sentiment_mean', 'news_sentiment_latest', 'minutes_since_news']) cols[name] = take(sc[name]!, spyIdx);
  Object.assign(cols, { iv: g.iv, iv_status_code: g.ivStatusCode, delta: g.delta, gamma: g.gamma, theta: g.theta, vega: g.vega, rho: g.rho });
  timer.mark('greeks');
  const j = (name: string) => `g.${name}`;
  // Rows are sorted by date: each date's rows are one range of the arrays, written by its own COPY.
  const dayStart = new Map<string, number>();
  let at = 0;
  for (const d of [...Object.keys(rowsByDate)].sort()) {
    dayStart.set(d, at);
    at += rowsByDate[d]!;
  }
  const written = await writeDateFiles(
    duck,
    root,
    CONSOLIDATED_DATASET,
    (date) => {
      const from = dayStart.get(date);
      if (from === undefined) return null;
      const to = from + rowsByDate[date]!;
      duck.scanColumns('consolidated_rows', Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.subarray(from, to)])));
      return `SELECT c.ticker, epoch_ms(c.ts)::TIMESTAMPTZ AS timestamp, c.underlying, c.contract_type, c.strike, c.expiration, g.minutes_to_expiry, g.moneyness,
         c.open AS opt_open, c.high AS opt_high, c.low AS opt_low, c."close" AS opt_close, c.volume AS opt_volume, c.vwap AS opt_vwap, c.transactions AS opt_transactions,
         ${['spy_open', 'spy_high', 'spy_low', 'spy_close', 'spy_volume', 'spy_vwap', 'spy_age_minutes', 'vix_open', 'vix_high', 'vix_low', 'vix_close', 'vix_age_minutes', ...ind.names,
           'news_count', 'news_sentiment_mean', 'news_sentiment_latest', 'minutes_since_news', 'iv'].map(j).join(', ')},
         ${ivStatusSql('g')}, g.delta, g.gamma, g.theta, g.vega, g.rho
       FROM (SELECT * FROM opt_sorted WHERE date = ${sqlString(date)}) c POSITIONAL JOIN consolidated_rows() g`;
    },
    dates,
  );
  if (hook) {
    timer.mark('write');
    // Contract metadata from the numbers already here (expiration index, put flag): one per ticker,
    // or undefined when a ticker's rows disagree (the feature step then takes another path).
    const tickers = tick.cols.ticker as string[];
    const contract = new Float64Array(n);
    const expOf = new Float64Array(tickers.length).fill(Number.NaN);
    const putOf = new Float64Array(tickers.length).fill(Number.NaN);
    const seen = new Uint8Array(tickers.length);
    let consistent = true;
    for (let i = 0; i < n; i++) {
      const k = o.contract![i]! - 1;
      contract[i] = k;
      if (!(k >= 0)) continue;
      if (seen[k] === 0) {
        seen[k] = 1;
        expOf[k] = o.exp![i]!;
        putOf[k] = o.is_put![i]!;
      } else if (!same(expOf[k]!, o.exp![i]!) || !same(putOf[k]!, o.is_put![i]!)) consistent = false;
    }
    const contracts = consistent
      ? tickers.map((ticker, k) => ({ ticker, expiration: expOf[k]! >= 0 ? expList[expOf[k]!]! : '', contractType: putOf[k] === 0 ? 'call' : putOf[k] === 1 ? 'put' : '' }))
      : undefined;
    await hook({
      duck,
      timer,
      sessions: (se.cols.date as string[]).map((date, k) => ({ date, openMs: sessionOpen[k]!, closeMs: sessionClose[k]! })),
      dates: written.dates,
      rowsOf: (date) => `(SELECT * FROM opt_sorted WHERE date = ${sqlString(date)})`,
      spy: { ts: sc.ts!, open: sc.open!, high: sc.high!, low: sc.low!, close: sc.close!, volume: sc.volume!, vwap: sc.vwap! },
      vix: { ts: vix.ts!, close: vix.close! },
      options: { ts, contract, open: o.open!, high: o.high!, low: o.low!, close: o.close!, volume: o.volume!, strike: o.strike!,
        iv: g.iv, delta: g.delta, gamma: g.gamma, theta: g.theta, vega: g.vega, moneyness, minutesToExpiry: g.minutesToExpiry },
      contracts,
    });
  }
  return {
    iv: g.outcome,
    orphans: (counts.cols.n_opt as Float64Array)[0]! - n,
    minutes: minuteSet.size,
    rowsByDate,
    tickers: tick.cols.ticker as string[],
    files: written.files,
  };
}

const same = (x: number, y: number): boolean => x === y || (x !== x && y !== y);
const sqlList = (items: readonly string[]) => `[${items.map(sqlString).join(', ')}]::VARCHAR[]`;
