import type { SettingsConfig } from '@spyglass/core';
import { defaultPerformanceThresholds, type PerformanceThresholds } from '@spyglass/monitoring';

/**
 * `settings.yaml`'s `monitoring.performance` as monitoring's thresholds. `degradationRatio` is a
 * throughput floor (0.5 = "below 50 % of the baseline"); the monitor compares durations, so the
 * factor is its inverse (half the throughput = 2× the duration).
 *
 * @example
 * ```ts
 * const monitor = new PerformanceMonitor({ session: 'streamer', thresholds: performanceThresholds(config.settings.monitoring.performance) });
 * ```
 */
export function performanceThresholds(p: SettingsConfig['monitoring']['performance']): PerformanceThresholds {
  return {
    ...defaultPerformanceThresholds,
    overrunMs: p.overrunMs,
    staleMs: p.staleAfterMs,
    hungMs: p.hungAfterMs,
    noDataMs: p.noDataAfterMs,
    degradationFactor: 1 / p.degradationRatio,
    burstCount: p.burstErrors,
    burstWindowMs: p.burstWindowMs,
  };
}
