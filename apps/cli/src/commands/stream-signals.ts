import { defineCommand } from '../define-command.js';
import { nyDate, nyseCalendar, requireTradingDay } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { ModelStore } from '@spyglass/ml';
import { ParquetWriterThread, SIGNALS_DATASET_SPEC, SignalModel, SignalStore, createSignalEventServer, runLiveSignals, type SignalEventServer } from '@spyglass/pipeline';
import { loadWritingContext } from '../context.js';
import { printResult } from '../output.js';
import { xgboostLibrary } from './ml/model-context.js';
import { liveStreams } from './stream.js';


/** The session the `--sim` replay streams: the first trading day after the demo's simulated year. */
const SIM_SESSION = '2025-04-01';

/** How long a `--sim --speed 0` replay may go without a burst before it counts as over. */
const REPLAY_IDLE_MS = 60_000;

/**
 * `spyglass stream-signals`: the live signal engine on the day's 0DTE + 1DTE chain. Every signal is
 * one JSON line on stdout (logs go to stderr), is stored in the `signals` dataset, and with
 * `--sse-port` is served as Server-Sent Events on `http://127.0.0.1:<port>/signals`.
 */
export const streamSignalsCommand = defineCommand({
  command: 'stream-signals',
  describe: 'live signals on the 0DTE+1DTE chain as JSON lines (incremental features, batch scoring, SHAP reasons)',
  builder: (y) =>
    y
      .option('date', { type: 'string', describe: 'trade date (default: today; the simulator’s session date for replays)' })
      .option('model', { type: 'string', describe: 'model directory (default: the newest one the trainer saved)' })
      .option('band', { type: 'number', default: 35, describe: 'follow contracts with a strike within this many dollars of the open' })
      .option('threshold', { type: 'number', describe: 'override the model’s decision threshold' })
      .option('sse-port', { type: 'number', describe: 'also serve /signals as Server-Sent Events on 127.0.0.1:<port> (0 = any free port)' })
      .option('warm-start', { type: 'boolean', default: true, describe: 'rebuild the features from what is stored for the session first' })
      .option('ignore-market-hours', { type: 'boolean', default: false, describe: 'do not wait for the open or stop at the close (simulator replays)' })
      .option('sim', { type: 'boolean', default: false, describe: `replay ${SIM_SESSION} on an embedded exchange simulator (after \`npm run demo\` trained a model)` })
      .option('sim-seed', { type: 'string', default: '42', describe: 'simulator seed (the demo’s is 42)' })
      .option('speed', { type: 'number', default: 60, describe: 'simulator replay speed (60 = a minute per second)' }),
  handler: async (a) => {
    if (a.date !== undefined) requireTradingDay(a.date, '--date');
    let sim: ExchangeSim | undefined;
    if (a.sim) sim = await createExchangeSim({ seed: a['sim-seed'], speed: a.speed, sessionDate: a.date ?? SIM_SESSION });
    const ctx = loadWritingContext(
      a,
      sim ? { sources: { massive: { apiKey: 'demo-key', rest: { baseUrl: sim.url }, ws: { baseUrl: sim.wsUrl }, rateLimit: { requestsPerMinute: null } } } } : {},
    );
    const { ingestion, streams } = liveStreams(ctx.config, ctx.logger, { ignoreMarketHours: a['ignore-market-hours'] || a.sim });
    const today = nyDate(Date.now());
    const date = a.date ?? (a.sim ? SIM_SESSION : nyseCalendar.isTradingDay(today) ? today : nyseCalendar.nextTradingDay(today));
    const modelDir = a.model ?? new ModelStore(ctx.dataRoot).latest().dir;
    const model = SignalModel.load(modelDir, { ...xgboostLibrary(), ...(a.threshold !== undefined ? { threshold: a.threshold } : {}) });
    // Bars and signals are written by their own thread: Parquet encoding never delays a signal.
    const writer = new ParquetWriterThread({ root: ctx.dataRoot, parquet: ctx.config.sinks.parquet });
    const store = new SignalStore({ root: ctx.dataRoot, sink: writer.sink(SIGNALS_DATASET_SPEC), onError: (err) => ctx.logger.error({ err }, 'stream-signals: writing the signals dataset failed; retrying') });
    let sse: SignalEventServer | undefined;
    if (a['sse-port'] !== undefined) {
      sse = await createSignalEventServer({ port: a['sse-port'] });
      ctx.logger.info({ url: `${sse.url}/signals` }, `serving live signals at ${sse.url}/signals`);
    }
    ctx.logger.info({ model: modelDir, threshold: model.threshold, date }, 'stream-signals: starting');
    const ac = new AbortController();
    const stop = () => ac.abort(new Error('signal'));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const c = ctx.config.pipeline.consolidation;
    const session = nyseCalendar.session(date);
    const sessionClose = session?.close ?? Number.POSITIVE_INFINITY;
    // …and at the latest when the replay must be over (a warm restart after the close scores nothing).
    // A replay at speed 0 has no duration to bound: it ends after a minute without a burst instead.
    const replayBoundMs = a.speed > 0 ? ((session?.close ?? 0) - (session?.open ?? 0)) / a.speed * 1.5 + 15_000 : REPLAY_IDLE_MS;
    const replayEnd = sim && session ? setTimeout(stop, replayBoundMs) : undefined;
    replayEnd?.unref();
    try {
      const summary = await runLiveSignals(
        {
          ingestion,
          streams,
          model,
          writer,
          dataRoot: ctx.dataRoot,
          date,
          strikeBand: a.band,
          features: { riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield, newsLookbackMinutes: c.newsLookbackMinutes },
          newsPollMs: ctx.config.sources.news.pollIntervalMs,
          warmStart: a['warm-start'],
          logger: ctx.logger,
          // A replay's sockets stay open after its close: stop a moment after the last minute is scored.
          ...(sim
            ? {
                onBurst: (b: { timestamps: readonly number[] }) => {
                  if (a.speed === 0) replayEnd?.refresh();
                  if (b.timestamps.some((t) => t >= sessionClose - 60_000)) setTimeout(stop, 1000);
                },
              }
            : {}),
          onSignal: (s) => {
            process.stdout.write(`${JSON.stringify(s)}\n`);
            store.add(s);
            sse?.publish(s);
          },
        },
        ac.signal,
      );
      ctx.logger.info({ engine: summary.engine, contracts: summary.contracts.length }, 'stream-signals: done');
      if (a.json) printResult(a, { contracts: summary.contracts.length, ...summary.engine }, () => '');
    } finally {
      if (replayEnd) clearTimeout(replayEnd);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await store.close();
      await writer.close();
      await sse?.close();
      await sim?.close();
      model.dispose();
    }
  },
});
