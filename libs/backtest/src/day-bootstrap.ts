import { SpyglassError, seededRandom } from '@spyglass/core';

/**
 * A statistic with its bootstrap confidence interval.
 *
 * @example
 * ```ts
 * const days = [{ pnl: 12.5 }, { pnl: -4 }, { pnl: 30 }];
 * const ci: Interval = bootstrapDays(days, (s) => s.reduce((a, d) => a + d.pnl, 0) / s.length);
 * console.log(`${ci.estimate} [${ci.low}, ${ci.high}]`);
 * ```
 */
export interface Interval {
  /** The statistic on the days as they are; null when undefined there (e.g. no trades). */
  readonly estimate: number | null;
  /** Lower and upper percentile of the resampled statistic; null when too few resamples defined it. */
  readonly low: number | null;
  readonly high: number | null;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
  /** Resamples on which the statistic was defined. */
  readonly draws: number;
}

/**
 * Options of {@link bootstrapDays}.
 *
 * @example
 * ```ts
 * const opts: BootstrapOptions = { draws: 2000, seed: 7, level: 0.9 };
 * ```
 */
export interface BootstrapOptions {
  /** Resamples (default 1,000). */
  readonly draws?: number;
  /** Seed of the resampling (default 42): the same inputs give the same interval. */
  readonly seed?: number;
  /** Default 0.95. */
  readonly level?: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Percentile bootstrap over days: resamples the days with replacement (seeded), recomputes the
 * statistic on each resample and returns the central `level` interval. Resampling whole days keeps
 * the trades of one day together, since they share that day's market.
 *
 * @example
 * ```ts
 * const perDay = [{ wins: 3, signals: 4 }, { wins: 1, signals: 2 }, { wins: 5, signals: 5 }];
 * const precision = bootstrapDays(perDay, (s) => {
 *   const n = s.reduce((a, d) => a + d.signals, 0);
 *   return n ? s.reduce((a, d) => a + d.wins, 0) / n : null;
 * });
 * ```
 */
export function bootstrapDays<T>(days: readonly T[], statistic: (sample: readonly T[]) => number | null, options: BootstrapOptions = {}): Interval {
  const draws = options.draws ?? 1000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(draws) && draws >= 1)) throw new SpyglassError('INVALID_ARGUMENT', `bootstrapDays: draws = ${draws}: must be an integer ≥ 1`);
  if (!(level > 0 && level < 1)) throw new SpyglassError('INVALID_ARGUMENT', `bootstrapDays: level = ${level}: must be in (0, 1)`);
  const estimate = days.length ? statistic(days) : null;
  const random = seededRandom(options.seed ?? 42);
  const values: number[] = [];
  const sample = new Array<T>(days.length);
  for (let b = 0; days.length && b < draws; b++) {
    for (let i = 0; i < days.length; i++) sample[i] = days[Math.floor(random() * days.length)]!;
    const v = statistic(sample);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  // Fewer than 20 defined resamples cannot place a 95 % interval's ends.
  const enough = values.length >= Math.min(20, draws);
  const tail = (1 - level) / 2;
  return {
    estimate,
    low: enough ? quantile(values, tail) : null,
    high: enough ? quantile(values, 1 - tail) : null,
    level,
    draws: values.length,
  };
}
