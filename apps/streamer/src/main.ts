#!/usr/bin/env node
// The streamer daemon's entry: the only file that reads argv, the environment and process signals.
// Exit codes follow the CLI's: 0 clean stop, 1 a stream failed (or another error), 2 bad
// configuration or arguments, 3 authentication or entitlement refused.
import { type ConfigDeprecation, SpyglassError, configSecrets, createLogger, isSpyglassError, loadConfig, requireTradingDay } from '@spyglass/core';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RedisStreamBarLog, connectRedis } from '@spyglass/cluster';
import { SignalModel, type StreamerSummary } from '@spyglass/pipeline';
import { startStreamer } from './start-streamer.js';
import { summaryLine } from './summary-line.js';

const AUTH_CODES: readonly string[] = ['AUTH_FAILED', 'NOT_ENTITLED'];

function exitCodeFor(summary: StreamerSummary): number {
  const failed = summary.streams.filter((s) => s.state === 'failed');
  if (failed.length === 0) return 0;
  return failed.some((s) => AUTH_CODES.includes(s.error?.code ?? '')) ? 3 : 1;
}

function fail(e: unknown): never {
  const line = isSpyglassError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`streamer: ${line.split('\n')[0]}\n`);
  process.exit(isSpyglassError(e, 'AUTH_FAILED', 'NOT_ENTITLED') ? 3 : isSpyglassError(e, 'CONFIG', 'INVALID_ARGUMENT') ? 2 : 1);
}

const args = yargs(hideBin(process.argv))
  .scriptName('spyglass-streamer')
  .usage('$0 [options]\n\nStreams SPY, the selected SPY options, VIX and news into Parquet; serves /metrics and /health on 127.0.0.1.')
  .option('config-dir', { type: 'string', default: 'config', describe: 'directory of the YAML config files' })
  .option('data-root', { type: 'string', describe: 'data root (overrides settings.dataRoot)' })
  .option('port', { type: 'number', default: 9464, describe: 'port of /metrics and /health on 127.0.0.1 (0 = any free port)' })
  .option('ignore-market-hours', { type: 'boolean', default: false, describe: 'do not wait for the open or stop at the close (simulator replays)' })
  .option('options-date', { type: 'string', describe: 'trade date whose option contracts to select (default: each session’s date; the simulator’s sessionDate for replays)' })
  .option('bar-log', { type: 'string', describe: 'redis://… : streams append to a Redis Streams bar log that a consumer group writes to Parquet (a crash loses no logged bar); default: write Parquet directly' })
  .option('log-level', { type: 'string', describe: 'trace|debug|info|warn|error|silent' })
  .option('signals-port', { type: 'number', describe: 'also score every streamed bar live and serve the signals as Server-Sent Events at 127.0.0.1:<port>/signals (0 = any free port)' })
  .option('model', { type: 'string', describe: 'model directory for --signals-port (default: the newest one the trainer saved)' })
  .option('warm-start', { type: 'boolean', default: true, describe: 'with --signals-port: rebuild the live features from what is stored for the session first (--no-warm-start: from the next bar on)' })
  .option('json', { type: 'boolean', default: false, describe: 'print the exit summary as JSON' })
  .strict()
  .help()
  .alias('h', 'help')
  .fail((msg, err) => fail(err ?? new SpyglassError('INVALID_ARGUMENT', msg)))
  .parseSync();

let streamer: Awaited<ReturnType<typeof startStreamer>>;
try {
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65_535) throw new SpyglassError('INVALID_ARGUMENT', `--port ${args.port} must be an integer in 0..65535`);
  const deprecated: ConfigDeprecation[] = [];
  const config = loadConfig({
    onDeprecated: (d) => deprecated.push(d),
    dir: args['config-dir'],
    env: process.env,
    overrides: { settings: { ...(args['data-root'] ? { dataRoot: args['data-root'] } : {}), ...(args['log-level'] ? { logLevel: args['log-level'] } : {}) } },
  });
  const logger = createLogger({
    level: config.settings.logLevel,
    pretty: Boolean(process.stderr.isTTY),
    name: 'streamer',
    secrets: configSecrets(config),
    stacks: process.env.SPYGLASS_DEBUG === '1',
    destination: process.stderr,
  } as Parameters<typeof createLogger>[0]);
  for (const d of deprecated) logger.warn({ path: d.path.join('.'), replacement: d.replacement.join('.') }, d.message);
  const signalsPort = args['signals-port'];
  if (signalsPort !== undefined && (!Number.isInteger(signalsPort) || signalsPort < 0 || signalsPort > 65_535)) {
    throw new SpyglassError('INVALID_ARGUMENT', `--signals-port ${signalsPort} must be an integer in 0..65535`);
  }
  const c = config.pipeline.consolidation;
  streamer = await startStreamer({
    config,
    logger,
    port: args.port,
    ...(signalsPort !== undefined
      ? {
          signals: {
            model: args.model ? SignalModel.load(args.model) : SignalModel.latest(config.settings.dataRoot),
            features: { riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield, newsLookbackMinutes: c.newsLookbackMinutes },
            port: signalsPort,
            warmStart: args['warm-start'],
          },
        }
      : {}),
    ignoreMarketHours: args['ignore-market-hours'],
    ...(args['options-date'] ? { optionsDate: requireTradingDay(args['options-date'], '--options-date') } : {}),
    // Fails fast with one line naming the URL (never its password) when Redis is unreachable.
    ...(args['bar-log'] ? { barLog: new RedisStreamBarLog({ redis: await connectRedis(args['bar-log']), namespace: 'spyglass' }) } : {}),
  });
} catch (e) {
  fail(e);
}

process.stdout.write(`streamer: /metrics and /health on ${streamer.url}\n`);
if (streamer.signalsUrl) process.stdout.write(`streamer: live signals at ${streamer.signalsUrl}\n`);
let signals = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  // A second signal means "now": the flush of the first one is abandoned.
  if (++signals > 1) {
    process.stderr.write(`streamer: second ${signal}, exiting without waiting for the flush\n`);
    process.exit(1);
  }
  process.stderr.write(`streamer: ${signal}, flushing and stopping\n`);
  void streamer.stop();
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

// Every stream ended (stopped, failed, or its feed closed): close the server and report.
const summary = await streamer.done;
await streamer.stop();
process.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : `${summaryLine(summary)}\n`);
// Exit explicitly: an idle keep-alive socket of the REST client must not keep a stopped daemon alive.
process.exit(exitCodeFor(summary));
