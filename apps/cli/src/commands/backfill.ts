import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { dataRootLayout, nyDate, nyseCalendar, sessionHasOpened, SpyglassError } from '@spyglass/core';
import { Ingestion, ParallelRunner, ProcessRegistry, ingestionSettings, type BackfillSummary, type DayProgress, type OptionsDaySummary, type WorkerTask } from '@spyglass/pipeline';
import { ContractSelector, promptSelectionParams } from '@spyglass/sources';
import { writeFileAtomic } from '@spyglass/storage';
import { clusterOptions, type ClusterArgs } from '../cluster-backends.js';
import { loadContext, loadWritingContext, type CliContext } from '../context.js';
import { enqueueBackfillAll } from './cluster.js';
import { printResult, type GlobalArgs } from '../output.js';
import { ProgressBar } from '../progress-bar.js';
import { runMonitor } from '../run-monitoring.js';
import { exitStopped, stopOnSignal } from '../stop-signal.js';
import { cliClock } from '../cli-clock.js';

interface RangeArgs extends GlobalArgs {
  'start-date'?: string;
  'end-date'?: string;
  resume: boolean;
  'retry-empty': boolean;
  'rate-limit'?: number;
}

const rangeOptions = <T>(y: Argv<T>) =>
  y
    .option('start-date', { type: 'string', describe: 'first trading day (YYYY-MM-DD); default: pipeline.backfill.spanDays back' })
    .option('end-date', { type: 'string', describe: 'last trading day (YYYY-MM-DD); default: the latest session' })
    .option('resume', { type: 'boolean', default: false, describe: 'skip days already checkpointed (a day whose partition no longer matches its checkpoint is fetched again)' })
    .option('retry-empty', { type: 'boolean', default: false, describe: 'with --resume: fetch again the days that returned nothing when checkpointed' })
    .option('rate-limit', { type: 'number', describe: 'requests per minute (0 = unlimited); overrides sources.yaml' });

/**
 * Resolves the date range: explicit dates, or the last `spanDays` sessions before today.
 *
 * @example
 * ```ts
 * resolveRange({}, 5, Date.parse('2025-03-08T12:00:00Z')); // { from: '2025-03-03', to: '2025-03-07' }
 * ```
 */
export function resolveRange(a: { 'start-date'?: string; 'end-date'?: string }, spanDays: number, now = Date.now()): { from: string; to: string } {
  let to = a['end-date'];
  if (!to) {
    to = nyDate(now);
    // Today counts only once its session has closed.
    const session = nyseCalendar.session(to);
    if (!session || session.close > now) to = nyseCalendar.previousTradingDay(to);
  }
  let from = a['start-date'];
  if (!from) {
    from = to;
    for (let i = 1; i < spanDays; i++) from = nyseCalendar.previousTradingDay(from);
  }
  for (const [flag, d] of [['start-date', from], ['end-date', to]] as const) {
    if (!isCalendarDate(d)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${d} is not a calendar date (YYYY-MM-DD)`);
  }
  if (from > to) throw new SpyglassError('INVALID_ARGUMENT', `--start-date ${from} is after --end-date ${to}`);
  return { from, to };
}

const isCalendarDate = (d: string): boolean => {
  const t = Date.parse(`${d}T12:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};

/**
 * A single-day flag (`discover --date`) checked before any request: a calendar date that is an
 * NYSE session. A weekend or holiday names the sessions around it instead of asking the API for an
 * opening price that cannot exist.
 *
 * @example
 * ```ts
 * checkedSessionDate('date', '2025-03-04'); // '2025-03-04'
 * checkedSessionDate('date', '2025-12-25'); // throws INVALID_ARGUMENT: … the sessions around it are 2025-12-24 and 2025-12-26
 * ```
 */
export function checkedSessionDate(flag: string, d: string): string {
  if (!isCalendarDate(d)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${d} is not a calendar date (YYYY-MM-DD)`);
  let around: string;
  try {
    if (nyseCalendar.isTradingDay(d)) return d;
    around = ` (weekend or exchange holiday); the sessions around it are ${nyseCalendar.previousTradingDay(d)} and ${nyseCalendar.nextTradingDay(d)}`;
  } catch (e) {
    around = `: ${(e as Error).message}`;
  }
  throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${d} is not an NYSE trading day${around}`);
}

function ingestionFor(ctx: CliContext, a: Pick<RangeArgs, 'rate-limit'>): Ingestion {
  const rateLimit = a['rate-limit'];
  return new Ingestion(
    ingestionSettings(ctx.config, { logger: ctx.logger, ...(rateLimit !== undefined ? { requestsPerMinute: rateLimit > 0 ? rateLimit : null } : {}) }),
  );
}

function progress(title: string) {
  const bar = new ProgressBar(process.stderr, title);
  return {
    onDay: (p: DayProgress) => bar.update({ done: p.index + 1, total: p.total, bars: p.totals.stored, label: p.date }),
    finish: () => bar.finish(),
  };
}

// A range of weekends and holidays is not an error (exit 0), but it must not look like a silent no-op.
const noTradingDay = (from: string, to: string) => `no NYSE trading day in ${from}…${to} (weekends and exchange holidays): nothing to fetch`;

// A day still going on (today, or the future) is stored but never sealed by a checkpoint; say so, or a
// user would expect --resume to skip it.
const partition = <T>(xs: readonly T[], keep: (x: T) => boolean): [T[], T[]] => [xs.filter(keep), xs.filter((x) => !keep(x))];

const openDaysNote = (days: readonly string[]) =>
  `not over yet, stored but not checkpointed (the next run fetches them again): ${days.join(', ')}`;

const renderBackfill = (s: BackfillSummary, dataset: 'stocks' | 'indices' | 'news') =>
  `${s.job} ${s.ticker} ${s.from}…${s.to}: ${s.days} days (${s.daysSkipped} resumed), ${s.stored} ${dataset === 'news' ? 'articles' : 'bars'} stored, ${s.duplicates} duplicates, ${s.quarantined} quarantined, ${s.seconds.toFixed(1)} s` +
  (s.days === 0 ? `\n  ${noTradingDay(s.from, s.to)}` : '') +
  (s.emptyDays.length > 0 ? `\n  no data on: ${s.emptyDays.join(', ')}` : '') +
  (s.openDays.length > 0 ? `\n  ${openDaysNote(s.openDays)}` : '') +
  s.refetched.map((r) => `\n  fetched again ${r.date}: ${r.reason}`).join('');

function singleBackfill(
  command: string,
  describe: string,
  dataset: 'stocks' | 'indices' | 'news',
  defaultTicker: (ctx: CliContext) => string,
  /** The original's names for the command (apps/cli/README.md, "Migration from the original"). */
  aliases: readonly string[] = [],
) {
  return defineCommand({
    command,
    aliases: [...aliases],
    describe,
    builder: (y) => rangeOptions(y).option('ticker', { type: 'string', describe: 'ticker (default from sources.yaml)' }),
    handler: async (a) => {
      const ctx = loadWritingContext(a);
      const range = resolveRange(a, ctx.config.pipeline.backfill.spanDays);
      const ticker = a.ticker ?? defaultTicker(ctx);
      const p = progress(`${command} ${ticker}`);
      // Liveness and timing for long backfills: heartbeat/ and metrics/ files, an alert after stallAfterMs without a finished day.
      const monitor = runMonitor(ctx.dataRoot, ctx.config, ctx.logger, `${command}:${ticker}`);
      monitor.start();
      const stop = stopOnSignal();
      // With concurrent days, a day's timed unit is the time since the previous day finished (throughput, not latency).
      let last = Date.now();
      try {
        const summary = await ingestionFor(ctx, a).backfill(dataset, { ticker, ...range, resume: a.resume, retryEmpty: a['retry-empty'], signal: stop.signal }, (d) => {
          const now = Date.now();
          if (!d.skipped) monitor.done('day', { durationMs: now - last, items: d.counts.stored }, { days: d.index + 1, bars: d.totals.stored });
          else monitor.touch({ days: d.index + 1, bars: d.totals.stored });
          last = now;
          p.onDay(d);
        });
        p.finish();
        printResult(a, summary, () => renderBackfill(summary, dataset));
      } catch (e) {
        if (stop.signal.aborted) exitStopped(stop.signal.reason as NodeJS.Signals, command);
        throw e;
      } finally {
        stop.dispose();
        await monitor.stop();
      }
    },
  });
}

/** `spyglass backfill`: one ticker's minute bars, day by day, checkpointed. */
export const backfillCommand = singleBackfill('backfill', 'backfill stock minute bars for one ticker', 'stocks', (c) => c.config.sources.tickers.equities[0]!, ['download-minute']);
/** `spyglass backfill-vix`. */
export const backfillVixCommand = singleBackfill('backfill-vix', 'backfill VIX (I:VIX) minute bars', 'indices', (c) => c.config.sources.tickers.indices[0]!);
/** `spyglass backfill-news`. */
export const backfillNewsCommand = singleBackfill('backfill-news', 'backfill news with sentiment for one ticker', 'news', (c) => c.config.sources.tickers.news[0]!);

/** `spyglass backfill-all`: every configured ticker across worker processes under one rate limit. */
export const backfillAllCommand = defineCommand({
  command: 'backfill-all',
  describe: 'backfill every configured equity, index and news ticker across worker processes sharing one rate limit (with --queue: across machines)',
  builder: (y) =>
    clusterOptions(rangeOptions(y), false)
      .option('tickers', { type: 'string', array: true, describe: 'equity tickers (default: sources.yaml tickers.equities)' })
      .option('workers', { type: 'number', describe: 'worker processes (default: pipeline.backfill.workers)' })
      .option('compute', { type: 'boolean', default: true, describe: 'with --queue: the whole main job — also the options days of sources.yaml options.underlying, and per date, after its ingestion, consolidation and features on any worker (--no-compute: ingestion only)' }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const range = resolveRange(a, ctx.config.pipeline.backfill.spanDays);
    const t = ctx.config.sources.tickers;
    if (a.queue || a.store) {
      // Many machines: one job per (dataset, ticker, day) on the queue; `spyglass worker` runs them.
      const ingest = { stocks: a.tickers ?? t.equities, indices: t.indices, news: t.news };
      return enqueueBackfillAll(a as unknown as GlobalArgs & ClusterArgs, range, a.compute ? { ...ingest, options: [ctx.config.sources.options.underlying] } : ingest, a.compute);
    }
    const tasks: WorkerTask[] = [
      ...(a.tickers ?? t.equities).map((ticker) => ({ dataset: 'stocks' as const, ticker })),
      ...t.indices.map((ticker) => ({ dataset: 'indices' as const, ticker })),
      ...t.news.map((ticker) => ({ dataset: 'news' as const, ticker })),
    ].map((x) => ({ ...x, id: `${x.dataset}-${x.ticker.replace(/[^A-Za-z0-9]/g, '')}-${process.pid}`, ...range, resume: a.resume, retryEmpty: a['retry-empty'] }));
    const rate = a['rate-limit'];
    const { logger: _l, clock: _c, random: _r, input: _i, rateLimiter: _p, ...settings } = ingestionSettings(ctx.config, {
      logger: ctx.logger,
      ...(rate !== undefined ? { requestsPerMinute: rate > 0 ? rate : null } : {}),
    });
    const runner = new ParallelRunner({
      settings,
      workers: a.workers ?? ctx.config.pipeline.backfill.workers,
      registry: new ProcessRegistry({ dir: dataRootLayout(ctx.dataRoot).workers }),
      logger: ctx.logger,
      coordinatorId: `backfill-all-${process.pid}`,
    });
    const stop = stopOnSignal();
    const outcomes = await runner.run(tasks, stop.signal).finally(() => stop.dispose());
    printResult(a, outcomes, () =>
      // Each worker's summary is its ticker's BackfillSummary: the same lines as `backfill` prints.
      outcomes.map((o) => `${o.task.id}: ${o.status}${o.error ? '' : o.summary ? `\n  ${renderBackfill(o.summary as unknown as BackfillSummary, o.task.dataset)}` : ''}`).join('\n'),
    );
    if (stop.signal.aborted) exitStopped(stop.signal.reason as NodeJS.Signals, 'backfill-all');
    const failed = outcomes.filter((o) => o.status === 'failed');
    // The worst failure decides the exit code (auth → 3), each one is a `spyglass: CODE:` line.
    const fatal = failed.find((o) => o.error!.code === 'AUTH_FAILED' || o.error!.code === 'NOT_ENTITLED') ?? failed[0];
    for (const o of failed) if (o !== fatal) process.stderr.write(`spyglass: ${o.error!.code}: ${o.task.id}: ${o.error!.message.split('\n')[0]}\n`);
    if (fatal) throw new SpyglassError(fatal.error!.code as never, `${fatal.task.id}: ${fatal.error!.message}`);
  },
});

interface DownloadOptionsArgs extends RangeArgs {
  mode?: 'test' | 'prod';
  'n-calls'?: number;
  'n-puts'?: number;
  increment?: number;
  prompt?: boolean;
}

/**
 * True when the step-26 prompt may ask: stdin and stderr are a terminal and this is not CI. Tests,
 * pipes and CI never get a question they cannot answer.
 *
 * @example
 * ```ts
 * canPrompt({ stdin: process.stdin, stderr: process.stderr, ci: process.env.CI }); // false under jest
 * ```
 */
export function canPrompt(io: { stdin: { isTTY?: boolean }; stderr: { isTTY?: boolean }; ci?: string }): boolean {
  return Boolean(io.stdin.isTTY && io.stderr.isTTY) && !(io.ci && io.ci !== 'false' && io.ci !== '0');
}

/** `spyglass download-options`: the options day pipeline over a date range. */
export const downloadOptionsCommand = defineCommand({
  command: 'download-options',
  aliases: ['download-options-targeted', 'download-massive-options'],
  describe: 'per day: SPY opening price → contract selection → option minute bars (resumable)',
  builder: (y) =>
    rangeOptions(y)
      .option('mode', { choices: ['test', 'prod'] as const, describe: 'contract selection mode (default sources.yaml options.mode)' })
      .option('n-calls', { type: 'number', describe: 'calls strictly above the opening (default sources.yaml options.nCalls / strikesPerSide)' })
      .option('n-puts', { type: 'number', describe: 'puts at or below the opening (default sources.yaml options.nPuts / strikesPerSide)' })
      .option('increment', { type: 'number', describe: 'strike increment in dollars (default sources.yaml options.strikeIncrement)' })
      .option('prompt', { type: 'boolean', describe: 'test mode: ask each selection parameter (default: on an interactive terminal outside CI)' }),
  handler: async (a) => {
    const given = {
      ...(a.mode ? { mode: a.mode } : {}),
      ...(a['n-calls'] !== undefined ? { nCalls: a['n-calls'] } : {}),
      ...(a['n-puts'] !== undefined ? { nPuts: a['n-puts'] } : {}),
      ...(a.increment !== undefined ? { strikeIncrement: a.increment } : {}),
    };
    let ctx = loadWritingContext(a, { sources: { options: given } });
    const o = ctx.config.sources.options;
    if (o.mode === 'test' && (a.prompt ?? canPrompt({ stdin: process.stdin, stderr: process.stderr, ci: process.env.CI }))) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const p = await promptSelectionParams((q) => rl.question(q), ingestionSettings(ctx.config).options.params);
        ctx = loadContext(a, {
          sources: { options: { ...given, underlying: p.underlying, strikeIncrement: p.increment, nCalls: p.nCalls, nPuts: p.nPuts, expiry: p.expiry, ...(p.fixedExpiry ? { fixedExpiry: p.fixedExpiry } : {}) } },
        });
      } finally {
        rl.close();
      }
    }
    const range = resolveRange(a, ctx.config.pipeline.backfill.spanDays);
    const pipeline = ingestionFor(ctx, a).optionsPipeline();
    // A session that has not opened has no opening price to select contracts from: nothing to fetch yet.
    const [days, notStarted] = partition(nyseCalendar.tradingDays(range.from, range.to), (d) => sessionHasOpened(d, cliClock().now()));
    const bar = new ProgressBar(process.stderr, 'download-options');
    const results: OptionsDaySummary[] = [];
    let stored = 0;
    const stop = stopOnSignal();
    const monitor = runMonitor(ctx.dataRoot, ctx.config, ctx.logger, 'download-options');
    monitor.start();
    try {
      for (const [i, date] of days.entries()) {
        const started = Date.now();
        const r = await pipeline.run(date, a.resume, stop.signal, a['retry-empty']).catch((e: unknown) => {
          if (stop.signal.aborted) exitStopped(stop.signal.reason as NodeJS.Signals, 'download-options');
          throw e;
        });
        stored += r.stored;
        results.push(r);
        monitor.done('day', { durationMs: Date.now() - started, items: r.stored }, { days: i + 1, bars: stored });
        bar.update({ done: i + 1, total: days.length, bars: stored, label: date });
      }
    } finally {
      stop.dispose();
      await monitor.stop();
    }
    bar.finish();
    const sum = (f: (r: OptionsDaySummary) => number) => results.reduce((n, r) => n + f(r), 0);
    const totals = {
      selected: sum((r) => r.contracts.length),
      withBars: sum((r) => r.contractsWithBars),
      withoutBars: sum((r) => r.contractsWithoutBars.length),
      resumed: sum((r) => r.contractsSkipped),
      unlisted: sum((r) => r.unlisted.length),
      bars: stored,
    };
    printResult(a, { days: results, notStarted, totals }, () =>
      [
        ...results.map(
          (r) =>
            `${r.date}: open ${r.opening.toFixed(2)}, exp ${r.expiration}, ${r.contractsWithBars} contracts with bars` +
            ` (${r.contracts.length} selected: ${r.contractsWithoutBars.length} without bars, ${r.contractsSkipped} resumed), ${r.stored} bars, ${r.quarantined} quarantined` +
            (r.unlisted.length > 0 ? `\n  not listed, not downloaded: ${r.unlisted.join(', ')}` : ''),
        ),
        ...(results.some((r) => r.open) ? [`  ${openDaysNote(results.filter((r) => r.open).map((r) => r.date))}`] : []),
        `total: ${totals.withBars} contracts with bars, ${totals.withoutBars} without, ${totals.resumed} resumed, ${totals.unlisted} selected but not listed; ${totals.bars} bars`,
        ...(notStarted.length > 0 ? [`  not started yet, nothing to fetch: ${notStarted.join(', ')}`] : []),
        ...(days.length + notStarted.length === 0 ? [`  ${noTradingDay(range.from, range.to)}`] : []),
      ].join('\n'),
    );
  },
});

/** `spyglass discover`: the contracts the selection would take on a date, and the ±range listing. */
export const discoverCommand = defineCommand({
  command: 'discover',
  describe: "show the day's opening price, the selected contracts and the ±range listing, and save the contracts found as JSON (as the original did)",
  builder: (y) =>
    y
      .option('date', { type: 'string', describe: 'trade date (default: latest session)' })
      .option('output', { type: 'string', describe: 'where the JSON goes (default <data-root>/reports/discover/contracts_<date>.json)' })
      .option('rate-limit', { type: 'number', describe: 'requests per minute (0 = unlimited); overrides sources.yaml' }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const date = a.date === undefined ? resolveRange({}, 1).to : checkedSessionDate('date', a.date);
    const ingestion = ingestionFor(ctx, a);
    const o = ctx.config.sources.options;
    const opening = await ingestion.options.openingPrice(o.underlying, date);
    const selector = new ContractSelector({
      mode: 'prod',
      lister: ingestion.options,
      discoveryRange: o.discoveryRange,
      params: { underlying: o.underlying, increment: o.strikeIncrement, nCalls: o.strikesPerSide, nPuts: o.strikesPerSide, expiry: o.expiry, ...(o.fixedExpiry ? { fixedExpiry: o.fixedExpiry } : {}) },
      calendar: nyseCalendar,
    });
    const selection = await selector.select(date, opening.price);
    const listing = await selector.discover(date, opening.price, o.discoveryRange);
    const saved = a.output ?? dataRootLayout(ctx.dataRoot).report('discover', `contracts_${date}.json`);
    const result = { date, opening, expiration: selection.expiration, calls: selection.calls.map((c) => c.ticker), puts: selection.puts.map((c) => c.ticker), listed: listing.records.length, saved };
    await mkdir(dirname(saved), { recursive: true });
    await writeFileAtomic(saved, `${JSON.stringify({ ...result, contracts: listing.records }, null, 2)}\n`);
    printResult(a, result, () =>
      [`${date}: ${o.underlying} opened at ${opening.price.toFixed(2)} (${opening.source}); expiration ${selection.expiration}`,
        `calls: ${result.calls.join(', ')}`, `puts:  ${result.puts.join(', ')}`,
        `${listing.records.length} contracts listed within ±${(o.discoveryRange * 100).toFixed(1)} %, saved to ${saved}`].join('\n'),
    );
  },
});
