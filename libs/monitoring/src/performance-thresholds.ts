import type { ValidationIssue } from '@spyglass/core';

/**
 * Limits the {@link PerformanceMonitor} checks against, as decoded from the `monitoring.performance`
 * section of `config/settings.yaml`. Every duration is in milliseconds.
 *
 * @example
 * ```ts
 * const thresholds: PerformanceThresholds = {
 *   ...defaultPerformanceThresholds,
 *   overrunMs: 2_000,
 *   operations: { 'rest.fetch': { overrunMs: 10_000 } },
 * };
 * ```
 */
export interface PerformanceThresholds extends OperationThresholds {
  /** Per-operation overrides, keyed by operation name (e.g. `rest.fetch`, `parquet.write`). */
  readonly operations?: Readonly<Record<string, Partial<OperationThresholds>>>;
}

/**
 * The limits that may be overridden per operation.
 *
 * @example
 * ```ts
 * const limits: OperationThresholds = { ...defaultPerformanceThresholds, overrunMs: 10_000 };
 * ```
 */
export interface OperationThresholds {
  /** One completed operation slower than this is an `overrun`. */
  readonly overrunMs: number;
  /** An operation still running after this long is `stale` (warning). */
  readonly staleMs: number;
  /** An operation still running after this long is `hung` (critical). */
  readonly hungMs: number;
  /** No completed operation carrying items for this long is `no_data` (only while active). */
  readonly noDataMs: number;
  /** Recent mean duration above `degradationFactor` × the baseline mean is `degradation`. */
  readonly degradationFactor: number;
  /** Length of the "recent" slice compared against the rest of the window for degradation. */
  readonly recentWindowMs: number;
  /** Samples needed in both the recent slice and the baseline before degradation is judged. */
  readonly minSamples: number;
  /** This many failures or overruns within `burstWindowMs` is a `burst`. */
  readonly burstCount: number;
  /** The window a burst is counted in. */
  readonly burstWindowMs: number;
}

/**
 * Defaults taken from the original's `monitoring.performance` settings: 5 s overrun, stale at 1 min,
 * hung at 5 min, no data for 5 min, 2× degradation over a 5 min slice, 5 failures in 1 min is a burst.
 *
 * @example
 * ```ts
 * const monitor = new PerformanceMonitor({ session: 'w1', thresholds: defaultPerformanceThresholds });
 * ```
 */
export const defaultPerformanceThresholds: PerformanceThresholds = Object.freeze({
  overrunMs: 5_000,
  staleMs: 60_000,
  hungMs: 300_000,
  noDataMs: 300_000,
  degradationFactor: 2,
  recentWindowMs: 300_000,
  minSamples: 5,
  burstCount: 5,
  burstWindowMs: 60_000,
});

const positiveKeys: ReadonlyArray<keyof OperationThresholds> = [
  'overrunMs',
  'staleMs',
  'hungMs',
  'noDataMs',
  'degradationFactor',
  'recentWindowMs',
  'minSamples',
  'burstCount',
  'burstWindowMs',
];

function checkValues(t: Partial<OperationThresholds>, path: ReadonlyArray<string>, issues: ValidationIssue[]): void {
  for (const key of positiveKeys) {
    const value = t[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      issues.push({ code: 'NOT_POSITIVE', path: [...path, key], message: `${key} must be a positive finite number, got ${String(value)}` });
    }
  }
  if (typeof t.degradationFactor === 'number' && t.degradationFactor > 0 && t.degradationFactor <= 1) {
    issues.push({ code: 'FACTOR_TOO_SMALL', path: [...path, 'degradationFactor'], message: `degradationFactor must be > 1, got ${t.degradationFactor}` });
  }
}

// Cross-field rule on the merged limits, so an override of only hungMs is checked against the inherited staleMs.
function checkOrder(t: OperationThresholds, path: ReadonlyArray<string>, issues: ValidationIssue[]): void {
  if (t.hungMs < t.staleMs) {
    issues.push({ code: 'HUNG_BEFORE_STALE', path: [...path, 'hungMs'], message: `hungMs (${t.hungMs}) must be >= staleMs (${t.staleMs})` });
  }
}

/**
 * Checks a thresholds object (top level and every per-operation override) and lists every problem
 * instead of throwing, so a config loader can report them all with their key paths.
 *
 * @example
 * ```ts
 * const issues = validatePerformanceThresholds({ ...defaultPerformanceThresholds, hungMs: 10 });
 * // [{ code: 'HUNG_BEFORE_STALE', path: ['hungMs'], message: 'hungMs (10) must be >= staleMs (60000)' }]
 * ```
 */
export function validatePerformanceThresholds(thresholds: PerformanceThresholds): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkValues(thresholds, [], issues);
  checkOrder(thresholds, [], issues);
  for (const [name, override] of Object.entries(thresholds.operations ?? {})) {
    checkValues(override, ['operations', name], issues);
    if (override.hungMs !== undefined || override.staleMs !== undefined) {
      checkOrder(thresholdsFor(thresholds, name), ['operations', name], issues);
    }
  }
  return issues;
}

/**
 * The effective limits for one operation: its override merged over the top-level limits.
 *
 * @example
 * ```ts
 * thresholdsFor({ ...defaultPerformanceThresholds, operations: { slow: { overrunMs: 9_000 } } }, 'slow').overrunMs; // 9000
 * ```
 */
export function thresholdsFor(thresholds: PerformanceThresholds, operation: string): OperationThresholds {
  return { ...thresholds, ...(thresholds.operations?.[operation] ?? {}) };
}
