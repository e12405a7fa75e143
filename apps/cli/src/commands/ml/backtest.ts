// `spyglass ml backtest`: the model's signals on days it never trained on, as trades and metrics;
// with --pnl, traded on the option bars with costs, intervals and baselines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { dataRootLayout, SpyglassError } from '@spyglass/core';
import { formatBacktestSummary, runBacktest, tradesCsv } from '@spyglass/ml';
import { formatPnlSummary, pnlTradesCsv } from '@spyglass/backtest';
import { runPnlBacktest } from '@spyglass/pipeline';
import { loadContext, type CliContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';
import { stamp, writeText } from './report-files.js';

/** The arguments of `spyglass ml backtest`. */
export interface BacktestArgs extends ModelArgs {
  threshold?: number;
  'output-dir'?: string;
  pnl?: boolean;
  'take-profit'?: number;
  'stop-loss'?: number;
  slippage?: number;
  commission?: number;
  contracts?: number;
  premium?: number;
  'max-positions'?: number;
  'random-draws'?: number;
  'bootstrap-draws'?: number;
  seed?: number;
  linear?: boolean;
  'data-source'?: string;
}

const pnlOptions = {
  pnl: { type: 'boolean', default: false, describe: 'trade the signals on the option bars: P&L with costs, bootstrap intervals, random-entry/base-rate/linear baselines, calibration' },
  'take-profit': { type: 'number', describe: '--pnl: take-profit as a fraction of the entry fill (default 0.2)' },
  'stop-loss': { type: 'number', describe: '--pnl: stop-loss as a fraction of the entry fill (default 0.5; 0 = no stop)' },
  slippage: { type: 'number', describe: '--pnl: slippage per fill as a fraction of price (default 0.01)' },
  commission: { type: 'number', describe: '--pnl: dollars per contract per side (default 0.65)' },
  contracts: { type: 'number', describe: '--pnl: contracts per trade (default 1)' },
  premium: { type: 'number', describe: '--pnl: size each trade by this premium in dollars instead of a fixed count' },
  'max-positions': { type: 'number', describe: '--pnl: most positions open at once (default 5)' },
  'random-draws': { type: 'number', describe: '--pnl: random-entry portfolios (default 200)' },
  'bootstrap-draws': { type: 'number', describe: '--pnl: bootstrap resamples of days (default 1000)' },
  seed: { type: 'number', describe: '--pnl: seed of the random entries and the bootstrap (default 42)' },
  linear: { type: 'boolean', default: true, describe: '--pnl: train the gblinear baseline (--no-linear skips it)' },
  'data-source': { type: 'string', choices: ['simulator', 'market'], describe: '--pnl: where the bars came from (default: as the latest training report records it)' },
} as const;

function checked(flag: string, value: number | undefined, ok: (v: number) => boolean, what: string): number | undefined {
  if (value !== undefined && !ok(value)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} must be ${what}, got ${value}`);
  return value;
}

/** Simulator or market days: the flag, else the data source the latest training report states, else unknown. */
function isSimulator(ctx: CliContext, flag: string | undefined): boolean | null {
  if (flag) return flag === 'simulator';
  const summary = dataRootLayout(ctx.dataRoot).modelSummary;
  if (!existsSync(summary)) return null;
  try {
    const source = String((JSON.parse(readFileSync(summary, 'utf8')) as { dataSource?: unknown }).dataSource ?? '');
    return source ? /simulat|synthetic/i.test(source) : null;
  } catch {
    return null;
  }
}

/**
 * `spyglass ml backtest`: the model's held-out test days only; trades CSV and metrics incl. lift.
 * With `--pnl`, the trading backtest (see `@spyglass/backtest`).
 *
 * @example
 * ```sh
 * spyglass ml backtest --model data/models/xgboost_v2 --threshold 0.67
 * spyglass ml backtest --pnl --stop-loss 0.3 --slippage 0.02 --json
 * ```
 */
export const backtestCommand: CommandModule<GlobalArgs, BacktestArgs> = {
  command: 'backtest',
  describe: 'backtest a model on its held-out test days: trades CSV (with max_gain_120m, min_loss_120m) and metrics incl. lift; --pnl trades them with costs and baselines',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      threshold: { type: 'number', describe: 'signal threshold (default: the artifact’s)' },
      'output-dir': { type: 'string', describe: 'output directory (default <data-root>/reports/ml/backtest)' },
      ...pnlOptions,
    }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
    const threshold = checkedProbability('threshold', a.threshold);
    if (a.pnl) return pnlBacktest(ctx, a, threshold);
    const m = loadModel(ctx, a);
    const table = await tableForModel(ctx, m, a);
    const result = runBacktest(m.artifact, table, { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
    const outDir = a['output-dir'] ?? dataRootLayout(ctx.dataRoot).mlReport('backtest');
    const ts = stamp();
    const trades = writeText(join(outDir, `${m.artifact.version}_trades_${ts}.csv`), tradesCsv(result.trades));
    const summary = { model: m.dir, version: m.artifact.version, testDays: result.testDays, metrics: result.metrics, trades };
    const report = writeText(join(outDir, `${m.artifact.version}_backtest_${ts}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    printResult(a, { ...summary, report }, () => formatBacktestSummary(result.metrics, { trades, report }));
  },
};

async function pnlBacktest(ctx: CliContext, a: BacktestArgs, threshold: number | undefined): Promise<void> {
  const fraction = (v: number) => v > 0 && v < 10;
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  const takeProfit = checked('take-profit', a['take-profit'], fraction, 'a fraction > 0 (0.2 = +20 %)');
  const stopLoss = checked('stop-loss', a['stop-loss'], (v) => v >= 0 && v <= 1, 'a fraction in [0, 1] (0 = no stop)');
  const slippage = checked('slippage', a.slippage, (v) => v >= 0 && v < 1, 'a fraction in [0, 1)');
  const commission = checked('commission', a.commission, (v) => v >= 0 && Number.isFinite(v), 'dollars ≥ 0');
  const contracts = checked('contracts', a.contracts, positiveInt, 'an integer ≥ 1');
  const premium = checked('premium', a.premium, (v) => v > 0 && Number.isFinite(v), 'dollars > 0');
  const maxPositions = checked('max-positions', a['max-positions'], positiveInt, 'an integer ≥ 1');
  const randomDraws = checked('random-draws', a['random-draws'], positiveInt, 'an integer ≥ 1');
  const bootstrapDraws = checked('bootstrap-draws', a['bootstrap-draws'], positiveInt, 'an integer ≥ 1');
  const seed = checked('seed', a.seed, Number.isInteger, 'an integer');
  if (contracts !== undefined && premium !== undefined) throw new SpyglassError('INVALID_ARGUMENT', '--contracts and --premium are alternatives: pass one');
  const m = loadModel(ctx, a);
  const table = await tableForModel(ctx, m, a);
  const requested = a['start-date'] || a['end-date'] ? [...new Set(table.date)] : [];
  const evaluation = await runPnlBacktest({
    root: ctx.dataRoot,
    artifact: m.artifact,
    table,
    requestedDays: requested,
    simulator: isSimulator(ctx, a['data-source']),
    linearBaseline: a.linear !== false,
    ...xgboostLibrary(),
    ...(threshold === undefined ? {} : { threshold }),
    rules: {
      ...(takeProfit === undefined ? {} : { takeProfit }),
      ...(stopLoss === undefined ? {} : { stopLoss: stopLoss === 0 ? null : stopLoss }),
      ...(slippage === undefined ? {} : { slippage }),
      ...(commission === undefined ? {} : { commissionPerContract: commission }),
      ...(maxPositions === undefined ? {} : { maxOpenPositions: maxPositions }),
      ...(premium !== undefined ? { sizing: { kind: 'premium', premium } as const } : contracts !== undefined ? { sizing: { kind: 'contracts', contracts } as const } : {}),
    },
    ...(randomDraws === undefined ? {} : { randomDraws }),
    ...(bootstrapDraws === undefined ? {} : { bootstrapDraws }),
    ...(seed === undefined ? {} : { seed }),
  });
  const outDir = a['output-dir'] ?? dataRootLayout(ctx.dataRoot).mlReport('backtest');
  const ts = stamp();
  const trades = writeText(join(outDir, `${m.artifact.version}_pnl_trades_${ts}.csv`), pnlTradesCsv(evaluation.trades));
  const { trades: _trades, ...figures } = evaluation;
  const summary = { model: m.dir, version: m.artifact.version, ...figures, tradesCsv: trades };
  const report = writeText(join(outDir, `${m.artifact.version}_pnl_${ts}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  printResult(a, { ...summary, report }, () => `${formatPnlSummary(evaluation)}\ntrades:  ${trades}\nreport:  ${report}`);
}
