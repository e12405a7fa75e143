// `spyglass ml analyze-errors`: the cost of the model's wrong signals, from a trades CSV or a fresh backtest.
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { SpyglassError } from '@spyglass/core';
import {
  asciiHistogram,
  expectedValue,
  falsePositives,
  formatErrorAnalysis,
  histogram,
  parseTradesCsv,
  riskReport,
  runBacktest,
  stopLossImpact,
  type Trade,
} from '@spyglass/ml';
import { loadContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';
import { writeText } from './report-files.js';

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
const finite = (xs: readonly number[]) => xs.filter(Number.isFinite);

/** The arguments of `spyglass ml analyze-errors`. */
export interface ErrorsArgs extends ModelArgs {
  trades?: string;
  threshold?: number;
  output?: string;
}

/**
 * `spyglass ml analyze-errors`: how bad the false positives got, what stops would do, EV per trade.
 *
 * @example
 * ```sh
 * spyglass ml analyze-errors --trades data/reports/ml/backtest/xgboost_v2_trades_….csv --output risk.json
 * ```
 */
export const analyzeErrorsCommand = defineCommand({
  command: 'analyze-errors',
  describe: 'false-positive drawdowns (distribution, buckets), stop-loss impact, expected value and break-even win rate',
  builder: (y) =>
    y.options({
      trades: { type: 'string', describe: 'trades CSV from `ml backtest` (default: backtest --model now)' },
      ...modelOption,
      ...rangeOptions,
      threshold: { type: 'number', describe: 'threshold of the backtest run when --trades is not given' },
      output: { type: 'string', describe: 'also write the risk report as JSON here' },
    }),
  handler: async (a) => {
    const ctx = loadContext(a);
    let trades: Trade[];
    let source: string;
    if (a.trades) {
      let text: string;
      try {
        text = readFileSync(a.trades, 'utf8');
      } catch (cause) {
        throw new SpyglassError('NOT_FOUND', `cannot read trades CSV ${a.trades}: ${(cause as Error).message}`, { cause });
      }
      trades = parseTradesCsv(text);
      source = a.trades;
    } else {
      const threshold = checkedProbability('threshold', a.threshold);
      const m = loadModel(ctx, a);
      const r = runBacktest(m.artifact, await tableForModel(ctx, m, a), { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
      trades = r.trades;
      source = `backtest of ${m.dir} at threshold ${r.metrics.threshold}`;
    }
    const fp = falsePositives(trades);
    const tp = trades.filter((t) => t.isTruePositive);
    const risk = riskReport(fp);
    const stops = stopLossImpact(fp);
    const losses = finite(fp.map((t) => t.minLoss120m));
    // As the original: EV at the signals' precision, losses capped by the conservative (p75) stop.
    const ev =
      trades.length && tp.length && losses.length
        ? expectedValue({
            precision: tp.length / trades.length,
            avgWin: mean(finite(tp.map((t) => t.maxGain120m))),
            avgLoss: mean(losses),
            stopLoss: risk.recommendedStops.conservative,
          })
        : undefined;
    const hist = histogram(losses, 10);
    const result = { source, trades: trades.length, truePositives: tp.length, falsePositives: fp.length, risk, stopLossImpact: stops, expectedValue: ev ?? null, drawdownHistogram: hist };
    if (a.output) writeText(a.output, `${JSON.stringify(result, null, 2)}\n`);
    printResult(a, { ...result, output: a.output ?? null }, () =>
      [
        `Error analysis of ${trades.length} signals (${source})`,
        ...(losses.length ? ['False-positive worst drawdown within 120 min (%)', asciiHistogram(hist, 40, (v) => (100 * v).toFixed(1))] : ['no false positives with a known drawdown']),
        formatErrorAnalysis(risk, stops, ev),
        ...(ev ? [] : ['Expected value: n/a (needs both true and false positives)']),
        ...(a.output ? [`  report: ${a.output}`] : []),
      ].join('\n'),
    );
  },
});
