import type { DayRange, ModelArtifact } from '../training/model-artifact.js';

/**
 * The days of `days` that the artifact trained or validated on (inside its `dataRange.train` or
 * `dataRange.validation`): metrics on them are not a test, so evaluation commands refuse or flag them.
 *
 * @example
 * ```ts
 * const seen = trainingOverlap(artifact, ['2025-01-06', '2025-03-20']); // ['2025-01-06'] when Jan was training data
 * if (seen.length > 0) throw new Error(`${seen.length} days were used in training`);
 * ```
 */
export function trainingOverlap(artifact: Pick<ModelArtifact, 'dataRange'>, days: readonly string[]): string[] {
  const within = (r: DayRange, d: string) => r.from !== null && r.to !== null && d >= r.from && d <= r.to;
  return days.filter((d) => within(artifact.dataRange.train, d) || within(artifact.dataRange.validation, d));
}
