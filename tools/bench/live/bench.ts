// Live signal benchmark: SPY + VIX + the whole 0DTE/1DTE chain within a strike band (≥ 250
// contracts) replayed over the exchange simulator's WebSocket clusters for a whole session, into
// the in-memory LiveSignalEngine (incremental features, one batch prediction per minute's burst,
// SHAP for flagged rows) while StreamingRunners write the same bars to Parquet. Prints arrival →
// probability and arrival → explained signal p50/p99/max, the same for the first and the last hour
// (their ratio shows whether cost grows with the day), engine CPU per bar, RSS first → last after
// GC, and the arrival → durable latency of the Parquet path as the same-run baseline.
// Simulator figures on this machine: never market results.
//
//   npm run bench:live -- [--days 10] [--band 35] [--speed 600] [--flush-ms 1000]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, nyseCalendar, type IndexBar, type OptionBar, type StockBar } from '@spyglass/core';
import { SyntheticMarket } from '@spyglass/exchange-sim';
import { Ingestion, LiveSignalEngine, SignalModel, StreamingRunner, ingestionSettings, readStoredSession, runMainJob, tapStream, type StreamingSource } from '@spyglass/pipeline';
import { Deduplicator, recordKeyFor, validatorFor } from '@spyglass/processing';
import { createIndexStream, createOptionStream, createStockStream } from '@spyglass/sources';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const days = arg('days', 10);
const band = arg('band', 35);
const speed = arg('speed', 600);
const flushMs = arg('flush-ms', 1000);
process.env.OMP_WAIT_POLICY ??= 'passive';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const pct = (xs: number[], p: number) => {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};
const max = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY));

/** The simulator in a child process; `stop` ends it by its own pid. */
async function startSimProcess(options: Record<string, unknown>): Promise<{ url: string; wsUrl: string; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('../ingest/sim-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`bench: the simulator process exited (code ${code}) before listening`)));
  });
  const { url, wsUrl } = JSON.parse(line) as { url: string; wsUrl: string };
  return {
    url,
    wsUrl,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const liveDay = '2025-03-17';
const durableOn = arg('durable', 1) !== 0;
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
  let engineCpuUs = 0;
  const engine = new LiveSignalEngine({
    model,
    features,
    schedule: (run) =>
      void setImmediate(() => {
        const c0 = process.cpuUsage();
        run();
        const d = process.cpuUsage(c0);
        engineCpuUs += d.user + d.system;
      }),
  });
  engine.warm({ news: (await readStoredSession({ root, date: liveDay, newsLookbackMinutes: features.newsLookbackMinutes })).news });

  const prob = { all: [] as number[], first: [] as number[], last: [] as number[] };
  const sig = { all: [] as number[], first: [] as number[], last: [] as number[] };
  const durable: number[] = [];
  // When each minute's SPY bar arrived: an option bar can only be scored once its minute's
  // underlying bar is in (the sockets run separately), so "ready → probability" is the engine's own share.
  const spyArrival = new Map<number, number>();
  const ready: number[] = [];
  let rssFirst = 0;
  let optionBars = 0;
  let bursts = 0;
  engine.onBurst((b) => {
    bursts++;
    for (let i = 0; i < b.arrivedAt.length; i++) {
      const ms = b.probabilityAt - b.arrivedAt[i]!;
      const t = b.timestamps[i]!;
      prob.all.push(ms);
      ready.push(b.probabilityAt - Math.max(b.arrivedAt[i]!, spyArrival.get(t) ?? 0));
      if (t < session.open + 3_600_000) prob.first.push(ms);
      if (t >= session.close - 3_600_000) prob.last.push(ms);
    }
    for (const s of b.signals) {
      const ms = s.signalAt - s.arrivedAt;
      sig.all.push(ms);
      if (s.timestamp < session.open + 3_600_000) sig.first.push(ms);
      if (s.timestamp >= session.close - 3_600_000) sig.last.push(ms);
    }
    if (bursts === 5) {
      gc();
      rssFirst = process.memoryUsage().rss;
    }
  });

  const streamOpts = (subscriptions: string[]) => ({ apiKey: 'bench', wsBaseUrl: sim.wsUrl, subscriptions, stallTimeoutMs: null, queueCapacity: 100_000 });
  const runner = <R extends { timestamp: number; ingestedAt: number }>(name: string, dataset: 'stocks' | 'indices' | 'options', onLatency?: (ms: readonly number[]) => void) =>
    new StreamingRunner<R>({
      name,
      dataset,
      validator: validatorFor(dataset),
      quarantine: ingestion.quarantine,
      sink: ingestion.datasets[dataset] as never,
      dedup: new Deduplicator<R>(recordKeyFor(dataset) as never, { capacity: 100_000 }),
      flushSize: 50_000,
      flushIntervalMs: flushMs,
      ...(onLatency ? { onFlushed: (_: readonly R[], lat: readonly number[]) => onLatency(lat) } : {}),
    });
  const tap = <R>(source: StreamingSource<R>, add: (bar: R) => void) => tapStream(source, (ev) => ev.type === 'bar' && add(ev.bar));
  // The simulator's feed stays open after the session: stop once the close has passed and the chain is quiet.
  const stop = new AbortController();
  let lastArrival = Date.now();
  let sawClose = false;
  const quiet = setInterval(() => {
    if (sawClose && Date.now() - lastArrival > 1000) stop.abort();
  }, 100);
  const cpu0 = process.cpuUsage();
  const r0 = performance.now();
  // --durable 0: the same streams without the Parquet path, to see what the writers cost the signal.
  const run = <R extends { timestamp: number; ingestedAt: number }>(r: StreamingRunner<R>, source: StreamingSource<R>, signal: AbortSignal) =>
    durableOn
      ? r.run(source, signal)
      : (async () => {
          signal.addEventListener('abort', () => void source.close(), { once: true });
          for await (const _ of source) if (signal.aborted) break;
        })();
  await Promise.all([
    run(runner<StockBar>('stocks', 'stocks'), tap(createStockStream(streamOpts(['AM.SPY'])) as unknown as StreamingSource<StockBar>, (b) => {
      spyArrival.set(b.timestamp, b.ingestedAt);
      engine.addStockBar(b);
      if (b.timestamp >= session.close - 60_000) sawClose = true;
    }), stop.signal),
    run(runner<IndexBar>('indices', 'indices'), tap(createIndexStream(streamOpts(['AM.I:VIX'])) as unknown as StreamingSource<IndexBar>, (b) => engine.addIndexBar(b)), stop.signal),
    run(
      runner<OptionBar>('options', 'options', (lat) => durable.push(...lat)),
      tap(createOptionStream(streamOpts(chain.map((k) => `AM.${k.ticker}`))) as unknown as StreamingSource<OptionBar>, (b) => {
        lastArrival = Date.now();
        optionBars++;
        engine.addOptionBar(b);
      }),
      stop.signal,
    ),
  ]);
  clearInterval(quiet);
  const wall = (performance.now() - r0) / 1000 - 1;
  const cpu = process.cpuUsage(cpu0);
  engine.flush();
  engine.close();
  gc();
  const rssLast = process.memoryUsage().rss;
  const counts = engine.counts();
  model.dispose();

  const ms = (x: number) => x.toFixed(2).padStart(9);
  console.log(`replay: ${chain.length} contracts (0DTE+1DTE, strikes within ±$${band} of the open) on ${liveDay}, speed ${speed === 0 ? 'max' : `${speed}×`}, ${wall.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (this process: WebSocket decoding, engine, Parquet writers; the simulator runs in its own process)`);
  console.log(`bars: ${optionBars} option bars received, ${counts.scored} scored in ${counts.bursts} bursts, ${counts.signals} signals; late ${counts.late}, duplicate ${counts.duplicate}, no underlying ${counts.noUnderlying}`);
  console.log('latency (ms)                          p50        p99        max');
  console.log(`arrival → probability            ${ms(pct(prob.all, 50))}  ${ms(pct(prob.all, 99))}  ${ms(max(prob.all))}`);
  console.log(`  first hour                     ${ms(pct(prob.first, 50))}  ${ms(pct(prob.first, 99))}  ${ms(max(prob.first))}`);
  console.log(`  last hour                      ${ms(pct(prob.last, 50))}  ${ms(pct(prob.last, 99))}  ${ms(max(prob.last))}`);
  console.log(`ready (bar + its SPY bar) → prob. ${ms(pct(ready, 50))}  ${ms(pct(ready, 99))}  ${ms(max(ready))}`);
  console.log(`arrival → explained signal       ${ms(pct(sig.all, 50))}  ${ms(pct(sig.all, 99))}  ${ms(max(sig.all))}`);
  console.log(`arrival → durable (baseline)     ${ms(pct(durable, 50))}  ${ms(pct(durable, 99))}  ${ms(max(durable))}`);
  const cpuPerBar = engineCpuUs / Math.max(1, counts.scored);
  const lastOverFirst = pct(prob.last, 99) / pct(prob.first, 99);
  console.log(`engine CPU per scored bar: ${cpuPerBar.toFixed(1)} µs; last/first hour p99: ${lastOverFirst.toFixed(2)}; RSS after GC ${(rssFirst / 2 ** 20).toFixed(0)} → ${(rssLast / 2 ** 20).toFixed(0)} MiB`);
  console.log(`ratio durable p99 / probability p99: ${(pct(durable, 99) / pct(prob.all, 99)).toFixed(1)}× (the signal no longer waits for the flush)`);
  console.log(
    JSON.stringify({
      bench: 'live',
      contracts: chain.length,
      bars: counts.scored,
      optionBarsReceived: optionBars,
      signals: counts.signals,
      probabilityP50Ms: pct(prob.all, 50),
      probabilityP99Ms: pct(prob.all, 99),
      probabilityMaxMs: max(prob.all),
      readyToProbabilityP99Ms: pct(ready, 99),
      signalP50Ms: pct(sig.all, 50),
      signalP99Ms: pct(sig.all, 99),
      signalMaxMs: max(sig.all),
      firstHourP99Ms: pct(prob.first, 99),
      lastHourP99Ms: pct(prob.last, 99),
      lastHourOverFirstHourP99: lastOverFirst,
      engineCpuUsPerBar: cpuPerBar,
      processCpuSeconds: (cpu.user + cpu.system) / 1e6,
      wallSeconds: wall,
      rssFirstMiB: rssFirst / 2 ** 20,
      rssLastMiB: rssLast / 2 ** 20,
      rssLastOverFirst: rssLast / rssFirst,
      durableP50Ms: pct(durable, 50),
      durableP99Ms: pct(durable, 99),
    }),
  );
} finally {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
}
