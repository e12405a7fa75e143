// `spyglass ml walk-forward`: retraining month by month shows whether the edge holds across regimes.
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { formatWalkForward, loadFeatureTable, runWalkForward, walkForwardAsciiChart, walkForwardWindows } from '@spyglass/ml';
import { trainerConfigFrom } from '@spyglass/pipeline';
import { loadWritingContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { checkedDay, checkedProbability, rangeOptions, type RangeArgs } from './cli-arguments.js';
import { xgboostLibrary } from './model-context.js';
import { writeText } from './report-files.js';
import { dataRootLayout } from '@spyglass/core';
import { WalkForwardJobs, connectRedis } from '@spyglass/cluster';
import { exitCodeOf, stopOnSignal } from '../../stop-signal.js';

/** The arguments of `spyglass ml walk-forward`. */
export interface WalkForwardArgs extends RangeArgs {
  mode?: 'rolling' | 'expanding';
  'train-months'?: number;
  'test-months'?: number;
  'step-months'?: number;
  threshold?: number;
  rounds?: number;
  'allow-partial-test': boolean;
  output?: string;
  queue?: string;
  namespace: string;
}

/**
 * `spyglass ml walk-forward`: retrain per month window and test on the following month(s).
 *
 * @example
 * ```sh
 * spyglass ml walk-forward --mode expanding --train-months 3 --test-months 1 --threshold 0.67
 * ```
 */
export const walkForwardCommand = defineCommand({
  command: 'walk-forward',
  describe: 'walk-forward validation over month windows (rolling or expanding), purged by the label horizon',
  builder: (y) =>
    y.options({
      ...rangeOptions,
      mode: { choices: ['rolling', 'expanding'] as const, describe: 'window mode (default ml.walkForward.mode)' },
      'train-months': { type: 'number', describe: 'training window in months (default ml.walkForward.trainMonths)' },
      'test-months': { type: 'number', describe: 'test window in months (default ml.walkForward.testMonths)' },
      'step-months': { type: 'number', describe: 'months the windows advance (default ml.walkForward.stepMonths)' },
      threshold: { type: 'number', describe: 'signal threshold (default ml.threshold.default)' },
      rounds: { type: 'number', describe: 'boosting rounds per split (default ml.xgboost.numRounds)' },
      'allow-partial-test': { type: 'boolean', default: false, describe: 'keep a last test window that ends after the data (the original dropped it)' },
      output: { type: 'string', describe: 'results JSON (default <data-root>/reports/walk_forward/walk_forward_results.json)' },
      queue: { type: 'string', describe: 'Redis URL of a cluster: the folds run as jobs on its workers (`spyglass worker --queue`, same data root or store)' },
      namespace: { type: 'string', default: 'spyglass', describe: 'Redis key prefix shared by the machines of one deployment' },
    }),
  handler: async (a) => {
    const ctx = loadWritingContext(a, a.rounds === undefined ? {} : { ml: { xgboost: { numRounds: a.rounds } } });
    const wf = ctx.config.ml.walkForward;
    const horizon = ctx.config.pipeline.labels.windowMinutes;
    const threshold = checkedProbability('threshold', a.threshold) ?? ctx.config.ml.threshold.default;
    const from = checkedDay('start-date', a['start-date']);
    const to = checkedDay('end-date', a['end-date']);
    const table = await loadFeatureTable({ root: ctx.dataRoot, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    const config = {
      mode: a.mode ?? wf.mode,
      trainMonths: a['train-months'] ?? wf.trainMonths,
      testMonths: a['test-months'] ?? wf.testMonths,
      stepMonths: a['step-months'] ?? wf.stepMonths,
      purgeMinutes: Math.max(wf.purgeMinutes, horizon),
      labelHorizonMinutes: horizon,
      threshold,
      allowPartialTest: a['allow-partial-test'],
    };
    if (!a.json) {
      // The original previewed the splits before the (slow) retraining starts.
      const windows = walkForwardWindows(table.date, config);
      process.stderr.write(`${windows.length} split(s):\n${windows.map((w) => `  ${w.testMonth}: train ${w.trainFrom} → ${w.trainTo}, test ${w.testFrom} → ${w.testTo}`).join('\n')}\n`);
    }
    const redis = a.queue ? await connectRedis(a.queue) : undefined;
    const jobs = redis ? new WalkForwardJobs({ redis, namespace: a.namespace }) : undefined;
    // Queued folds outlive this process: SIGTERM/SIGINT gives the run up so no worker trains them later.
    const stop = jobs ? stopOnSignal() : undefined;
    const result = await runWalkForward(table, {
      ...xgboostLibrary(),
      config,
      trainer: trainerConfigFrom(ctx.config.ml),
      ...(jobs ? { folds: jobs.runner(table, { ...(from ? { from } : {}), ...(to ? { to } : {}) }, stop?.signal) } : {}),
      onSplit: (s) => {
        if (!a.json) process.stderr.write(`  ${s.window.testMonth}: ${s.status}${s.status === 'OK' ? `, ${s.totalSignals} signals` : ` (${s.reason})`}\n`);
      },
    })
      .catch((e: unknown) => {
        if (!stop?.signal.aborted) throw e;
        const sig = stop.signal.reason as NodeJS.Signals;
        process.stderr.write(`spyglass: STOPPED: ml walk-forward stopped by ${sig}; its folds still waiting in the queue were removed and the workers skip the rest\n`);
        process.exit(exitCodeOf(sig));
      })
      .finally(async () => {
        stop?.dispose();
        await jobs?.close();
        await redis?.quit();
      });
    const output = writeText(a.output ?? dataRootLayout(ctx.dataRoot).report('walk_forward', 'walk_forward_results.json'), `${JSON.stringify(result, null, 2)}\n`);
    printResult(a, { ...result, output }, () => [formatWalkForward(result), walkForwardAsciiChart(result), `  results: ${output}`].join('\n'));
  },
});
