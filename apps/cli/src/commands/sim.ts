import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { SpyglassError } from '@spyglass/core';
import { createExchangeSim, formatSimStats, simStatsForSeed, type FaultOptions } from '@spyglass/exchange-sim';
import { printResult, type GlobalArgs } from '../output.js';

interface ServeArgs extends GlobalArgs {
  port: number;
  host: string;
  seed: string;
  speed: number;
  'session-date'?: string;
  'rate-limit'?: number;
  faults?: string;
  'fault-seed': number;
  'max-connections': number;
}

/**
 * Parses `--faults rate429=0.1,truncatedRate=0.05,wsDropAfter=100` into the simulator's fault options.
 *
 * @example
 * ```ts
 * parseFaults('rate429=0.1,rate5xx=0.05'); // { rate429: 0.1, rate5xx: 0.05 }
 * ```
 */
export function parseFaults(spec: string | undefined): FaultOptions {
  if (!spec) return {};
  const known = ['rate429', 'rate5xx', 'slowRate', 'slowMs', 'truncatedRate', 'invalidJsonRate', 'resetRate', 'wsDropRate', 'wsDropAfter', 'wsDuplicateRate', 'wsOutOfOrderRate'];
  const out: Record<string, number> = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!k || !known.includes(k) || v === undefined || !Number.isFinite(n) || n < 0) {
      throw new SpyglassError('INVALID_ARGUMENT', `--faults: "${part}" is not name=number with a name among ${known.join(', ')}`, { details: { part } });
    }
    // rate429, slowRate, wsDropRate…: probabilities; slowMs, wsDropAfter: counts.
    if (/^rate|Rate$/.test(k) && n > 1) {
      throw new SpyglassError('INVALID_ARGUMENT', `--faults: "${part}": ${k} is a probability and must be between 0 and 1`, { details: { part } });
    }
    out[k] = n;
  }
  return out as FaultOptions;
}

const serve = defineCommand({
  command: 'serve',
  describe: 'run the loopback exchange simulator (Massive REST + WebSocket protocol) until Ctrl-C',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 8080 })
      .option('host', { type: 'string', default: '127.0.0.1' })
      .option('seed', { type: 'string', default: '42', describe: 'market seed: same seed, same bars' })
      .option('speed', { type: 'number', default: 60, describe: 'WebSocket replay speed: 1 real time, N× faster, 0 as fast as possible' })
      .option('session-date', { type: 'string', describe: 'session the WebSocket feed replays (YYYY-MM-DD)' })
      .option('rate-limit', { type: 'number', describe: 'requests per minute per key (e.g. 5, the free plan)' })
      .option('faults', { type: 'string', describe: 'fault rates, e.g. rate429=0.1,rate5xx=0.05,truncatedRate=0.02,wsDropRate=0.01' })
      .option('fault-seed', { type: 'number', default: 1 })
      .option('max-connections', { type: 'number', default: 1 }),
  handler: async (a) => {
    const sim = await createExchangeSim({
      seed: a.seed,
      port: a.port,
      host: a.host,
      speed: a.speed,
      sessionDate: a['session-date'],
      rateLimitPerMinute: a['rate-limit'],
      faults: parseFaults(a.faults),
      faultSeed: a['fault-seed'],
      maxConnections: a['max-connections'],
    });
    printResult(a, { rest: sim.url, ws: sim.wsUrl, seed: a.seed }, () =>
      [`exchange simulator on ${sim.url} (WebSocket ${sim.wsUrl}/stocks|options|indices), seed ${a.seed}`,
        `point spyglass at it: MASSIVE_API_KEY=any MASSIVE_REST_URL=${sim.url} MASSIVE_WS_URL=${sim.wsUrl}`].join('\n'));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
  },
});

interface StatsArgs extends GlobalArgs {
  seed: string;
  from?: string;
  to?: string;
  days: number;
  'calibration-days': number;
}

const stats = defineCommand({
  command: 'stats',
  describe: "measure the simulator's statistics (volatility vs VIX, volume, option pricing, moves, news drift), the stylized facts of real SPY minutes beside its own, and its calibration against the original's real-data figures",
  builder: (y) =>
    y
      .option('seed', { type: 'string', default: '42' })
      .option('from', { type: 'string' })
      .option('to', { type: 'string' })
      .option('days', { type: 'number', default: 20, describe: 'sessions sampled' })
      .option('calibration-days', { type: 'number', default: 84, describe: "sessions of the original's year (Mar 2025 – Feb 2026) the calibration scans" }),
  handler: (a) => {
    const s = simStatsForSeed(a.seed, { from: a.from, to: a.to, maxDays: a.days, calibration: { days: a['calibration-days'] } });
    printResult(a, s, () => `${formatSimStats(s)}\n(simulator figures, not market results)`);
  },
});

/** `spyglass sim serve|stats`. */
export const simCommand = defineCommand({
  command: 'sim <command>',
  describe: 'the loopback exchange simulator',
  builder: (y) => y.command(serve).command(stats).demandCommand(1),
  handler: () => undefined,
});
