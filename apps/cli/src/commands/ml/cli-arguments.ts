// The command-line arguments the `spyglass ml …` commands share: the feature-data range, the model
// directory, and the checks that turn a malformed value into a usage error (exit 2) before any work.
import { SpyglassError } from '@spyglass/core';
import type { GlobalArgs } from '../../output.js';

/** `--start-date` / `--end-date`: the trading-day range of the feature data a command reads. */
export interface RangeArgs extends GlobalArgs {
  'start-date'?: string;
  'end-date'?: string;
}
/** {@link RangeArgs} plus `--model`: the model directory a command evaluates. */
export interface ModelArgs extends RangeArgs {
  model?: string;
}

/**
 * The yargs options behind {@link RangeArgs}.
 *
 * @example
 * ```ts
 * builder: (y) => y.options({ ...rangeOptions, rounds: { type: 'number' } })
 * ```
 */
export const rangeOptions = {
  'start-date': { type: 'string', describe: 'first trading day of the feature data (default: all, or the model’s data range)' },
  'end-date': { type: 'string', describe: 'last trading day of the feature data' },
} as const;
/**
 * The yargs option behind {@link ModelArgs}'s `--model`.
 *
 * @example
 * ```ts
 * builder: (y) => y.options({ ...modelOption, ...rangeOptions })
 * ```
 */
export const modelOption = {
  model: { type: 'string', describe: 'model directory (default: the newest under <data-root>/models by savedAt)' },
} as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The value of a date flag, unchanged, or an INVALID_ARGUMENT SpyglassError when it is not YYYY-MM-DD.
 *
 * @example
 * ```ts
 * const from = checkedDay('start-date', a['start-date']); // '2025-03-03' or undefined
 * ```
 */
export function checkedDay(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !DAY.test(value)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${value} is not a YYYY-MM-DD date`);
  return value;
}

/**
 * The value of a probability flag, unchanged, or an INVALID_ARGUMENT SpyglassError when it is not in (0, 1).
 *
 * @example
 * ```ts
 * const threshold = checkedProbability('threshold', a.threshold); // 0.67 or undefined
 * ```
 */
export function checkedProbability(flag: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(value > 0 && value < 1)) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} must be a probability in (0, 1), got ${value}`);
  return value;
}
