import { defineCommand } from '../define-command.js';
import { nyDate, nyseCalendar } from '@spyglass/core';
import { ModelStore } from '@spyglass/ml';
import { SignalModel, SignalStore, createSignalEventServer, runLiveSignals, type SignalEventServer } from '@spyglass/pipeline';
import { loadContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { xgboostLibrary } from './ml/model-context.js';
import { liveStreams } from './stream.js';

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
      .option('ignore-market-hours', { type: 'boolean', default: false, describe: 'do not wait for the open or stop at the close (simulator replays)' }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const { ingestion, streams } = liveStreams(ctx.config, ctx.logger, { ignoreMarketHours: a['ignore-market-hours'] });
    const today = nyDate(Date.now());
    const date = a.date ?? (nyseCalendar.isTradingDay(today) ? today : nyseCalendar.nextTradingDay(today));
    const modelDir = a.model ?? new ModelStore(ctx.dataRoot).latest().dir;
    const model = SignalModel.load(modelDir, { ...xgboostLibrary(), ...(a.threshold !== undefined ? { threshold: a.threshold } : {}) });
    const store = new SignalStore({ root: ctx.dataRoot, onError: (err) => ctx.logger.error({ err }, 'stream-signals: writing the signals dataset failed; retrying') });
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
    try {
      const summary = await runLiveSignals(
        {
          ingestion,
          streams,
          model,
          dataRoot: ctx.dataRoot,
          date,
          strikeBand: a.band,
          features: { riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield, newsLookbackMinutes: c.newsLookbackMinutes },
          newsPollMs: ctx.config.sources.news.pollIntervalMs,
          warmStart: a['warm-start'],
          logger: ctx.logger,
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
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await store.close();
      await sse?.close();
      model.dispose();
    }
  },
});
