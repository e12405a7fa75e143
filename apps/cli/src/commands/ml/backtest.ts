// `spyglass ml backtest`: the model's signals on days it never trained on, as trades and metrics;
// with --pnl, traded on the option bars with costs, intervals and baselines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from '../../define-command.js';
import { dataRootLayout, SpyglassError } from '@spyglass/core';
import { formatPnlSummary, pnlTradesCsv, type TradeRules } from '@spyglass/backtest';
import { formatBacktestSummary, runBacktest, tradesCsv, trainingOverlap } from '@spyglass/ml';
import { runPnlBacktest } from '@spyglass/pipeline';
import { loadWritingContext, type CliContext } from '../../context.js';
import { printResult } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';
import { stamp, writeText } from './report-files.js';

/** The arguments of `spyglass ml backtest --pnl` (the numeric ones checked by the CLI's flag rules). */
export interface PnlArgs extends ModelArgs {
  threshold?: number | undefined;
  'output-dir'?: string | undefined;
  'take-profit'?: number | undefined;
  'stop-loss'?: number | undefined;
  slippage?: number | undefined;
  commission?: number | undefined;
  contracts?: number | undefined;
  premium?: number | undefined;
  'max-positions'?: number | undefined;
  'random-draws'?: number | undefined;
  'bootstrap-draws'?: number | undefined;
  'random-seed'?: number | undefined;
  linear?: boolean | undefined;
  'data-source'?: string | undefined;
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

/** The trade rules the flags set; unset flags keep `DEFAULT_TRADE_RULES`. */
function tradeRules(a: PnlArgs): Partial<TradeRules> {
  if (a.contracts !== undefined && a.premium !== undefined) throw new SpyglassError('INVALID_ARGUMENT', '--contracts and --premium are alternatives: pass one');
  return {
    ...(a['take-profit'] === undefined ? {} : { takeProfit: a['take-profit'] }),
    ...(a['stop-loss'] === undefined ? {} : { stopLoss: a['stop-loss'] === 0 ? null : a['stop-loss'] }),
    ...(a.slippage === undefined ? {} : { slippage: a.slippage }),
    ...(a.commission === undefined ? {} : { commissionPerContract: a.commission }),
    ...(a['max-positions'] === undefined ? {} : { maxOpenPositions: a['max-positions'] }),
    ...(a.premium !== undefined ? { sizing: { kind: 'premium', premium: a.premium } as const } : a.contracts !== undefined ? { sizing: { kind: 'contracts', contracts: a.contracts } as const } : {}),
  };
}

async function pnlBacktest(ctx: CliContext, a: PnlArgs, threshold: number | undefined): Promise<void> {
  const rules = tradeRules(a);
  const m = loadModel(ctx, a);
  const table = await tableForModel(ctx, m, a);
  const evaluation = await runPnlBacktest({
    root: ctx.dataRoot,
    artifact: m.artifact,
    table,
    requestedDays: a['start-date'] || a['end-date'] ? [...new Set(table.date)] : [],
    simulator: isSimulator(ctx, a['data-source']),
    linearBaseline: a.linear !== false,
    rules,
    ...xgboostLibrary(),
    ...(threshold === undefined ? {} : { threshold }),
    ...(a['random-draws'] === undefined ? {} : { randomDraws: a['random-draws'] }),
    ...(a['bootstrap-draws'] === undefined ? {} : { bootstrapDraws: a['bootstrap-draws'] }),
    ...(a['random-seed'] === undefined ? {} : { seed: a['random-seed'] }),
  });
  const outDir = a['output-dir'] ?? dataRootLayout(ctx.dataRoot).mlReport('backtest');
  const ts = stamp();
  const trades = writeText(join(outDir, `${m.artifact.version}_pnl_trades_${ts}.csv`), pnlTradesCsv(evaluation.trades));
  const { trades: _trades, ...figures } = evaluation;
  const summary = { model: m.dir, version: m.artifact.version, ...figures, tradesCsv: trades };
  const report = writeText(join(outDir, `${m.artifact.version}_pnl_${ts}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  printResult(a, { ...summary, report }, () => `${formatPnlSummary(evaluation)}\ntrades:  ${trades}\nreport:  ${report}`);
}

/**
 * `spyglass ml backtest`: the model's held-out test days only; trades CSV and metrics incl. lift.
 * With `--pnl`, the trading backtest (see `@spyglass/backtest`): fills at the next bar's open with
 * slippage and commissions, exits, P&L with bootstrap intervals, baselines and calibration.
 *
 * @example
 * ```sh
 * spyglass ml backtest --model data/models/xgboost_v2 --threshold 0.67
 * spyglass ml backtest --pnl --stop-loss 0.3 --slippage 0.02 --json
 * ```
 */
export const backtestCommand = defineCommand({
  command: 'backtest',
  describe: 'backtest a model on its held-out test days: trades CSV (with max_gain_<N>m, min_loss_<N>m named after the label window) and metrics incl. lift; --pnl trades them with costs and baselines',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      threshold: { type: 'number', describe: 'signal threshold (default: the artifact’s)' },
      'output-dir': { type: 'string', describe: 'output directory (default <data-root>/reports/ml/backtest)' },
      'allow-training-days': { type: 'boolean', default: false, describe: 'evaluate even when the test days overlap the model’s train/validation range (flagged in the output; never with --pnl)' },
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
      'random-seed': { type: 'number', describe: '--pnl: seed of the random entries and the bootstrap (default 42)' },
      linear: { type: 'boolean', default: true, describe: '--pnl: train the gblinear baseline (--no-linear skips it)' },
      'data-source': { type: 'string', choices: ['simulator', 'market'] as const, describe: '--pnl: where the bars came from (default: as the latest training report records it)' },
    }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const threshold = checkedProbability('threshold', a.threshold);
    if (a.pnl) return pnlBacktest(ctx, a, threshold);
    const m = loadModel(ctx, a);
    const table = await tableForModel(ctx, m, a);
    const result = runBacktest(m.artifact, table, { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
    // A --start-date/--end-date range is split afresh, so its "test" part can be days the model learned from.
    const seen = trainingOverlap(m.artifact, result.testDays);
    const { train, validation } = m.artifact.dataRange;
    const seenWhy = `${seen.length} of ${result.testDays.length} test days (${seen[0]}…${seen.at(-1)}) lie in the model's train (${train.from}…${train.to}) or validation (${validation.from}…${validation.to}) range`;
    if (seen.length > 0 && !a['allow-training-days']) {
      throw new SpyglassError('INVALID_ARGUMENT', `ml backtest: ${seenWhy}: its metrics there are not a test. Start after ${validation.to}, or pass --allow-training-days to evaluate anyway (flagged)`, {
        details: { trainingDays: seen },
      });
    }
    const outDir = a['output-dir'] ?? dataRootLayout(ctx.dataRoot).mlReport('backtest');
    const ts = stamp();
    const trades = writeText(join(outDir, `${m.artifact.version}_trades_${ts}.csv`), tradesCsv(result.trades, table.labelWindowMinutes));
    const summary = { model: m.dir, version: m.artifact.version, testDays: result.testDays, trainingDaysInTest: seen, metrics: result.metrics, trades };
    const report = writeText(join(outDir, `${m.artifact.version}_backtest_${ts}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    const warning = seen.length > 0 ? `WARNING: ${seenWhy}; these figures are optimistic, not a test.\n` : '';
    printResult(a, { ...summary, report }, () => warning + formatBacktestSummary(result.metrics, { trades, report }) + (warning ? `\n${warning.trimEnd()}` : ''));
  },
});
