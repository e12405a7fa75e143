// Consolidation + feature engineering over one synthetic year, with a DuckDB I/O floor measured in
// the same run as the baseline.
//
//   npx tsc -b libs/processing/tsconfig.lib.json libs/exchange-sim/tsconfig.lib.json
//   node --import tsx tools/bench/features/bench.ts [--days 252] [--contracts 24] [--root /tmp/dir [--reuse]]
//                                                  [--batch-dates N] [--threads N] [--lanes N] [--method kernels|sql] [--separate] [--json]
// Ends with one JSON line: {"bench":"features","optionRows","seconds","peakRssMb",…} (peak RSS of
// the consolidation and feature phases, sampled every 20 ms).
//
// Data: the seeded exchange simulator (SyntheticMarket, seed 11): 252 NYSE sessions from
// 2025-01-02, SPY and I:VIX minute bars, the day's nearest same-day-expiry contracts (half calls
// strictly above the open, half puts at or below) and SPY news, stored through storage's
// ParquetDataset exactly as ingestion stores them. Figures are from simulated data, not the market.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { nyseCalendar, type IndexBar, type NewsArticle, type OptionBar, type StockBar } from '@spyglass/core';
import { SyntheticMarket } from '@spyglass/exchange-sim';
import { consolidate, consolidateAndGenerateFeatures, generateFeatures, type ConsolidateSummary, type FeatureSummary } from '@spyglass/processing';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

const arg = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1]! : fallback;
};
const DAYS = Number(arg('days', '252'));
const CONTRACTS = Number(arg('contracts', '24'));
const BATCH = process.argv.includes('--batch-dates') ? Number(arg('batch-dates', '')) : undefined;
// --threads N: DuckDB threads of the processing steps (default theirs, 2)
const THREADS = process.argv.includes('--threads') ? Number(arg('threads', '')) : undefined;
// --reuse with --root: keep the raw year already written there (the setup is not timed anyway)
const reuse = process.argv.includes('--reuse');
// --lanes N: batches in flight at once in the fused call (default its own, 2: one lane's JS runs while the other waits on DuckDB)
const LANES = process.argv.includes('--lanes') ? Number(arg('lanes', '')) : undefined;
const json = process.argv.includes('--json');
// --method sql: both steps through DuckDB's joins and window frames (the reference paths) instead of the typed-array kernels
const METHOD = arg('method', 'kernels');
// --separate: consolidate() then generateFeatures() (the features re-read the consolidated files)
// instead of consolidateAndGenerateFeatures (one pass, features from the rows in memory; the default
// of the kernels method). Both write the same files.
const SEPARATE = METHOD === 'sql' || process.argv.includes('--separate');

// Peak RSS: the kernel's high-water mark (covers DuckDB's native memory), and a 20 ms sampler so
// each phase gets its own peak.
let phasePeak = 0;
const sampler = setInterval(() => (phasePeak = Math.max(phasePeak, process.memoryUsage().rss)), 20);
// CPU seconds (user + system, every thread incl. DuckDB's) next to wall time: on a shared machine
// the wall time depends on the neighbours, the CPU time much less.
async function phase<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number; peakRssMb: number }> {
  phasePeak = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  phasePeak = Math.max(phasePeak, process.memoryUsage().rss);
  return { value, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: phasePeak / 2 ** 20 };
}

async function writeYear(root: string, dates: string[]): Promise<{ stocks: number; options: number }> {
  const market = new SyntheticMarket({ seed: 11 });
  const opts = { root, fsync: false } as const;
  const stocks = new ParquetDataset<StockBar>({ ...opts, spec: rawDatasetSpecs.stocks });
  const indices = new ParquetDataset<IndexBar>({ ...opts, spec: rawDatasetSpecs.indices });
  const options = new ParquetDataset<OptionBar>({ ...opts, spec: rawDatasetSpecs.options });
  const news = new ParquetDataset<NewsArticle>({ ...opts, spec: rawDatasetSpecs.news });
  let nStocks = 0;
  let nOptions = 0;
  for (const date of dates) {
    const spy = market.stockBars('SPY', date).map((b): StockBar => ({ ticker: 'SPY', timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw, transactions: b.n, ingestedAt: b.t + 60_000 }));
    await stocks.write(spy);
    await indices.write(market.indexBars('I:VIX', date).map((b): IndexBar => ({ ticker: 'I:VIX', timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, ingestedAt: b.t + 60_000 })));
    const open = spy[0]!.open;
    const chain = market.optionContracts(date, { expirationDate: date });
    const calls = chain.filter((c) => c.contractType === 'call' && c.strike > open).sort((a, b) => a.strike - b.strike).slice(0, Math.ceil(CONTRACTS / 2));
    const puts = chain.filter((c) => c.contractType === 'put' && c.strike <= open).sort((a, b) => b.strike - a.strike).slice(0, Math.floor(CONTRACTS / 2));
    const bars: OptionBar[] = [];
    for (const c of [...calls, ...puts]) {
      for (const b of market.optionBars(c.ticker, date)) {
        bars.push({ ticker: c.ticker, timestamp: b.t, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: b.vw, transactions: b.n, ingestedAt: b.t + 60_000,
          underlying: c.underlying, expiration: c.expiration, strike: c.strike, contractType: c.contractType });
      }
    }
    await options.write(bars);
    const articles = market.newsOn(date).filter((a) => a.tickers.includes('SPY')).map((a): NewsArticle => {
      const i = a.insights.find((x) => x.ticker === 'SPY');
      return { id: a.id, ticker: 'SPY', timestamp: a.publishedUtc, title: a.title, author: a.author, publisher: a.publisher.name, articleUrl: a.articleUrl, tickers: a.tickers,
        description: a.description, keywords: a.keywords, sentiment: i?.sentiment ?? null, sentimentReasoning: i?.sentimentReasoning ?? null, insights: a.insights, ingestedAt: a.publishedUtc };
    });
    if (articles.length > 0) await news.write(articles);
    nStocks += spy.length;
    nOptions += bars.length;
  }
  return { stocks: nStocks, options: nOptions };
}

/** Baseline: DuckDB reading every raw option, SPY and VIX file of the year and writing them back as date-partitioned Parquet. */
async function ioFloor(root: string, out: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  try {
    const read = (ds: string) => `SELECT ticker, timestamp, "close", regexp_extract(filename, 'date=([0-9-]+)', 1) AS date FROM read_parquet('${root}/raw/${ds}/*/*/*.parquet', hive_partitioning = false, filename = true)`;
    await c.run(`COPY (${read('options')} UNION ALL ${read('stocks')} UNION ALL ${read('indices')}) TO '${out}' (FORMAT parquet, PARTITION_BY (date), OVERWRITE_OR_IGNORE true)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const ownRoot = process.argv.includes('--root');
const root = ownRoot ? arg('root', '') : await mkdtemp(join(os.tmpdir(), 'spyglass-bench-features-'));
const dates = nyseCalendar.tradingDays('2025-01-02', '2026-06-30').slice(0, DAYS);
try {
  const gen = reuse && existsSync(join(root, 'raw', 'options')) ? await phase(async () => ({ stocks: Number.NaN, options: Number.NaN })) : await phase(() => writeYear(root, dates));
  const floor = await phase(() => ioFloor(root, join(root, 'floor')));
  const batch = { ...(BATCH === undefined ? {} : { batchDates: BATCH }), ...(THREADS === undefined ? {} : { threads: THREADS }) };
  let cons: Awaited<ReturnType<typeof phase<ConsolidateSummary>>>;
  let feat: Awaited<ReturnType<typeof phase<FeatureSummary>>>;
  if (SEPARATE) {
    cons = await phase(() => consolidate({ root, dates, ...batch, method: METHOD === 'sql' ? 'sql' : 'kernels' }));
    feat = await phase(() => generateFeatures({ root, dates, ...batch, method: METHOD === 'sql' ? 'sql' : 'engine' }));
  } else {
    // One phase: its time and peak are the consolidation's; the features phase is empty (0 s).
    const both = await phase(() => consolidateAndGenerateFeatures({ root, dates, ...batch, ...(LANES === undefined ? {} : { lanes: LANES }) }));
    cons = { ...both, value: both.value.consolidated };
    feat = { value: both.value.features, seconds: 0, cpuSeconds: 0, peakRssMb: 0 };
  }
  clearInterval(sampler);
  const total = cons.seconds + feat.seconds;
  const result = {
    data: `SyntheticMarket seed 11, ${dates.length} sessions ${dates[0]}..${dates[dates.length - 1]}, ${CONTRACTS} contracts/day`,
    machine: `${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end`,
    rawRows: gen.value,
    setupSeconds: +gen.seconds.toFixed(2),
    baselineIoFloorSeconds: +floor.seconds.toFixed(2),
    baselineIoFloorCpuSeconds: +floor.cpuSeconds.toFixed(2),
    consolidate: { seconds: +cons.seconds.toFixed(2), cpuSeconds: +cons.cpuSeconds.toFixed(2), timings: cons.value.timings, cpuTimings: cons.value.cpuTimings, rows: cons.value.rows, rowsPerSecond: Math.round(cons.value.rows / cons.seconds), peakRssMb: Math.round(cons.peakRssMb), ivSolved: cons.value.iv.solved, ivUnsolved: cons.value.iv.unsolved },
    features: { seconds: +feat.seconds.toFixed(2), cpuSeconds: +feat.cpuSeconds.toFixed(2), timings: feat.value.timings, cpuTimings: feat.value.cpuTimings, rows: feat.value.rows, rowsPerSecond: SEPARATE ? Math.round(feat.value.rows / feat.seconds) : null, peakRssMb: SEPARATE ? Math.round(feat.peakRssMb) : null, positiveRate: +feat.value.positiveRate.toFixed(4), passes: feat.value.passes },
    totalSeconds: +total.toFixed(2),
    goalSeconds: 10,
    ratioToIoFloor: +(total / floor.seconds).toFixed(2),
    cpuRatioToIoFloor: +((cons.cpuSeconds + feat.cpuSeconds) / floor.cpuSeconds).toFixed(2),
    processMaxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`features bench — ${result.data}, method ${METHOD}${SEPARATE ? ', consolidate then generateFeatures' : ', fused (consolidateAndGenerateFeatures; its steps are listed under consolidate)'} (${result.machine})`);
    console.log(`  raw rows: ${result.rawRows.stocks} SPY, ${result.rawRows.options} option bars (setup ${result.setupSeconds} s, not timed)`);
    console.log(`  baseline  DuckDB raw read + partitioned write: ${result.baselineIoFloorSeconds} s (${result.baselineIoFloorCpuSeconds} CPU s)`);
    console.log(`  consolidate:        ${result.consolidate.seconds} s (${result.consolidate.cpuSeconds} CPU s), ${result.consolidate.rows} rows, ${result.consolidate.rowsPerSecond} rows/s, peak RSS ${result.consolidate.peakRssMb} MB`);
    // With lanes (fused default 2) the steps of the lanes overlap: both sums count the same seconds twice.
    console.log(`    steps (wall s${SEPARATE ? '' : ', summed over lanes'}): ${JSON.stringify(result.consolidate.timings)}`);
    console.log(`    steps (CPU s${SEPARATE ? '' : ', process-wide, summed over lanes'}):  ${JSON.stringify(cons.value.cpuTimings)}`);
    if (SEPARATE) console.log(`  generate-features:  ${result.features.seconds} s (${result.features.cpuSeconds} CPU s), ${result.features.rows} rows, ${result.features.rowsPerSecond} rows/s, peak RSS ${result.features.peakRssMb} MB`);
    else console.log(`  features (in the consolidate phase above): ${result.features.rows} rows`);
    if (SEPARATE) console.log(`    steps (wall s): ${JSON.stringify(result.features.timings)}`);
    if (SEPARATE) console.log(`    steps (CPU s):  ${JSON.stringify(feat.value.cpuTimings)}`);
    console.log(`    passes: ${feat.value.passes.engine} by the live engine's kernels, ${feat.value.passes.sql} by DuckDB${feat.value.passes.fallbacks.length > 0 ? ` (fell back: ${feat.value.passes.fallbacks.join('; ')})` : ''}`);
    console.log(`  total ${result.totalSeconds} s (goal < ${result.goalSeconds} s), ${result.ratioToIoFloor}× the I/O floor (CPU ${result.cpuRatioToIoFloor}×); process max RSS ${result.processMaxRssMb} MB`);
  }
  console.log(JSON.stringify({ bench: 'features', optionRows: cons.value.rows, seconds: result.totalSeconds, cpuSeconds: +(cons.cpuSeconds + feat.cpuSeconds).toFixed(2), peakRssMb: Math.round(Math.max(cons.peakRssMb, feat.peakRssMb)), days: dates.length, contracts: CONTRACTS, lanes: SEPARATE ? 1 : (LANES ?? 2), loadAvg1m: +os.loadavg()[0]!.toFixed(1), ratioToIoFloor: result.ratioToIoFloor }));
} finally {
  clearInterval(sampler);
  if (!ownRoot) await rm(root, { recursive: true, force: true });
}
