// Live signal benchmark: SPY + VIX + the whole 0DTE/1DTE chain within a strike band (≥ 250
// contracts) replayed over the exchange simulator's WebSocket clusters for a whole session, into
// the in-memory LiveSignalEngine (incremental features, one batch prediction per minute's burst,
// SHAP for flagged rows) while StreamingRunners write the same bars to Parquet. Prints arrival →
// probability and arrival → explained signal p50/p99/max, the same for the first and the last hour
// (their ratio shows whether cost grows with the day), engine CPU per bar, RSS first → last after
// GC, and the arrival → durable latency of the Parquet path as the same-run baseline.
// Simulator figures on this machine: never market results.
//
// Then the engine alone replays the stored session minute by minute (no sockets, no writer): its
// burst → probability time and CPU per bar, the floor the end-to-end figures would reach on an idle
// machine. At 600× a 258-contract minute arrives every 100 ms: on a machine shared by several jobs
// the process gets too little CPU and a backlog builds (seconds of queueing, not per-bar cost);
// compare with --speed 60 or 120, where it keeps up.
//
// Rounds alternate the Parquet writes in a ParquetWriterThread (the live path) with the same writes
// on the scoring event loop (the baseline), each a whole-session replay into a fresh data root;
// figures are reported as ranges over the rounds of each side, CPU seconds beside wall seconds.
//
//   npm run bench:live -- [--rounds 4] [--days 10] [--band 35] [--speed 600] [--flush-ms 1000] [--explain-budget-ms 3] [--engine-passes 4] [--emit-every 16] [--write-slice 256] [--thread-only]
//
// Each round also prints the scoring thread's GC pauses (perf_hooks): a pause holds every burst that
// arrives during it, so on an idle core they are what is left of the tail.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, nyseCalendar, type IndexBar, type OptionBar, type StockBar } from '@spyglass/core';
import { SyntheticMarket } from '@spyglass/exchange-sim';
import { Ingestion, LiveSignalEngine, ParquetWriterThread, SignalModel, StreamingRunner, ingestionSettings, readStoredSession, runMainJob, tapStream, writerThreadSinks, type StreamingSource } from '@spyglass/pipeline';
import { Deduplicator, recordKeyFor, validatorFor } from '@spyglass/processing';
import { rawDatasetSpecs } from '@spyglass/storage';
import { createIndexStream, createOptionStream, createStockStream } from '@spyglass/sources';
import { startSimProcess } from '../ingest/start-sim-process.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const days = arg('days', 10);
const band = arg('band', 35);
const speed = arg('speed', 600);
const flushMs = arg('flush-ms', 1000);
// The engine's SHAP time slice per scheduled step (Infinity: every flagged row before the next burst).
const explainBudgetMs = arg('explain-budget-ms', 3);
// Option bars per emitted chunk of a burst (the engine's emitEvery), and records per sink write of a flush.
const emitEvery = arg('emit-every', 16);
const writeSlice = arg('write-slice', 256);
process.env.OMP_WAIT_POLICY ??= 'passive';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const pct = (xs: number[], p: number) => {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};
/**
 * This thread's time on a CPU and waiting runnable for one (ms, Linux /proc/thread-self/schedstat):
 * on a shared machine the wait says how much of a latency is queueing for a core, not work. The
 * kernel updates it at scheduler ticks, so it is for totals over a round, not for one burst.
 */
const schedstat = (): { runMs: number; waitMs: number } => {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { runMs: run! / 1e6, waitMs: wait! / 1e6 };
  } catch {
    return { runMs: Number.NaN, waitMs: Number.NaN };
  }
};
const max = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY));

const liveDay = '2025-03-17';
const rounds = Math.max(2, arg('rounds', 4));
// --thread-only: every round on the live path (for profiling it; no same-run baseline then).
const threadOnly = process.argv.includes('--thread-only');
const STARTUP_MINUTES = 5;
const fmt = (x: number) => x.toFixed(2).padStart(8);

type Mode = 'thread' | 'event-loop';
interface Phase {
  probability: number[];
  ready: number[];
  signal: number[];
}
interface RoundResult {
  mode: Mode;
  steady: Phase;
  startup: Phase;
  first: number[];
  last: number[];
  /** Arrival → durable of option bars after the start-up minutes (those are in durableStartup). */
  durable: number[];
  durableStartup: number[];
  optionBars: number;
  wallSeconds: number;
  cpuSeconds: number;
  engineUsPerBar: number;
  /** The scoring (main) thread's CPU seconds and seconds spent runnable but waiting for a core. */
  mainCpuSeconds: number;
  mainWaitSeconds: number;
  rssFirst: number;
  rssLast: number;
  /** The scoring thread's GC pauses during the replay (ms): a pause holds every burst that arrives in it. */
  gcPauses: number[];
  /** GC pauses by perf_hooks kind (1 minor, 2 major, 4 incremental, 8 weak callbacks). */
  gcByKind: Record<number, number>;
  counts: ReturnType<LiveSignalEngine['counts']>;
}
const emptyRound = (mode: Mode): RoundResult => ({
  mode,
  steady: { probability: [], ready: [], signal: [] },
  startup: { probability: [], ready: [], signal: [] },
  first: [],
  last: [],
  durable: [],
  durableStartup: [],
  optionBars: 0,
  wallSeconds: 0,
  cpuSeconds: 0,
  engineUsPerBar: 0,
  mainCpuSeconds: 0,
  mainWaitSeconds: 0,
  rssFirst: 0,
  rssLast: 0,
  gcPauses: [],
  gcByKind: {},
  counts: { scored: 0, signals: 0, late: 0, duplicate: 0, outsideSession: 0, noUnderlying: 0, invalid: 0, bursts: 0 },
});
// The simulator runs in its own process (the ingest benchmark's sim-process.ts), as a remote
// exchange would: its CPU and memory stay out of the figures.
const sim = await startSimProcess({ seed: 42, speed, sessionDate: liveDay });
const market = new SyntheticMarket({ seed: 42 });
const root = await mkdtemp(join(tmpdir(), 'spyglass-live-bench-'));
try {
  let from = nyseCalendar.previousTradingDay(liveDay);
  for (let i = 1; i < days; i++) from = nyseCalendar.previousTradingDay(from);
  const to = nyseCalendar.previousTradingDay(liveDay);
  const config = loadConfig({
    dir: fileURLToPath(new URL('../../../config', import.meta.url)),
    env: {},
    overrides: {
      settings: { dataRoot: root, logLevel: 'silent' },
      sources: { massive: { apiKey: 'bench', rest: { baseUrl: sim.url }, rateLimit: { requestsPerMinute: null } }, options: { strikesPerSide: 4 } },
      ml: { xgboost: { numRounds: 100, nthread: 1 } },
    },
  });
  const t0 = performance.now();
  const job = await runMainJob({ config, from, to, dataSource: 'exchange simulator, seed 42 (benchmark)' });
  console.log(`setup: ${days} days backfilled and a model trained in ${((performance.now() - t0) / 1000).toFixed(1)} s (test ROC-AUC ${job.model.test.rocAuc.toFixed(3)})`);
  const ingestion = new Ingestion(ingestionSettings(config));
  // News arrives by REST polling in production; here the day's articles are fetched up front and
  // count only from their publication minute on (the engine's as-of rule), as the batch view does.
  await ingestion.backfill('news', { ticker: 'SPY', from: liveDay, to: liveDay });
  const session = nyseCalendar.session(liveDay)!;
  const open = market.stockBars('SPY', liveDay)[0]!.o;
  const expirations = market.listedExpirations(liveDay).slice(0, 2);
  const chain = market.optionContracts(liveDay).filter((c) => expirations.includes(c.expiration) && Math.abs(c.strike - open) <= band);

  const c = config.pipeline.consolidation;
  const features = { riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield, newsLookbackMinutes: c.newsLookbackMinutes };
  const model = SignalModel.load(job.model.modelDir);
  // the same model scored by libxgboost: the engine-alone baseline (bit-equal probabilities)
  const nativeModel = SignalModel.load(job.model.modelDir, { predictor: 'libxgboost' });
  const warmNews = (await readStoredSession({ root, date: liveDay, newsLookbackMinutes: features.newsLookbackMinutes })).news;
  const baseSettings = ingestionSettings(config);
  const hour = (t: number) => (t < session.open + 3_600_000 ? 'first' : t >= session.close - 3_600_000 ? 'last' : 'mid');

  /**
   * One whole-session replay. `thread`: the Parquet writes run in a ParquetWriterThread;
   * `event-loop` (the baseline): the same runners write on the scoring event loop, as before.
   */
  async function round(mode: Mode, index: number): Promise<RoundResult> {
    const roundRoot = join(root, `round-${index}`);
    const ingestion = new Ingestion({ ...baseSettings, dataRoot: roundRoot });
    const writer = mode === 'thread' ? new ParquetWriterThread({ root: roundRoot, parquet: config.sinks.parquet }) : undefined;
    // As runLiveSignals does before its warm start: journals of a dead writer are merged first,
    // which also has the thread loaded before the first bar arrives.
    if (writer) for (const spec of [rawDatasetSpecs.stocks, rawDatasetSpecs.indices, rawDatasetSpecs.options]) await writer.recover(spec);
    const sinks = writer ? writerThreadSinks(writer) : ingestion.datasets;
    // Wall time inside the engine's flushes (synchronous, so it is this thread's time unless the OS
    // preempts it): process.cpuUsage() would also count the writer thread's CPU in `thread` rounds.
    let engineUs = 0;
    const engine = new LiveSignalEngine({
      model,
      features,
      explainBudgetMs,
      emitEvery,
      schedule: (run) =>
        void setImmediate(() => {
          const t0 = performance.now();
          run();
          engineUs += (performance.now() - t0) * 1000;
        }),
    });
    engine.warm({ news: warmNews });
    const r = emptyRound(mode);
    // When each minute's SPY bar arrived: an option bar can only be scored once its minute's
    // underlying bar is in (the sockets run separately), so "ready → probability" is the engine's own share.
    const spyArrival = new Map<number, number>();
    let firstMinute = Number.NaN;
    let bursts = 0;
    let rssFirst = 0;
    engine.onBurst((b) => {
      bursts++;
      for (let i = 0; i < b.arrivedAt.length; i++) {
        const ms = b.probabilityAt - b.arrivedAt[i]!;
        const t = b.timestamps[i]!;
        if (Number.isNaN(firstMinute)) firstMinute = t;
        // Start-up: the first minutes of a connection (sockets subscribing, JIT, the writer thread
        // starting) are measured apart from the steady state.
        const phase = t < firstMinute + STARTUP_MINUTES * 60_000 ? r.startup : r.steady;
        phase.probability.push(ms);
        phase.ready.push(b.probabilityAt - Math.max(b.arrivedAt[i]!, spyArrival.get(t) ?? 0));
        if (hour(t) !== 'mid') r[hour(t) as 'first' | 'last'].push(ms);
      }
      if (bursts === 5) {
        gc();
        rssFirst = process.memoryUsage().rss;
      }
    });
    engine.onSignal((s) => (s.timestamp < firstMinute + STARTUP_MINUTES * 60_000 ? r.startup : r.steady).signal.push(s.signalAt - s.arrivedAt));
    const streamOpts = (subscriptions: string[]) => ({ apiKey: 'bench', wsBaseUrl: sim.wsUrl, subscriptions, stallTimeoutMs: null, queueCapacity: 100_000 });
    const runner = <R extends { timestamp: number; ingestedAt: number }>(dataset: 'stocks' | 'indices' | 'options', onLatency?: (bars: readonly R[], ms: readonly number[]) => void) =>
      new StreamingRunner<R>({
        name: dataset,
        dataset,
        validator: validatorFor(dataset),
        quarantine: ingestion.quarantine,
        sink: sinks[dataset] as never,
        dedup: new Deduplicator<R>(recordKeyFor(dataset) as never, { capacity: 100_000 }),
        flushSize: 50_000,
        flushIntervalMs: flushMs,
        // The live path hands a flush to the writer thread in slices; the baseline writes as before
        // (on this loop each slice would be a partition rewrite of its own).
        ...(writer ? { writeSlice } : {}),
        ...(onLatency ? { onFlushed: (bars: readonly R[], lat: readonly number[]) => onLatency(bars, lat) } : {}),
      });
    // The simulator's feed stays open after the session: stop once the close has passed and the
    // chain is quiet, by closing the sockets (the runners then drain what the engine saw).
    const sources: Array<StreamingSource<unknown>> = [];
    let lastArrival = Date.now();
    let sawClose = false;
    const quiet = setInterval(() => {
      if (sawClose && Date.now() - lastArrival > 1000) for (const src of sources.splice(0)) void src.close();
    }, 100);
    const run = <R extends { timestamp: number; ingestedAt: number }>(rn: StreamingRunner<R>, source: StreamingSource<R>, add: (bar: R) => void) => {
      sources.push(source as StreamingSource<unknown>);
      return rn.run(tapStream(source, (ev) => ev.type === 'bar' && add(ev.bar)));
    };
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        r.gcPauses.push(e.duration);
        const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
        r.gcByKind[kind] = (r.gcByKind[kind] ?? 0) + 1;
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const cpu0 = process.cpuUsage();
    const s0 = schedstat();
    const r0 = performance.now();
    await Promise.all([
      run(runner<StockBar>('stocks'), createStockStream(streamOpts(['AM.SPY'])) as unknown as StreamingSource<StockBar>, (b) => {
        spyArrival.set(b.timestamp, b.ingestedAt);
        engine.addStockBar(b);
        if (b.timestamp >= session.close - 60_000) sawClose = true;
      }),
      run(runner<IndexBar>('indices'), createIndexStream(streamOpts(['AM.I:VIX'])) as unknown as StreamingSource<IndexBar>, (b) => engine.addIndexBar(b)),
      run(runner<OptionBar>('options', (bars, lat) => lat.forEach((ms, i) => (bars[i]!.timestamp < firstMinute + STARTUP_MINUTES * 60_000 ? r.durableStartup : r.durable).push(ms))), createOptionStream(streamOpts(chain.map((k) => `AM.${k.ticker}`))) as unknown as StreamingSource<OptionBar>, (b) => {
        lastArrival = Date.now();
        r.optionBars++;
        engine.addOptionBar(b);
      }),
    ]);
    clearInterval(quiet);
    gcObserver.disconnect();
    await writer?.close();
    r.wallSeconds = (performance.now() - r0) / 1000;
    const s1 = schedstat();
    r.mainCpuSeconds = (s1.runMs - s0.runMs) / 1000;
    r.mainWaitSeconds = (s1.waitMs - s0.waitMs) / 1000;
    const cpu = process.cpuUsage(cpu0);
    r.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    engine.flush();
    engine.close();
    gc();
    r.rssFirst = rssFirst;
    r.rssLast = process.memoryUsage().rss;
    r.counts = engine.counts();
    r.engineUsPerBar = engineUs / Math.max(1, r.counts.scored);
    return r;
  }

  const results: RoundResult[] = [];
  // Alternating sides in ABBA order (baseline, thread, thread, baseline, …), so neither the process
  // warming up in round 1 nor a load change on the shared machine favours one side.
  for (let i = 0; i < rounds; i++) {
    const mode: Mode = threadOnly || !(i % 4 === 0 || i % 4 === 3) ? 'thread' : 'event-loop';
    const load0 = loadavg()[0]!;
    const res = await round(mode, i);
    results.push(res);
    // The machine is shared: its 1-minute load average before and after says how much CPU the round could get.
    console.log(
      `round ${i + 1}/${rounds} ${mode.padEnd(10)} probability p50 ${fmt(pct(res.steady.probability, 50))} p99 ${fmt(pct(res.steady.probability, 99))}  GC pauses ${res.gcPauses.length} max ${max(res.gcPauses).toFixed(1)} total ${(res.gcPauses.reduce((x, y) => x + y, 0) / 1000).toFixed(2)} s ${JSON.stringify(res.gcByKind)} (${res.gcPauses.filter((x) => x > 5).length} over 5 ms)  signal p99 ${fmt(pct(res.steady.signal, 99))}  start-up p99 ${fmt(pct(res.startup.probability, 99))}  durable p99 ${fmt(pct(res.durable, 99))} ms  ${res.wallSeconds.toFixed(1)} s wall ${res.cpuSeconds.toFixed(1)} s CPU (${((res.cpuSeconds * 1e6) / Math.max(1, res.optionBars)).toFixed(0)} µs/bar; scoring thread ${res.mainCpuSeconds.toFixed(1)} s CPU, ${res.mainWaitSeconds.toFixed(1)} s waiting for a core)  load ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    );
  }

  /**
   * The engine alone, on the session the first round stored: each minute's VIX, SPY and option bars
   * handed over at once and flushed, with no sockets and no writer running. Burst → probabilities
   * (features of every bar, one batch prediction) is timed up to the burst listener, which runs
   * before SHAP; → explained up to the end of the flush. What arrival → probability would be if the
   * event loop were free when each minute's message arrived; its CPU per bar is the engine's own.
   */
  async function engineAlone(model: SignalModel): Promise<{ probability: number[]; explained: number[]; probabilityCpu: number[]; explainedCpu: number[]; cpuUsPerBar: number; bars: number; widest: number }> {
    const stored = await readStoredSession({ root: join(root, 'round-0'), date: liveDay, newsLookbackMinutes: features.newsLookbackMinutes });
    const engine = new LiveSignalEngine({ model, features, schedule: () => {} });
    engine.warm({ news: warmNews });
    const vix = new Map(stored.indices.map((b) => [b.timestamp, b]));
    const byMinute = new Map<number, OptionBar[]>();
    for (const b of stored.options) (byMinute.get(b.timestamp) ?? byMinute.set(b.timestamp, []).get(b.timestamp)!).push(b);
    let scoredAt = 0;
    let scoredCpu = { user: 0, system: 0 };
    engine.onBurst(() => {
      scoredAt = performance.now();
      scoredCpu = threadCpu();
    });
    const probability: number[] = [];
    const explained: number[] = [];
    // CPU time of each burst (no writer or socket works here; V8's GC helpers count too, so it is
    // an upper bound): what its latency would be with a core to itself, whatever the machine's
    // load. Not schedstat: a running thread's schedstat advances only at scheduler ticks.
    const probabilityCpu: number[] = [];
    const explainedCpu: number[] = [];
    const cpuMs = (a: { user: number; system: number }, b: { user: number; system: number }) => (b.user + b.system - a.user - a.system) / 1000;
    const threadCpu = () => process.cpuUsage();
    let widest = 0;
    gc();
    const cpu0 = process.cpuUsage();
    for (const spy of stored.stocks) {
      const v = vix.get(spy.timestamp);
      const options = byMinute.get(spy.timestamp) ?? [];
      const c0 = threadCpu();
      const t0 = performance.now();
      if (v) engine.addIndexBar(v);
      engine.addStockBar(spy);
      for (const b of options) engine.addOptionBar(b);
      const burst = engine.flush();
      const t1 = performance.now();
      const c1 = threadCpu();
      if (burst.tickers.length === 0) continue;
      widest = Math.max(widest, burst.tickers.length);
      probability.push(scoredAt - t0);
      explained.push(t1 - t0);
      probabilityCpu.push(cpuMs(c0, scoredCpu));
      explainedCpu.push(cpuMs(c0, c1));
    }
    const cpu = process.cpuUsage(cpu0);
    engine.close();
    return { probability, explained, probabilityCpu, explainedCpu, cpuUsPerBar: (cpu.user + cpu.system) / Math.max(1, engine.counts().scored), bars: engine.counts().scored, widest };
  }
  // Passes alternate the JavaScript tree walk (the live model) and libxgboost (ABBA ABBA...), same data.
  const alone: Array<Awaited<ReturnType<typeof engineAlone>>> = [];
  const aloneNative: Array<Awaited<ReturnType<typeof engineAlone>>> = [];
  const passes = arg('engine-passes', 4);
  for (let i = 0; i < passes; i++) {
    if (i % 4 === 0 || i % 4 === 3) alone.push(await engineAlone(model));
    else aloneNative.push(await engineAlone(nativeModel));
  }
  model.dispose();
  nativeModel.dispose();
  type Alone = (typeof alone)[number];
  for (const [label, runs] of [[`${model.predictor} tree walk`, alone], ['libxgboost (baseline)', aloneNative]] as const) {
    if (runs.length === 0) continue;
    const spread = (f: (a: Alone) => number) => `${fmt(Math.min(...runs.map(f)))} – ${fmt(Math.max(...runs.map(f)))}`;
    console.log(`engine alone, ${label} (${runs.length} passes over the stored session: ${runs[0]!.bars} bars, bursts of up to ${runs[0]!.widest} contracts; no sockets, no writer):`);
    console.log(`  burst → probabilities p50 / p99     ${spread((a) => pct(a.probability, 50))} / ${spread((a) => pct(a.probability, 99))} ms`);
    console.log(`  burst → explained signals p50 / p99 ${spread((a) => pct(a.explained, 50))} / ${spread((a) => pct(a.explained, 99))} ms`);
    console.log(`  burst → probabilities, CPU ms p50 / p99 ${spread((a) => pct(a.probabilityCpu, 50))} / ${spread((a) => pct(a.probabilityCpu, 99))} ms`);
    console.log(`  burst → explained, CPU ms p50 / p99     ${spread((a) => pct(a.explainedCpu, 50))} / ${spread((a) => pct(a.explainedCpu, 99))} ms`);
    console.log(`  CPU µs per bar (features, batch predict, SHAP of the flagged) ${spread((a) => a.cpuUsPerBar)}`);
  }
  const best = (runs: Alone[], f: (a: Alone) => number) => Math.min(...runs.map(f));
  console.log(
    `  tree walk ÷ libxgboost (best pass each): CPU µs/bar ${(best(alone, (a) => a.cpuUsPerBar) / best(aloneNative, (a) => a.cpuUsPerBar)).toFixed(2)}, burst → probabilities CPU p99 ${(best(alone, (a) => pct(a.probabilityCpu, 99)) / best(aloneNative, (a) => pct(a.probabilityCpu, 99))).toFixed(2)}`,
  );

  const side = (mode: Mode) => results.filter((x) => x.mode === mode);
  const range = (mode: Mode, f: (x: RoundResult) => number) => {
    const v = side(mode).map(f);
    return [Math.min(...v), Math.max(...v)] as const;
  };
  const median = (mode: Mode, f: (x: RoundResult) => number) => {
    const v = side(mode).map(f).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const show = (mode: Mode, label: string, f: (x: RoundResult) => number) => {
    const [lo, hi] = range(mode, f);
    return `${label.padEnd(34)} ${fmt(lo)} – ${fmt(hi)}`;
  };
  const last = results.find((x) => x.mode === 'thread')!;
  console.log(`replay: ${chain.length} contracts (0DTE+1DTE, strikes within ±$${band} of the open) on ${liveDay}, speed ${speed === 0 ? 'max' : `${speed}×`}, ${rounds} rounds in ABBA order: writes on the event loop (baseline) / writer thread; the simulator runs in its own process`);
  console.log(`bars per round: ${last.optionBars} option bars received, ${last.counts.scored} scored in ${last.counts.bursts} bursts, ${last.counts.signals} signals; late ${last.counts.late}, duplicate ${last.counts.duplicate}, no underlying ${last.counts.noUnderlying}`);
  for (const mode of ['thread', 'event-loop'] as const) {
    console.log(`${mode === 'thread' ? 'Parquet writes in a worker thread' : 'baseline: Parquet writes on the scoring event loop'} — ranges over ${side(mode).length} rounds (ms; steady state = after the first ${STARTUP_MINUTES} minutes)`);
    console.log(show(mode, '  arrival → probability p50', (x) => pct(x.steady.probability, 50)));
    console.log(show(mode, '  arrival → probability p99', (x) => pct(x.steady.probability, 99)));
    console.log(show(mode, '  arrival → probability max', (x) => max(x.steady.probability)));
    console.log(show(mode, '  ready → probability p99', (x) => pct(x.steady.ready, 99)));
    console.log(show(mode, '  arrival → explained signal p50', (x) => pct(x.steady.signal, 50)));
    console.log(show(mode, '  arrival → explained signal p99', (x) => pct(x.steady.signal, 99)));
    console.log(show(mode, '  start-up minutes: probability p99', (x) => pct(x.startup.probability, 99)));
    console.log(show(mode, '  first hour p99', (x) => pct(x.first, 99)));
    console.log(show(mode, '  last hour p99', (x) => pct(x.last, 99)));
    console.log(show(mode, '  arrival → durable p50', (x) => pct(x.durable, 50)));
    console.log(show(mode, '  arrival → durable p99', (x) => pct(x.durable, 99)));
    console.log(show(mode, '  start-up minutes: durable p99', (x) => pct(x.durableStartup, 99)));
    console.log(show(mode, '  wall seconds', (x) => x.wallSeconds));
    console.log(show(mode, '  CPU seconds (whole process)', (x) => x.cpuSeconds));
    console.log(show(mode, '  CPU µs per option bar (whole process)', (x) => (x.cpuSeconds * 1e6) / Math.max(1, x.optionBars)));
    console.log(show(mode, '  engine µs per scored bar (in flush)', (x) => x.engineUsPerBar));
    console.log(show(mode, '  scoring thread CPU µs per option bar', (x) => (x.mainCpuSeconds * 1e6) / Math.max(1, x.optionBars)));
    console.log(show(mode, '  scoring thread: waiting / running', (x) => x.mainWaitSeconds / x.mainCpuSeconds));
    console.log(show(mode, '  scoring thread GC pause p99 (ms)', (x) => pct(x.gcPauses, 99)));
    console.log(show(mode, '  scoring thread GC pause max (ms)', (x) => max(x.gcPauses)));
  }
  const ratio = median('event-loop', (x) => pct(x.steady.probability, 99)) / median('thread', (x) => pct(x.steady.probability, 99));
  console.log(`probability p99, baseline / writer thread (medians): ${ratio.toFixed(1)}×`);
  const lastOverFirst = median('thread', (x) => pct(x.last, 99) / pct(x.first, 99));
  const rssLastOverFirst = median('thread', (x) => x.rssLast / x.rssFirst);
  console.log(
    JSON.stringify({
      bench: 'live',
      contracts: chain.length,
      bars: last.counts.scored,
      rounds,
      signals: last.counts.signals,
      probabilityP50Ms: median('thread', (x) => pct(x.steady.probability, 50)),
      probabilityP99Ms: median('thread', (x) => pct(x.steady.probability, 99)),
      probabilityP99RangeMs: range('thread', (x) => pct(x.steady.probability, 99)),
      signalP99Ms: median('thread', (x) => pct(x.steady.signal, 99)),
      signalP99RangeMs: range('thread', (x) => pct(x.steady.signal, 99)),
      startupProbabilityP99Ms: median('thread', (x) => pct(x.startup.probability, 99)),
      baselineProbabilityP99Ms: median('event-loop', (x) => pct(x.steady.probability, 99)),
      baselineProbabilityP99RangeMs: range('event-loop', (x) => pct(x.steady.probability, 99)),
      baselineSignalP99Ms: median('event-loop', (x) => pct(x.steady.signal, 99)),
      baselineOverThreadP99: ratio,
      lastHourOverFirstHourP99: lastOverFirst,
      rssLastOverFirst,
      engineUsPerBar: median('thread', (x) => x.engineUsPerBar),
      baselineEngineUsPerBar: median('event-loop', (x) => x.engineUsPerBar),
      cpuUsPerBar: median('thread', (x) => (x.cpuSeconds * 1e6) / Math.max(1, x.optionBars)),
      scoringThreadCpuUsPerBar: median('thread', (x) => (x.mainCpuSeconds * 1e6) / Math.max(1, x.optionBars)),
      scoringThreadWaitOverRun: median('thread', (x) => x.mainWaitSeconds / x.mainCpuSeconds),
      gcPauseMaxMs: median('thread', (x) => max(x.gcPauses)),
      gcPauseSecondsPerRound: median('thread', (x) => x.gcPauses.reduce((a, b) => a + b, 0) / 1000),
      emitEvery,
      writeSlice,
      speed,
      explainBudgetMs,
      loadAverage: loadavg()[0],
      cpuSeconds: median('thread', (x) => x.cpuSeconds),
      baselineCpuSeconds: median('event-loop', (x) => x.cpuSeconds),
      wallSeconds: median('thread', (x) => x.wallSeconds),
      durableP99Ms: median('thread', (x) => pct(x.durable, 99)),
      durableP50Ms: median('thread', (x) => pct(x.durable, 50)),
      startupDurableP99Ms: median('thread', (x) => pct(x.durableStartup, 99)),
      engineAloneProbabilityP99Ms: Math.max(...alone.map((a) => pct(a.probability, 99))),
      engineAloneSignalP99Ms: Math.max(...alone.map((a) => pct(a.explained, 99))),
      engineAloneCpuUsPerBar: Math.min(...alone.map((a) => a.cpuUsPerBar)),
      engineAloneProbabilityCpuP99Ms: Math.min(...alone.map((a) => pct(a.probabilityCpu, 99))),
      engineAloneSignalCpuP99Ms: Math.min(...alone.map((a) => pct(a.explainedCpu, 99))),
      engineAlonePredictor: model.predictor,
      engineAloneLibxgboostCpuUsPerBar: Math.min(...aloneNative.map((a) => a.cpuUsPerBar)),
      engineAloneLibxgboostProbabilityCpuP99Ms: Math.min(...aloneNative.map((a) => pct(a.probabilityCpu, 99))),
      engineAloneLibxgboostProbabilityCpuP50Ms: Math.min(...aloneNative.map((a) => pct(a.probabilityCpu, 50))),
      engineAloneProbabilityCpuP50Ms: Math.min(...alone.map((a) => pct(a.probabilityCpu, 50))),
      baselineDurableP99Ms: median('event-loop', (x) => pct(x.durable, 99)),
    }),
  );
} finally {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
}
