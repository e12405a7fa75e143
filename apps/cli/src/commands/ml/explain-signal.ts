// `spyglass ml explain-signal`: why the model scored one row as it did, in the words a trader reads.
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { SpyglassError } from '@spyglass/core';
import { Scorer, formatExplanation, predictSplit } from '@spyglass/ml';
import { loadContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedProbability, modelOption, rangeOptions, type ModelArgs } from './cli-arguments.js';
import { loadModel, tableForModel, xgboostLibrary } from './model-context.js';

/** The arguments of `spyglass ml explain-signal`. */
export interface ExplainArgs extends ModelArgs {
  ticker?: string;
  timestamp?: string;
  row?: number;
  threshold?: number;
  'top-n': number;
}

function parseTimestamp(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new SpyglassError('INVALID_ARGUMENT', `--timestamp ${value} is neither an ISO-8601 time nor epoch milliseconds`);
  return ms;
}

/**
 * `spyglass ml explain-signal`: SHAP top factors of one scored row, read in plain English.
 *
 * @example
 * ```sh
 * spyglass ml explain-signal --ticker O:SPY250205P00547000 --timestamp 2025-02-05T14:33:00Z
 * ```
 */
export const explainSignalCommand = defineCommand({
  command: 'explain-signal',
  describe: 'explain one prediction with SHAP: top factors in plain English, risk factors, close-call warning (default: the test split’s most confident row)',
  builder: (y) =>
    y.options({
      ...modelOption,
      ...rangeOptions,
      ticker: { type: 'string', describe: 'option ticker (O:SPY…); alone: its most confident test row' },
      timestamp: { type: 'string', describe: 'bar start (ISO-8601 or epoch ms), with --ticker' },
      row: { type: 'number', describe: 'row index within the test split' },
      threshold: { type: 'number', describe: 'threshold (default: the artifact’s)' },
      'top-n': { type: 'number', default: 10, describe: 'factors to show' },
    }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const threshold = checkedProbability('threshold', a.threshold);
    if (a.timestamp !== undefined && a.ticker === undefined) throw new SpyglassError('INVALID_ARGUMENT', '--timestamp needs --ticker');
    if (a.row !== undefined && (a.ticker !== undefined || a.timestamp !== undefined)) throw new SpyglassError('INVALID_ARGUMENT', 'pass either --row or --ticker [--timestamp], not both');
    const m = loadModel(ctx, a);
    const p = predictSplit(m.artifact, await tableForModel(ctx, m, a), xgboostLibrary());
    const test = p.split.test;
    let row: number;
    if (a.row !== undefined) {
      if (!(Number.isInteger(a.row) && a.row >= 0 && a.row < test.rows)) throw new SpyglassError('INVALID_ARGUMENT', `--row ${a.row} is outside the test split's ${test.rows} rows (0…${test.rows - 1})`);
      row = a.row;
    } else {
      const ts = a.timestamp === undefined ? undefined : parseTimestamp(a.timestamp);
      row = -1;
      for (let i = 0; i < test.rows; i++) {
        if (a.ticker !== undefined && test.ticker[i] !== a.ticker) continue;
        if (ts !== undefined && test.timestamp[i] !== ts) continue;
        if (row < 0 || p.test[i]! > p.test[row]!) row = i;
      }
      if (row < 0) {
        const what = a.ticker === undefined ? 'any row' : `${a.ticker}${ts === undefined ? '' : ` at ${new Date(ts).toISOString()}`}`;
        throw new SpyglassError('NOT_FOUND', `no test-split row for ${what} (test days ${p.split.days.test[0]} → ${p.split.days.test.at(-1)})`);
      }
    }
    using scorer = Scorer.fromArtifact(m.artifact, { ...xgboostLibrary(), ...(threshold === undefined ? {} : { threshold }) });
    const cols = scorer.featureColumns.length;
    const explanation = scorer.explain(test.data.subarray(row * cols, (row + 1) * cols), { topN: a['top-n'] });
    const at = { row, ticker: test.ticker[row]!, timestamp: new Date(test.timestamp[row]!).toISOString(), date: test.date[row]!, label: test.label[row]!, maxGain120m: test.maxGain?.[row] ?? null };
    printResult(a, { model: m.dir, version: m.artifact.version, ...at, explanation }, () =>
      [
        `Row ${row} of the test split: ${at.ticker} at ${at.timestamp} (actual: ${at.label ? 'reached +20 %' : 'did not reach +20 %'})`,
        formatExplanation(explanation),
      ].join('\n'),
    );
  },
});
