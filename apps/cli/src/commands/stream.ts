import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { nyseCalendar, type Logger, type SpyglassConfig } from '@spyglass/core';
import { Heartbeat } from '@spyglass/monitoring';
import { Ingestion, LiveStreams, ingestionSettings, liveSessionDate, liveStreamSettings, type LiveStream, type StreamingSummary } from '@spyglass/pipeline';
import { FeedSimulator } from '@spyglass/sources';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { loadContext, loadWritingContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';
import { stopOnSignal } from '../stop-signal.js';

/**
 * The live streams of a configuration. Market hours are enforced unless `--ignore-market-hours`
 * (for the simulator, whose sessions are replays of past days).
 */
export function liveStreams(config: SpyglassConfig, logger: Logger, opts: { ignoreMarketHours: boolean }): { ingestion: Ingestion; streams: LiveStreams } {
  const ingestion = new Ingestion(ingestionSettings(config, { logger }));
  const hb = config.settings.monitoring.heartbeat;
  const streams = new LiveStreams(
    ingestion,
    liveStreamSettings(config, { enforceMarketHours: !opts.ignoreMarketHours, logger }),
    {
      heartbeat: (name) =>
        new Heartbeat({
          component: name,
          intervalMs: hb.intervalMs,
          stallAfterMs: hb.stallAfterMs,
          onBeat: (r) => logger.info({ heartbeat: r }, `${name}: alive`),
          onStall: (r) => logger.error({ heartbeat: r }, `${name}: no progress for ${Math.round(hb.stallAfterMs / 60_000)} minutes`),
        }),
    },
  );
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
    const { ingestion, streams } = liveStreams(ctx.config, ctx.logger, { ignoreMarketHours: a['ignore-market-hours'] });
    const date = a.date ?? liveSessionDate(Date.now());
    // The selection needs the session's opening price, which exists once its first minute has ended.
    const firstBarEnds = (nyseCalendar.session(date)?.open ?? 0) + 60_000;
    if (!a['ignore-market-hours'] && Date.now() < firstBarEnds) {
      ctx.logger.info({ date, selectAt: new Date(firstBarEnds).toISOString() }, `waiting for the ${date} open to select its contracts`);
      const stop = stopOnSignal();
      try {
        await sleep(firstBarEnds - Date.now(), undefined, { signal: stop.signal });
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

/** `spyglass simulate`: replay stored Parquet as a real-time stream (the original's FeedSimulator). */
export const simulateCommand = defineCommand({
  command: 'simulate',
  describe: 'replay a stored dataset as a real-time stream (speed multiplier; 0 = no delay)',
  builder: (y) =>
    y
      .option('source', { choices: ['stocks', 'options', 'indices', 'news'], default: 'stocks' })
      .option('date', { type: 'string', describe: 'one date (default: all stored)' })
      .option('ticker', { type: 'string' })
      .option('speed', { type: 'number', default: 60, describe: '1 = real time, 60 = a minute per second, 0 = no delay' })
      .option('max-gap-ms', { type: 'number', default: 5000, describe: 'cap on each wait' })
      .option('limit', { type: 'number', describe: 'stop after this many records' }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const ds = new ParquetDataset<{ ticker: string; timestamp: number; close?: number; title?: string }>({
      root: ctx.dataRoot,
      spec: rawDatasetSpecs[a.source as keyof typeof rawDatasetSpecs],
    });
    const records = (await ds.readAll({ ...(a.date ? { from: a.date, to: a.date } : {}), ...(a.ticker ? { tickers: [a.ticker] } : {}) })).sort((x, y) => x.timestamp - y.timestamp);
    const stop = stopOnSignal();
    const feed = new FeedSimulator({ records, speed: a.speed, maxGapDelayMs: a['max-gap-ms'], signal: stop.signal });
    let n = 0;
    for await (const ev of feed) {
      if (ev.type !== 'bar') continue;
      n++;
      if (!a.json) process.stdout.write(`${new Date(ev.bar.timestamp).toISOString()} ${ev.bar.ticker} ${ev.bar.close ?? ev.bar.title ?? ''}\n`);
      if (a.limit && n >= a.limit) await feed.close();
    }
    stop.dispose();
    printResult(a, { replayed: n, ...feed.stats }, () => `replayed ${n} records (${feed.stats.outOfOrder} out of order, waited ${Math.round(feed.stats.waitedMs)} ms)`);
  },
});
