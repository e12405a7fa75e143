import { performance } from 'node:perf_hooks';
import { SpyglassError } from '@spyglass/core';

/**
 * The original's measured single-sample `predict_proba` mean (xgboost_v2, Python): 0.2 ms.
 *
 * @example
 * ```ts
 * const s = benchmarkPredictionSpeed(() => scorer.probability(row));
 * console.log(`${(s.meanMs / ORIGINAL_MEAN_LATENCY_MS).toFixed(1)}× the original's mean`);
 * ```
 */
export const ORIGINAL_MEAN_LATENCY_MS = 0.2;

/**
 * The original's latency requirement per prediction.
 *
 * @example
 * ```ts
 * const ok = benchmarkPredictionSpeed(() => scorer.probability(row)).p99Ms < LATENCY_REQUIREMENT_MS;
 * ```
 */
export const LATENCY_REQUIREMENT_MS = 100;

/**
 * Latency statistics of a prediction function, in milliseconds.
 *
 * @example
 * ```ts
 * const s: SpeedBenchmark = benchmarkPredictionSpeed(() => scorer.probability(row), { iterations: 1000 });
 * console.log(formatSpeedBenchmark(s));
 * ```
 */
export interface SpeedBenchmark {
  readonly iterations: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** meanMs / the original's 0.2 ms; below 1 is faster than the Python original (figure measured elsewhere). */
  readonly ratioToOriginalMean: number;
  readonly meets100msRequirement: boolean;
}

/**
 * Percentile by linear interpolation between closest ranks (numpy's default).
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2.5
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/**
 * Times `predict()` (one single-row prediction per call) after a warm-up, as the original's
 * `benchmark_prediction_speed`: mean, p50, p95, p99 and max latency.
 *
 * @example
 * ```ts
 * using scorer = Scorer.load('data/models/xgboost_v1');
 * const row = new Float32Array(scorer.featureColumns.length);
 * const stats = benchmarkPredictionSpeed(() => scorer.probability(row), { iterations: 1000 });
 * ```
 */
export function benchmarkPredictionSpeed(
  predict: () => unknown,
  options: { iterations?: number; warmup?: number; now?: () => number } = {},
): SpeedBenchmark {
  const { iterations = 1000, warmup = 20, now = () => performance.now() } = options;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new SpyglassError('INVALID_ARGUMENT', `iterations must be a positive integer, got ${iterations}`);
  }
  for (let i = 0; i < warmup; i++) predict();
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    predict();
    samples[i] = now() - t0;
  }
  const meanMs = samples.reduce((a, b) => a + b, 0) / iterations;
  const p99Ms = percentile(samples, 99);
  return {
    iterations,
    meanMs,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    p99Ms,
    maxMs: Math.max(...samples),
    ratioToOriginalMean: meanMs / ORIGINAL_MEAN_LATENCY_MS,
    meets100msRequirement: p99Ms < LATENCY_REQUIREMENT_MS,
  };
}
