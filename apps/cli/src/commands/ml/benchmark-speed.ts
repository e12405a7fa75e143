// `spyglass ml benchmark-speed`: single-row latency, the figure that decides whether live scoring keeps up.
import type { CommandModule } from 'yargs';
import { defineCommand } from '../../define-command.js';
import { Scorer, benchmarkPredictionSpeed, formatSpeedBenchmark } from '@spyglass/ml';
import { loadContext } from '../../context.js';
import { printResult, type GlobalArgs } from '../../output.js';
import { modelOption, type ModelArgs } from './cli-arguments.js';
import { loadModel, xgboostLibrary } from './model-context.js';

/** The arguments of `spyglass ml benchmark-speed`. */
export interface SpeedArgs extends ModelArgs {
  iterations: number;
  'shap-iterations'?: number;
}

/**
 * `spyglass ml benchmark-speed`: single-row predict and SHAP latency against the original's 0.2 ms mean.
 *
 * @example
 * ```sh
 * spyglass ml benchmark-speed --iterations 5000 --json
 * ```
 */
export const benchmarkSpeedCommand = defineCommand({
  command: 'benchmark-speed',
  describe: 'single-row prediction latency (p50/p95/p99 vs the original’s 0.2 ms mean) and SHAP explanation latency',
  builder: (y) =>
    y.options({
      ...modelOption,
      iterations: { type: 'number', default: 1000, describe: 'timed single-row predictions' },
      'shap-iterations': { type: 'number', describe: 'timed SHAP explanations (default iterations / 10, at least 50)' },
    }),
  handler: (a) => {
    const ctx = loadContext(a);
    const m = loadModel(ctx, a);
    using scorer = Scorer.fromArtifact(m.artifact, xgboostLibrary());
    // The original timed a zero vector: latency of a tree walk barely depends on the values.
    const row = new Float32Array(scorer.featureColumns.length);
    const predict = benchmarkPredictionSpeed(() => scorer.probability(row), { iterations: a.iterations });
    const shapIterations = a['shap-iterations'] ?? Math.max(50, Math.round(a.iterations / 10));
    const shap = benchmarkPredictionSpeed(() => scorer.explain(row), { iterations: shapIterations, warmup: 5 });
    printResult(a, { model: m.dir, version: m.artifact.version, features: scorer.featureColumns.length, predict, shap }, () =>
      [
        formatSpeedBenchmark(predict),
        `SHAP explanation latency (${shap.iterations} calls, top-10 factors with readings)`,
        `  mean ${shap.meanMs.toFixed(3)} ms | p50 ${shap.p50Ms.toFixed(3)} | p95 ${shap.p95Ms.toFixed(3)} | p99 ${shap.p99Ms.toFixed(3)} | max ${shap.maxMs.toFixed(3)}`,
      ].join('\n'),
    );
  },
});
