// Live scoring benchmark: bar arrival → stored → features → model → signal, over one simulated
// session of option bars replayed through the streaming runner. Prints p50/p99 latency of every
// scored bar (the time a signal would take) and of the flush stages, against the replay's own
// arrival → durable latency as the baseline measured in the same run.
//
//   npx tsc -b tsconfig.json && node --import tsx tools/bench/live/bench.ts [--days 40] [--flush-ms 1000] [--speed 600]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, nyseCalendar, type OptionBar } from '@spyglass/core';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion, LiveScorer, StreamingRunner, ingestionSettings, runMainJob } from '@spyglass/pipeline';
import { Deduplicator, recordKeyFor, validatorFor } from '@spyglass/processing';
import { FeedSimulator } from '@spyglass/sources';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const days = arg('days', 40);
const flushMs = arg('flush-ms', 1000);
const speed = arg('speed', 600);
process.env.OMP_WAIT_POLICY ??= 'passive';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

const sim = await createExchangeSim({ seed: 42 });
const root = await mkdtemp(join(tmpdir(), 'spyglass-live-bench-'));
try {
  const liveDay = '2025-03-17';
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
  for (const [dataset, ticker] of [['stocks', 'SPY'], ['indices', 'I:VIX'], ['news', 'SPY']] as const) await ingestion.backfill(dataset, { ticker, from: liveDay, to: liveDay });
  const tickers = await ingestion.selectContracts(liveDay);
  const bars = (await Promise.all(tickers.map((t) => ingestion.options.minuteBars(t, liveDay, liveDay)))).flatMap((r) => r.records).sort((a, b) => a.timestamp - b.timestamp);

  const live = new LiveScorer({ root, modelDir: job.model.modelDir, pipeline: config.pipeline });
  const durable: number[] = [];
  const signal: number[] = [];
  const stage: number[] = [];
  let signals = 0;
  // Bars arrive now (the replay stamps `ingestedAt` on arrival), so latency is measured from arrival.
  const runner = new StreamingRunner<OptionBar>({
    name: 'options',
    dataset: 'options',
    validator: validatorFor('options'),
    quarantine: ingestion.quarantine,
    sink: ingestion.datasets.options,
    dedup: new Deduplicator<OptionBar>(recordKeyFor('options'), { capacity: 100_000 }),
    flushSize: 10_000,
    flushIntervalMs: flushMs,
    onFlushed: async (flushed, latencies) => {
      durable.push(...latencies);
      const s0 = performance.now();
      const r = await live.score(flushed);
      stage.push(performance.now() - s0);
      const now = Date.now();
      for (const b of flushed) signal.push(now - b.ingestedAt);
      signals += r.signals.length;
    },
  });
  const arriving = bars.map((b) => b);
  const feed = new FeedSimulator<OptionBar>({ records: arriving, speed, maxGapDelayMs: 1000, timestampOf: (b) => b.timestamp });
  const stamped: AsyncIterable<never> & { close(): Promise<void> } = {
    async *[Symbol.asyncIterator]() {
      for await (const ev of feed) yield (ev.type === 'bar' ? { type: 'bar', bar: { ...ev.bar, ingestedAt: Date.now() } } : ev) as never;
    },
    close: () => feed.close(),
  };
  const r0 = performance.now();
  await runner.run(stamped);
  const wall = (performance.now() - r0) / 1000;
  live.dispose();
  console.log(`replay: ${bars.length} option bars of ${tickers.length} contracts on ${liveDay} at ${speed}× in ${wall.toFixed(1)} s, flush every ${flushMs} ms, ${signals} signals`);
  console.log('latency (ms)                       p50        p99');
  console.log(`arrival → durable (baseline)  ${pct(durable, 50).toFixed(0).padStart(9)}  ${pct(durable, 99).toFixed(0).padStart(9)}`);
  console.log(`arrival → scored / signal     ${pct(signal, 50).toFixed(0).padStart(9)}  ${pct(signal, 99).toFixed(0).padStart(9)}`);
  console.log(`score stage per flush         ${pct(stage, 50).toFixed(0).padStart(9)}  ${pct(stage, 99).toFixed(0).padStart(9)}`);
  console.log(`ratio signal/durable p99: ${(pct(signal, 99) / pct(durable, 99)).toFixed(2)}× (the extra is re-consolidating the day and regenerating its features)`);
} finally {
  await sim.close();
  await rm(root, { recursive: true, force: true });
}
