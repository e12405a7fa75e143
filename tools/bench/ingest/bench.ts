// Ingestion benchmark of @spyglass/pipeline against the loopback exchange simulator (simulated data,
// limits and faults off). Two parts, both printed as one table with a verdict per goal:
//
//   1. Backfill throughput: SPY minute bars fetched, validated, de-duplicated and persisted to
//      Parquet (fsync'd, checkpointed per day) by `Ingestion.backfill('stocks', …)`, as a ratio to the
//      raw `fetch` + `JSON.parse` floor of the sources benchmark (its `measureSourcesThroughput`)
//      measured in the same run, round by round, over the same days. Goal: ratio ≥ 0.5.
//   2. Streaming: a full session of SPY + I:VIX + 100 option contracts replayed by the simulator's
//      WebSocket clusters at high speed into three `StreamingRunner`s (stocks, indices, options):
//      bar arrival (decode of the WebSocket message) → durable in Parquet, p50/p99 per stream, and
//      the process RSS (readings after a full GC once every stream has flushed, at half the bars and
//      at the end; the max of 250 ms samples). Goal: RSS flat (last ≤ 1.2 × first), every bar stored.
//      Expected counts come from the same seeded SyntheticMarket; rows are read back from Parquet.
//
//   npx tsc -b tsconfig.json   # the bench imports the libraries' dist/
//   node --import tsx tools/bench/ingest/bench.ts [--days 60] [--rounds 5] [--all-days 5]
//        [--speed 600] [--session 2025-03-04] [--contracts 100] [--flush-size 500] [--flush-ms 1000] [--only backfill|streaming] [--json]
//
// The simulator runs in a child process (sim-process.ts) so its CPU is on the other core and its
// caches stay out of the pipeline's RSS, as a remote exchange would. Everything is written under one
// temp directory that is removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Dataset, nyDate, nyseCalendar, type IndexBar, type OptionBar, type StockBar } from '@spyglass/core';
import { SyntheticMarket } from '@spyglass/exchange-sim';
import { HistoricalRunner, Ingestion, StreamingRunner, type IngestionSettings, type StreamingSource, type StreamingSummary } from '@spyglass/pipeline';
import { Deduplicator, Quarantine, recordKeyFor, validatorFor } from '@spyglass/processing';
import { EquityClient, MassiveRest, createIndexStream, createOptionStream, createStockStream, type MarketStream } from '@spyglass/sources';
import { CheckpointStore, ParquetDataset, rawDatasetSpecs, type DatasetSpec } from '@spyglass/storage';
import { measureSourcesThroughput } from '../sources/bench.js';
import { startSimProcess } from './start-sim-process.js';

const API_KEY = 'bench-key-0000000000';
const SEED = 42;
/** RSS may grow at most this much between the first (warm) and the last reading to count as flat. */
const RSS_FLAT_LIMIT = 1.2;
const BACKFILL_GOAL = 0.5;

/** Options of the ingest benchmark. */
export interface IngestBenchOptions {
  /** Trading days of the backfill part (and of its floor); default 60 (the sources bench's). */
  readonly days?: number;
  /** First backfill day; default 2025-01-02 (the sources bench's). */
  readonly from?: string;
  /** Paired floor/backfill rounds (one sample of each); default 9 (medians reported). */
  readonly rounds?: number;
  /** Days of the informational SPY+VIX+news+options `backfillAll` run; 0 skips it; default 5. */
  readonly allDays?: number;
  /** WebSocket replay speed (N× real time; 0 = as fast as the server can); default 600. */
  readonly speed?: number;
  /** Session replayed by the streaming part; default 2025-03-04. */
  readonly session?: string;
  /** Option contracts streamed (nearest the open, 0DTE and 1DTE); default 100. */
  readonly contracts?: number;
  /** StreamingRunner flush size and interval; default 500 bars / 1000 ms (config/examples/streaming). */
  readonly flushSize?: number;
  readonly flushMs?: number;
}

/** The backfill part's figures (bars per second are medians over rounds). */
export interface BackfillBenchResult {
  readonly days: number;
  readonly bars: number;
  readonly rounds: number;
  /** Raw fetch + JSON.parse, page size 5000 (the sources bench's floor), median of the single samples paired with the backfills. */
  readonly rawFloorBarsPerSec: number;
  /** The same floor as the sources bench measures it (median of 3 after its own warm-up), once before the pairs. */
  readonly sourcesFloorBarsPerSec: number;
  /** Raw fetch + JSON.parse with one page per trading day (limit 390), the backfill's request granularity. */
  readonly rawPerDayBarsPerSec: number;
  /** EquityClient fetch + decode, page size 5000 (the sources bench's adapter side). */
  readonly adapterBarsPerSec: number;
  /** `Ingestion.backfill('stocks')`: fetched, validated, de-duplicated, persisted, checkpointed. */
  readonly backfillBarsPerSec: number;
  /** Median over rounds of backfill / raw floor (one sample of each, back to back, order alternating). */
  readonly ratio: number;
  /** Lowest and highest per-round ratio. */
  readonly ratioRange: readonly [number, number];
  /** Median backfill rate / the per-day floor (informational). */
  readonly ratioPerDay: number;
  /** Every round: wall and CPU seconds of both sides, the 1-minute load average before it. */
  readonly pairs: readonly BackfillPair[];
  /** Where a backfill day's time goes (ms per day), with durable writes and without fsync. */
  readonly stages: readonly StageBreakdown[];
  /** The informational `backfillAll` run, when measured. */
  readonly all?: { readonly days: number; readonly records: number; readonly byDataset: Record<string, number>; readonly seconds: number; readonly recordsPerSec: number };
}

/** One round of the backfill part: a floor sample and a backfill sample, back to back. */
export interface BackfillPair {
  readonly floorWall: number;
  readonly floorCpu: number;
  readonly backfillWall: number;
  readonly backfillCpu: number;
  /** 1-minute load average when the round started (the machine is shared). */
  readonly load: number;
  readonly ratio: number;
}

/** Milliseconds per trading day in each stage of a HistoricalRunner day. */
export interface StageBreakdown {
  readonly fsync: boolean;
  readonly fetch: number;
  readonly write: number;
  readonly checkpoint: number;
  /** Validation, de-duplication, quarantine and the runner's own bookkeeping (total minus the above). */
  readonly other: number;
  readonly total: number;
}

/** Latency figures of one stream (arrival → durable, ms). */
export interface LatencyFigures {
  readonly name: string;
  readonly expected: number;
  readonly stored: number;
  readonly quarantined: number;
  readonly flushes: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Median and p99 duration of one Parquet write call (all partitions of a flush), ms. */
  readonly writeP50: number;
  readonly writeP99: number;
  /** Times the WebSocket was paused because the consumer fell behind. */
  readonly pauses: number;
}

/** The streaming part's figures. */
export interface StreamingBenchResult {
  readonly session: string;
  readonly speed: number;
  readonly contracts: number;
  readonly flushSize: number;
  readonly flushMs: number;
  /** Session length divided by the speed; what the replay would take if nobody fell behind. */
  readonly nominalSeconds: number;
  readonly seconds: number;
  readonly timedOut: boolean;
  readonly streams: LatencyFigures[];
  readonly all: Pick<LatencyFigures, 'expected' | 'stored' | 'p50' | 'p99' | 'max'>;
  /** Rows read back from the Parquet datasets after the session. */
  readonly rowsOnDisk: number;
  readonly memory: {
    readonly atStart: MemoryReading;
    /** After a full GC, so garbage not yet collected does not pass for growth: once every stream has flushed once… */
    readonly first: MemoryReading;
    /** …when half the session's bars are durable… */
    readonly mid: MemoryReading;
    /** …and when the session is done. */
    readonly last: MemoryReading;
    /** Largest RSS of the periodic samples (no forced GC), MB, and how many were taken. */
    readonly maxRss: number;
    readonly samples: number;
  };
}

/** One `process.memoryUsage()` reading in MB. */
export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** ArrayBuffer backing stores and other memory V8 objects own outside the heap. */
  readonly external: number;
}

const MB = 2 ** 20;

/** A full, synchronous GC (the bench's own flag: `node --expose-gc` is not needed on the command line). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function memoryReading(gc?: () => void): MemoryReading {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MB, heapUsed: m.heapUsed / MB, heapTotal: m.heapTotal / MB, external: m.external / MB };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Nearest-rank percentile of an unsorted sample. */
function percentile(xs: ArrayLike<number>, p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function ingestionSettings(dataRoot: string, restBaseUrl: string): IngestionSettings {
  return {
    dataRoot,
    apiKey: API_KEY,
    restBaseUrl,
    requestsPerMinute: null,
    timeoutMs: 30_000,
    dedupCapacity: 100_000,
    extendedHours: false,
    options: { mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 },
  };
}

/**
 * Backfill throughput against the raw fetch + decode floor, measured in pairs (floor, then backfill
 * into a fresh data root) so machine load cancels in the per-round ratio.
 *
 * @example
 * ```ts
 * const r = await measureBackfill('http://127.0.0.1:8080', '/tmp/x', { days: 10, rounds: 2 });
 * console.log(r.backfillBarsPerSec, r.ratio);
 * ```
 */
export async function measureBackfill(restBaseUrl: string, scratch: string, opts: IngestBenchOptions = {}): Promise<BackfillBenchResult> {
  const days = opts.days ?? 60;
  const rounds = opts.rounds ?? 9;
  const start = opts.from ?? '2025-01-02';
  const tradingDays = nyseCalendar.tradingDays(start, '2027-12-31').slice(0, days);
  const from = tradingDays[0]!;
  const to = tradingDays.at(-1)!;
  let round = 0;
  const backfillOnce = async (first: string, last: string) => {
    const root = await mkdtemp(join(scratch, `backfill-${round++}-`));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const summary = await new Ingestion(ingestionSettings(root, restBaseUrl)).backfill('stocks', { ticker: 'SPY', from: first, to: last });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(process.cpuUsage(cpu0));
    await rm(root, { recursive: true, force: true });
    return { summary, seconds, cpu };
  };
  // The floor, one sample: the sources bench's raw side (fetch + JSON.parse of the same days, page
  // size 5000, pages followed in order), timed the same way as one backfill.
  const floorOnce = async () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let url: string | undefined = `${restBaseUrl}/v2/aggs/ticker/SPY/range/1/minute/${from}/${to}?adjusted=true&sort=asc&limit=5000&apiKey=${API_KEY}`;
    let n = 0;
    while (url) {
      const body = JSON.parse(await (await fetch(url)).text()) as { results?: unknown[]; next_url?: string };
      n += body.results?.length ?? 0;
      url = body.next_url ? `${body.next_url}&apiKey=${API_KEY}` : undefined;
    }
    return { bars: n, seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(process.cpuUsage(cpu0)) };
  };
  // Warm-up: JIT, parquet-wasm instantiation, and the simulator generating (and caching) every day.
  await backfillOnce(from, to);
  await floorOnce();
  // The sources bench's floors (its own medians), for the informational rows.
  const floor = await measureSourcesThroughput({ days, from: start, rounds: 3, restBaseUrl, apiKey: API_KEY });
  const perDay = await measureSourcesThroughput({ days, from: start, rounds: 3, pageLimit: 390, restBaseUrl, apiKey: API_KEY });
  const rawRates: number[] = [];
  const rates: number[] = [];
  const ratios: number[] = [];
  const pairs: BackfillPair[] = [];
  let bars = 0;
  // The headline: single samples of each side, back to back, the order alternating round by round,
  // so both sides are measured alike (one sample each) and neither always runs first.
  for (let i = 0; i < rounds; i++) {
    const load = loadavg()[0]!;
    let f: Awaited<ReturnType<typeof floorOnce>>;
    let b: Awaited<ReturnType<typeof backfillOnce>>;
    if (i % 2 === 0) {
      f = await floorOnce();
      b = await backfillOnce(from, to);
    } else {
      b = await backfillOnce(from, to);
      f = await floorOnce();
    }
    if (b.summary.stored !== f.bars || b.summary.quarantined !== 0) {
      throw new Error(`bench: the backfill stored ${b.summary.stored} bars (quarantined ${b.summary.quarantined}); the wire has ${f.bars}`);
    }
    bars = f.bars;
    const rate = b.summary.stored / b.seconds;
    rawRates.push(f.bars / f.seconds);
    rates.push(rate);
    ratios.push(rate / (f.bars / f.seconds));
    pairs.push({ floorWall: f.seconds, floorCpu: f.cpu, backfillWall: b.seconds, backfillCpu: b.cpu, load, ratio: rate / (f.bars / f.seconds) });
  }
  const ratioPerDay = median(rates) / perDay.rawBarsPerSec;
  const stages = [await measureStages(restBaseUrl, scratch, from, to, true), await measureStages(restBaseUrl, scratch, from, to, false)];
  let all: BackfillBenchResult['all'];
  const allDays = opts.allDays ?? 5;
  if (allDays > 0) {
    const root = await mkdtemp(join(scratch, 'backfill-all-'));
    const t0 = performance.now();
    const s = await new Ingestion(ingestionSettings(root, restBaseUrl)).backfillAll({
      stockTicker: 'SPY',
      indexTicker: 'I:VIX',
      newsTickers: ['SPY'],
      from,
      to: tradingDays[Math.min(allDays, tradingDays.length) - 1]!,
    });
    const seconds = (performance.now() - t0) / 1000;
    await rm(root, { recursive: true, force: true });
    const byDataset = Object.fromEntries(Object.entries(s.byDataset).map(([k, c]) => [k, c.stored]));
    all = { days: Math.min(allDays, tradingDays.length), records: s.stored, byDataset, seconds, recordsPerSec: s.stored / seconds };
  }
  return {
    days,
    bars,
    rounds,
    rawFloorBarsPerSec: median(rawRates),
    sourcesFloorBarsPerSec: floor.rawBarsPerSec,
    rawPerDayBarsPerSec: perDay.rawBarsPerSec,
    adapterBarsPerSec: floor.adapterBarsPerSec,
    backfillBarsPerSec: median(rates),
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    ratioPerDay,
    pairs,
    stages,
    ...(all ? { all } : {}),
  };
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** What the three streams have in common (StockBar, IndexBar, OptionBar). */
type AnyBar = { timestamp: number; ingestedAt: number; ticker: string };

/**
 * One SPY backfill through a HistoricalRunner assembled from the same public parts as `Ingestion`
 * (EquityClient, validatorFor, Deduplicator, Quarantine, ParquetDataset, CheckpointStore), with
 * pass-through timers on the fetch, the Parquet write and the checkpoint.
 */
async function measureStages(restBaseUrl: string, scratch: string, from: string, to: string, fsync: boolean): Promise<StageBreakdown> {
  const root = await mkdtemp(join(scratch, `stages-${fsync}-`));
  const equities = new EquityClient(new MassiveRest({ apiKey: API_KEY, restBaseUrl }));
  const dataset = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, fsync });
  const checkpoints = new CheckpointStore({ dir: join(root, 'checkpoints'), fsync });
  const t = { fetch: 0, write: 0, checkpoint: 0 };
  const timed = async <T>(k: keyof typeof t, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      t[k] += performance.now() - t0;
    }
  };
  const runner = new HistoricalRunner<StockBar>({
    job: 'bench:stocks',
    dataset: Dataset.STOCK_BARS,
    fetchDay: (ticker, date, signal) => timed('fetch', () => equities.minuteBars(ticker, date, date, signal)),
    // As Ingestion.stockRunner: ten days per request, stored and checkpointed together.
    fetchRange: (ticker, first, last, signal) => timed('fetch', () => equities.minuteBars(ticker, first, last, signal)),
    dayOf: (b) => nyDate(b.timestamp),
    validator: validatorFor(Dataset.STOCK_BARS, { session: {} }),
    quarantine: new Quarantine({ root }),
    dedup: new Deduplicator<StockBar>(recordKeyFor(Dataset.STOCK_BARS), { capacity: 100_000 }),
    sink: { write: (records) => timed('write', () => dataset.write(records)), writeBatches: (batches) => timed('write', () => dataset.writeBatches(batches)), writeBatchesSettled: (batches) => timed('write', () => dataset.writeBatchesSettled(batches)), seal: (t, d) => dataset.seal(t, d) },
    checkpoints: { isComplete: (j, tk, d) => checkpoints.isComplete(j, tk, d), get: (j, tk, d) => checkpoints.get(j, tk, d), markComplete: (j, tk, d, meta) => timed('checkpoint', () => checkpoints.markComplete(j, tk, d, meta)), markCompleteMany: (j, tk, entries) => timed('checkpoint', () => checkpoints.markCompleteMany(j, tk, entries)) },
    calendar: nyseCalendar,
  });
  const t0 = performance.now();
  const summary = await runner.run({ ticker: 'SPY', from, to });
  const total = performance.now() - t0;
  await rm(root, { recursive: true, force: true });
  const perDay = (ms: number) => ms / summary.days;
  return { fsync, fetch: perDay(t.fetch), write: perDay(t.write), checkpoint: perDay(t.checkpoint), other: perDay(total - t.fetch - t.write - t.checkpoint), total: perDay(total) };
}

interface StreamPlan<R extends { timestamp: number; ingestedAt: number }> {
  readonly name: string;
  readonly dataset: Dataset;
  readonly spec: DatasetSpec;
  readonly stream: MarketStream<R & { ticker: string }>;
  readonly expected: number;
}

/**
 * Streams a full simulated session of SPY, I:VIX and `contracts` option contracts through three
 * StreamingRunners into Parquet, recording arrival → durable latency per bar and the RSS.
 *
 * @example
 * ```ts
 * const r = await measureStreaming('ws://127.0.0.1:8080', '/tmp/x', { speed: 600, contracts: 100 });
 * console.log(r.all.p99, r.rssMb.first, r.rssMb.last);
 * ```
 */
export async function measureStreaming(wsUrl: string, scratch: string, opts: IngestBenchOptions = {}): Promise<StreamingBenchResult> {
  const session = opts.session ?? '2025-03-04';
  const speed = opts.speed ?? 600;
  const nContracts = opts.contracts ?? 100;
  const flushSize = opts.flushSize ?? 500;
  const flushMs = opts.flushMs ?? 1000;
  const fullGc = exposeGc();

  // The same seeded market as the simulator's: which contracts to subscribe to, and how many bars the
  // replay will send, so "every bar stored" is checked against ground truth.
  let market: SyntheticMarket | undefined = new SyntheticMarket({ seed: SEED });
  const spy = market.stockBars('SPY', session);
  if (spy.length === 0) throw new Error(`bench: ${session} is not a trading day`);
  const minutes = new Set(spy.map((b) => b.t));
  const open = spy[0]!.o;
  const contracts = market
    .optionContracts(session)
    .sort((a, b) => Math.abs(a.strike - open) - Math.abs(b.strike - open) || (a.ticker < b.ticker ? -1 : 1))
    .slice(0, nContracts);
  const optionBars = contracts.reduce((n, c) => n + market!.optionBars(c.ticker, session).filter((b) => minutes.has(b.t)).length, 0);
  const vixBars = market.indexBars('I:VIX', session).length;
  market = undefined; // let it go before the first RSS reading
  const atStart = memoryReading(fullGc);

  const streamOpts = { apiKey: API_KEY, wsBaseUrl: wsUrl, stallTimeoutMs: null, reconnect: { maxAttempts: 5, initialDelayMs: 10, backoffBase: 2, maxDelayMs: 200, jitter: 0 } };
  const plans = [
    { name: 'SPY', dataset: Dataset.STOCK_BARS, spec: rawDatasetSpecs.stocks, stream: createStockStream({ ...streamOpts, subscriptions: ['AM.SPY'] }), expected: spy.length } satisfies StreamPlan<StockBar>,
    { name: 'I:VIX', dataset: Dataset.INDEX_BARS, spec: rawDatasetSpecs.indices, stream: createIndexStream({ ...streamOpts, subscriptions: ['AM.I:VIX'] }), expected: vixBars } satisfies StreamPlan<IndexBar>,
    {
      name: `options (${contracts.length})`,
      dataset: Dataset.OPTION_BARS,
      spec: rawDatasetSpecs.options,
      stream: createOptionStream({ ...streamOpts, subscriptions: contracts.map((c) => `AM.${c.ticker}`) }),
      expected: optionBars,
    } satisfies StreamPlan<OptionBar>,
  ] as StreamPlan<AnyBar>[];

  const root = await mkdtemp(join(scratch, 'stream-'));
  const quarantine = new Quarantine({ root });
  let maxRss = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss / MB);
    samples++;
  }, 250);
  const expectedAll = plans.reduce((n, p) => n + p.expected, 0);
  const storedBy = plans.map(() => 0);
  const flushedOnce = new Set<number>();
  let first: MemoryReading | undefined;
  let mid: MemoryReading | undefined;
  const nominalSeconds = speed > 0 ? (spy.length * 60) / speed : 0;
  let timedOut = false;
  const controllers = plans.map(() => new AbortController());
  // A guard, not a pacing: a stream that never completes is reported, not waited on forever.
  const guard = setTimeout(() => {
    timedOut = true;
    controllers.forEach((c) => c.abort());
  }, (nominalSeconds + 90) * 1000);
  const t0 = performance.now();
  const datasets = plans.map((p) => new ParquetDataset<AnyBar>({ root, spec: p.spec }));
  const results = await Promise.all(
    plans.map(async (p, i) => {
      const latencies = new Float64Array(p.expected);
      let n = 0;
      const writeMs: number[] = [];
      const dataset = datasets[i]!;
      const runner = new StreamingRunner<AnyBar>({
        name: p.name,
        dataset: p.dataset,
        validator: validatorFor(p.dataset, { session: {} }),
        quarantine,
        // Timed pass-through to the real dataset: how much of the latency is the Parquet write.
        sink: {
          write: async (records) => {
            const w0 = performance.now();
            const r = await dataset.write(records);
            writeMs.push(performance.now() - w0);
            return r;
          },
        },
        dedup: new Deduplicator<AnyBar>(recordKeyFor(p.dataset), { capacity: 100_000 }),
        flushSize,
        flushIntervalMs: flushMs,
        onFlushed: (_bars, lat) => {
          for (const l of lat) if (n < latencies.length) latencies[n++] = l;
          storedBy[i] = runner.counts().stored;
          flushedOnce.add(i);
          // Taken after the latencies above, so the forced GC's pause is not in this flush's figures.
          if (!first && flushedOnce.size === plans.length) first = memoryReading(fullGc);
          if (first && !mid && storedBy.reduce((a, b) => a + b, 0) >= expectedAll / 2) mid = memoryReading(fullGc);
          if (storedBy[i]! >= p.expected) controllers[i]!.abort();
        },
      });
      const summary: StreamingSummary = await runner.run(p.stream as StreamingSource<AnyBar>, controllers[i]!.signal);
      const lat = latencies.subarray(0, n);
      return {
        lat,
        figures: {
          name: p.name,
          expected: p.expected,
          stored: summary.stored,
          quarantined: summary.quarantined,
          flushes: summary.flushes,
          p50: percentile(lat, 50),
          p99: percentile(lat, 99),
          max: percentile(lat, 100),
          writeP50: percentile(writeMs, 50),
          writeP99: percentile(writeMs, 99),
          pauses: p.stream.stats.pauses,
        } satisfies LatencyFigures,
      };
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearTimeout(guard);
  clearInterval(sampler);
  const last = memoryReading(fullGc);
  maxRss = Math.max(maxRss, last.rss);
  let rowsOnDisk = 0;
  for (const d of datasets) rowsOnDisk += (await d.readAll()).length;
  await rm(root, { recursive: true, force: true });

  const allLat = new Float64Array(results.reduce((n, r) => n + r.lat.length, 0));
  results.reduce((off, r) => (allLat.set(r.lat, off), off + r.lat.length), 0);
  const none: MemoryReading = { rss: NaN, heapUsed: NaN, heapTotal: NaN, external: NaN };
  return {
    session,
    speed,
    contracts: contracts.length,
    flushSize,
    flushMs,
    nominalSeconds,
    seconds,
    timedOut,
    streams: results.map((r) => r.figures),
    all: {
      expected: expectedAll,
      stored: results.reduce((n, r) => n + r.figures.stored, 0),
      p50: percentile(allLat, 50),
      p99: percentile(allLat, 99),
      max: percentile(allLat, 100),
    },
    rowsOnDisk,
    memory: { atStart, first: first ?? none, mid: mid ?? none, last, maxRss, samples },
  };
}

function print(b: BackfillBenchResult | undefined, s: StreamingBenchResult | undefined): void {
  const n = (x: number, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : 'n/a');
  const row = (label: string, value: string, note = '') => console.log(`  ${label.padEnd(52)} ${value.padStart(14)}  ${note}`);
  console.log('ingest bench: simulated data (exchange-sim seed 42 in a child process, loopback, limits and faults off)');
  if (b) {
    console.log(`\nBackfill: SPY minute bars, ${b.days} trading days = ${n(b.bars)} bars, median of ${b.rounds} paired rounds`);
    row('raw fetch + JSON.parse floor (page 5000)', `${n(b.rawFloorBarsPerSec)} bars/s`, `paired samples; sources bench's own median ${n(b.sourcesFloorBarsPerSec)}`);
    row('raw fetch + JSON.parse, one page per day (limit 390)', `${n(b.rawPerDayBarsPerSec)} bars/s`, 'the backfill requests per day');
    row('EquityClient fetch + decode (page 5000)', `${n(b.adapterBarsPerSec)} bars/s`, 'sources bench adapter side');
    row('backfill: validated + de-duplicated + Parquet (fsync)', `${n(b.backfillBarsPerSec)} bars/s`, '+ a checkpoint per day');
    row('  ratio backfill / raw floor', n(b.ratio, 3), `goal >= ${BACKFILL_GOAL}; rounds ${n(b.ratioRange[0], 3)}..${n(b.ratioRange[1], 3)}`);
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const ps = b.pairs;
    row('  floor    wall / CPU (median)', `${n(med(ps.map((p) => p.floorWall)), 3)} s`, `CPU ${n(med(ps.map((p) => p.floorCpu)), 3)} s (this process; the simulator's is in its own)`);
    row('  backfill wall / CPU (median)', `${n(med(ps.map((p) => p.backfillWall)), 3)} s`, `CPU ${n(med(ps.map((p) => p.backfillCpu)), 3)} s`);
    row('  load average (1 min) over the rounds', `${n(Math.min(...ps.map((p) => p.load)), 1)}..${n(Math.max(...ps.map((p) => p.load)), 1)}`, '2 cores, shared');
    for (const [i, p] of ps.entries()) {
      row(`    round ${i + 1} (${i % 2 === 0 ? 'floor first' : 'backfill first'})`, n(p.ratio, 3), `floor ${n(p.floorWall, 3)} s wall ${n(p.floorCpu, 3)} s CPU, backfill ${n(p.backfillWall, 3)} s wall ${n(p.backfillCpu, 3)} s CPU, load ${n(p.load, 1)}`);
    }
    row('  ratio backfill / raw per-day floor', n(b.ratioPerDay, 3));
    for (const st of b.stages) {
      row(`  per day ${st.fsync ? '(fsync on, as shipped)' : '(fsync off, for comparison)'}`, `${n(st.total, 1)} ms`, `fetch ${n(st.fetch, 1)} + write ${n(st.write, 1)} + checkpoint ${n(st.checkpoint, 1)} + other ${n(st.other, 1)} ms`);
    }
    if (b.all) {
      const parts = Object.entries(b.all.byDataset).map(([k, v]) => `${k} ${n(v)}`).join(', ');
      row(`backfillAll SPY+VIX+news+options, ${b.all.days} days`, `${n(b.all.recordsPerSec)} rec/s`, `${n(b.all.records)} records in ${n(b.all.seconds, 2)} s (${parts})`);
    }
  }
  if (s) {
    console.log(`\nStreaming: session ${s.session} replayed at ${s.speed}x (nominal ${n(s.nominalSeconds, 1)} s, took ${n(s.seconds, 1)} s${s.timedOut ? ', TIMED OUT' : ''}), flush ${s.flushSize} bars / ${s.flushMs} ms`);
    console.log(`  ${'stream'.padEnd(16)} ${'stored'.padStart(13)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'flushes'.padStart(8)} ${'write p50/p99 ms'.padStart(17)} ${'ws pauses'.padStart(9)}`);
    for (const f of s.streams) {
      console.log(
        `  ${f.name.padEnd(16)} ${`${n(f.stored)}/${n(f.expected)}`.padStart(13)} ${n(f.p50, 1).padStart(8)} ${n(f.p99, 1).padStart(8)} ${n(f.max, 1).padStart(8)} ${n(f.flushes).padStart(8)} ${`${n(f.writeP50, 1)}/${n(f.writeP99, 1)}`.padStart(17)} ${n(f.pauses).padStart(9)}`,
      );
    }
    console.log(`  ${'all'.padEnd(16)} ${`${n(s.all.stored)}/${n(s.all.expected)}`.padStart(13)} ${n(s.all.p50, 1).padStart(8)} ${n(s.all.p99, 1).padStart(8)} ${n(s.all.max, 1).padStart(8)}`);
    row('rows read back from Parquet', n(s.rowsOnDisk));
    const mem = (label: string, m: MemoryReading) =>
      row(label, `${n(m.rss, 1)} MB`, `heap used/total ${n(m.heapUsed, 1)}/${n(m.heapTotal, 1)} MB, external ${n(m.external, 1)} MB`);
    mem('RSS before streaming (after GC)', s.memory.atStart);
    mem('RSS first reading: every stream flushed once (GC)', s.memory.first);
    mem('RSS at half the bars durable (GC)', s.memory.mid);
    mem('RSS last reading: session done (GC)', s.memory.last);
    row('RSS max of periodic samples (no forced GC)', `${n(s.memory.maxRss, 1)} MB`, `${s.memory.samples} samples every 250 ms`);
  }
  console.log('\nVerdicts:');
  if (b) console.log(`  [${b.ratio >= BACKFILL_GOAL ? 'PASS' : 'FAIL'}] backfill / raw fetch + decode floor = ${n(b.ratio, 3)} (goal >= ${BACKFILL_GOAL})`);
  if (s) {
    const growth = s.memory.last.rss / s.memory.first.rss;
    console.log(`  [${growth <= RSS_FLAT_LIMIT ? 'PASS' : 'FAIL'}] RSS flat over the session: last/first = ${n(growth, 3)} (${n(s.memory.first.rss, 1)} -> ${n(s.memory.last.rss, 1)} MB; limit ${RSS_FLAT_LIMIT})`);
    const complete = s.all.stored === s.all.expected && s.rowsOnDisk === s.all.expected;
    console.log(`  [${complete ? 'PASS' : 'FAIL'}] every replayed bar durable: ${n(s.all.stored)} stored, ${n(s.rowsOnDisk)} on disk, of ${n(s.all.expected)}`);
    console.log(`  [info] arrival -> durable p50 ${n(s.all.p50, 1)} ms, p99 ${n(s.all.p99, 1)} ms at ${s.speed}x with ${s.flushMs} ms time flushes (no target in the issue)`);
  }
}

const arg = (name: string): string | undefined => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : undefined;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  const opts: IngestBenchOptions = {
    days: num('days'),
    from: arg('from'),
    rounds: num('rounds'),
    allDays: num('all-days'),
    speed: num('speed'),
    session: arg('session'),
    contracts: num('contracts'),
    flushSize: num('flush-size'),
    flushMs: num('flush-ms'),
  };
  const only = arg('only'); // 'backfill' | 'streaming'
  const scratch = await mkdtemp(join(tmpdir(), 'spyglass-bench-ingest-'));
  const days = opts.days ?? 60;
  const sim = await startSimProcess({ seed: SEED, speed: opts.speed ?? 600, sessionDate: opts.session ?? '2025-03-04', cacheDays: Math.max(64, days + 8) });
  const cleanup = () => {
    if (sim.child.exitCode === null) sim.child.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    // Streaming first: its RSS readings then start from a process the backfill has not inflated.
    const s = only === 'backfill' ? undefined : await measureStreaming(sim.wsUrl, scratch, opts);
    const b = only === 'streaming' ? undefined : await measureBackfill(sim.url, scratch, opts);
    if (process.argv.includes('--json')) console.log(JSON.stringify({ backfill: b, streaming: s }));
    else print(b, s);
    const med = (xs: number[]) => (xs.length ? [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]! : null);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        backfillOfFloor: b?.ratio ?? null,
        backfillOfFloorMin: b?.ratioRange[0] ?? null,
        backfillOfFloorMax: b?.ratioRange[1] ?? null,
        backfillOfPerDayFloor: b?.ratioPerDay ?? null,
        backfillBarsPerSec: b?.backfillBarsPerSec ?? null,
        backfillWallSeconds: b ? med(b.pairs.map((p) => p.backfillWall)) : null,
        backfillCpuSeconds: b ? med(b.pairs.map((p) => p.backfillCpu)) : null,
        floorWallSeconds: b ? med(b.pairs.map((p) => p.floorWall)) : null,
        floorCpuSeconds: b ? med(b.pairs.map((p) => p.floorCpu)) : null,
        loadAvg1: loadavg()[0],
      }),
    );
  } finally {
    await sim.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
