import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { nyseCalendar, type Clock, type Logger, type SpyglassConfig, requireTradingDay } from '@spyglass/core';
import { Ingestion, LiveStreams, ingestionSettings, liveSessionDate, liveStreamSettings, type LiveStream, type StreamingSummary } from '@spyglass/pipeline';
import { readConsolidated } from '@spyglass/processing';
import { FeedSimulator } from '@spyglass/sources';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { loadContext, loadWritingContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { stopOnSignal } from '../stop-signal.js';
import { cliClock } from '../cli-clock.js';
import { runMonitor, type RunMonitor } from '../run-monitoring.js';

/**
 * The live streams of a configuration. Market hours are enforced unless `--ignore-market-hours`
 * (for the simulator, whose sessions are replays of past days).
 */
export function liveStreams(config: SpyglassConfig, logger: Logger, opts: { ignoreMarketHours: boolean; clock?: Clock }): { ingestion: Ingestion; streams: LiveStreams } {
  const clock = opts.clock ? { clock: opts.clock } : {};
  const ingestion = new Ingestion(ingestionSettings(config, { logger, ...clock }));
  // Each stream's heartbeat/ and metrics/ files; a flush's slowest arrival-to-durable latency is its timed unit.
  const monitors = new Map<string, RunMonitor>();
  const streams = new LiveStreams(ingestion, liveStreamSettings(config, { enforceMarketHours: !opts.ignoreMarketHours, logger, ...clock }), {
    heartbeat: (name) => {
      const monitor = runMonitor(config.settings.dataRoot, config, logger, name);
      monitors.set(name, monitor);
      return monitor;
    },
    onFlushed: (name, bars, latenciesMs) => monitors.get(name)?.done('arrival_to_durable', { durationMs: Math.max(0, ...latenciesMs), items: bars.length }, {}),
  });
  return { ingestion, streams };
}

/**
 * Runs streams until the close, the end of the feed, or SIGTERM/SIGINT (which flush first). The
 * streams get the stop signal when they are made, so a source waiting between polls (news) or for
 * the open wakes up at once instead of at its next poll.
 */
async function runUntilStopped<R extends { timestamp: number; ingestedAt: number }>(make: (signal: AbortSignal) => ReadonlyArray<LiveStream<R>>): Promise<StreamingSummary[]> {
  const stop = stopOnSignal();
  try {
    return await Promise.all(make(stop.signal).map((j) => j.runner.run(j.source, stop.signal)));
  } finally {
    stop.dispose();
  }
}

const renderSummaries = (ss: StreamingSummary[]) =>
  ss.map((s) => `${s.name}: ${s.stored} stored, ${s.duplicates} duplicates, ${s.quarantined} quarantined, ${s.reconnects} reconnects (${s.backfilled} back-filled), stopped by ${s.stoppedBy}`).join('\n');

interface StreamArgs extends GlobalArgs {
  ticker?: string;
  'ignore-market-hours': boolean;
}

function streamCommand(command: string, describe: string, kind: 'stocks' | 'indices' | 'news') {
  return defineCommand({
    command,
    describe,
    builder: (y) =>
      y
        .option('ticker', { type: 'string', describe: 'ticker (default from sources.yaml)' })
        .option('ignore-market-hours', { type: 'boolean', default: false, describe: 'do not wait for the open or stop at the close (simulator replays)' }),
    handler: async (a) => {
      const ctx = loadWritingContext(a);
      const { streams } = liveStreams(ctx.config, ctx.logger, { ignoreMarketHours: a['ignore-market-hours'] });
      const t = ctx.config.sources.tickers;
      const job = (signal: AbortSignal) =>
        kind === 'news'
          ? streams.news(a.ticker ?? t.news[0]!, ctx.config.sources.news.pollIntervalMs, signal)
          : kind === 'stocks'
            ? streams.bars('stocks', [a.ticker ?? t.equities[0]!])
            : streams.bars('indices', [a.ticker ?? t.indices[0]!]);
      const summaries = await runUntilStopped((signal) => [job(signal) as LiveStream<{ timestamp: number; ingestedAt: number }>]);
      printResult(a, summaries, () => renderSummaries(summaries));
    },
  });
}

/** `spyglass stream`: SPY minute bars over WebSocket into Parquet. */
export const streamStocksCommand = streamCommand('stream', 'stream stock minute bars (WebSocket → validate → dedup → Parquet)', 'stocks');
/** `spyglass stream-vix`. */
export const streamVixCommand = streamCommand('stream-vix', 'stream VIX minute bars', 'indices');
/** `spyglass stream-news`: news by polling. */
export const streamNewsCommand = streamCommand('stream-news', 'poll news with sentiment into Parquet', 'news');

/** `spyglass stream-options`: the live session's selected contracts (opening price → selection) over WebSocket. */
export const streamOptionsCommand = defineCommand({
  command: 'stream-options',
  describe: "stream the session's selected option contracts (after the close: the next session's, selected at its open)",
  builder: (y) =>
    y
      .option('date', { type: 'string', describe: 'trade date whose selection to stream (default: the open session, or the next one after the close)' })
      .option('ignore-market-hours', { type: 'boolean', default: false }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const clock = cliClock();
    const { ingestion, streams } = liveStreams(ctx.config, ctx.logger, { ignoreMarketHours: a['ignore-market-hours'], clock });
    const date = a.date !== undefined ? requireTradingDay(a.date, '--date') : liveSessionDate(clock.now());
    // The selection needs the session's opening price, which exists once its first minute has ended.
    const firstBarEnds = (nyseCalendar.session(date)?.open ?? 0) + 60_000;
    if (!a['ignore-market-hours'] && clock.now() < firstBarEnds) {
      ctx.logger.info({ date, selectAt: new Date(firstBarEnds).toISOString() }, `waiting for the ${date} open to select its contracts`);
      if (!a.json) process.stderr.write(`stream-options: waiting for the ${date} open (${new Date(firstBarEnds).toISOString()}) to select its contracts\n`);
      const stop = stopOnSignal();
      try {
        await clock.sleep(firstBarEnds - clock.now(), stop.signal);
      } catch {
        printResult(a, [], () => `stream-options: stopped before the ${date} open; nothing selected`);
        return;
      } finally {
        stop.dispose();
      }
    }
    const tickers = await ingestion.selectContracts(date);
    ctx.logger.info({ date, tickers }, `streaming ${tickers.length} contracts of ${date}`);
    const summaries = await runUntilStopped(() => [streams.bars('options', tickers) as unknown as LiveStream<{ timestamp: number; ingestedAt: number }>]);
    printResult(a, summaries, () => renderSummaries(summaries));
  },
});

type Replayed = { ticker: string; timestamp: number; close?: number | null; opt_close?: number | string | null; title?: string };

/** Stored records of `source` in event-time order, in batches (consolidated: one date at a time). */
async function* replaySource(root: string, a: { source: string; date?: string; ticker?: string }): AsyncGenerator<readonly Replayed[]> {
  const dates = a.date ? [a.date] : undefined;
  if (a.source === 'consolidated') {
    yield* readConsolidated({ root, ...(dates ? { dates } : {}), ...(a.ticker ? { tickers: [a.ticker] } : {}) });
    return;
  }
  const ds = new ParquetDataset<Replayed>({ root, spec: rawDatasetSpecs[a.source as keyof typeof rawDatasetSpecs] });
  yield (await ds.readAll({ ...(a.date ? { from: a.date, to: a.date } : {}), ...(a.ticker ? { tickers: [a.ticker] } : {}) })).sort((x, y) => x.timestamp - y.timestamp);
}

/** `spyglass simulate`: replay stored Parquet as a real-time stream (the original's FeedSimulator). */
export const simulateCommand = defineCommand({
  command: 'simulate',
  describe: 'replay a stored dataset as a real-time stream (speed multiplier; 0 = no delay)',
  builder: (y) =>
    y
      .option('source', { choices: ['stocks', 'options', 'indices', 'news', 'consolidated'], default: 'stocks', describe: 'a raw dataset, or consolidated (one row per option per minute, processed/consolidated)' })
      .option('date', { type: 'string', describe: 'one date (default: all stored)' })
      .option('ticker', { type: 'string' })
      .option('speed', { type: 'number', default: 60, describe: '1 = real time, 60 = a minute per second, 0 = no delay' })
      .option('max-gap-ms', { type: 'number', default: 5000, describe: 'cap on each wait' })
      .option('limit', { type: 'number', describe: 'stop after this many records' }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const stop = stopOnSignal();
    const feed = new FeedSimulator<Replayed>({ batches: replaySource(ctx.dataRoot, a), speed: a.speed, maxGapDelayMs: a['max-gap-ms'], signal: stop.signal });
    let n = 0;
    for await (const ev of feed) {
      if (ev.type !== 'bar') continue;
      n++;
      if (!a.json) process.stdout.write(`${new Date(ev.bar.timestamp).toISOString()} ${ev.bar.ticker} ${ev.bar.close ?? ev.bar.opt_close ?? ev.bar.title ?? ''}\n`);
      if (a.limit && n >= a.limit) await feed.close();
    }
    stop.dispose();
    printResult(a, { replayed: n, ...feed.stats }, () => `replayed ${n} records (${feed.stats.outOfOrder} out of order, waited ${Math.round(feed.stats.waitedMs)} ms)`);
  },
});
