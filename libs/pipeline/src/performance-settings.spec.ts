import { fileURLToPath } from 'node:url';
import { loadConfig } from '@spyglass/core';
import { PerformanceMonitor, validatePerformanceThresholds } from '@spyglass/monitoring';
import { performanceThresholds } from './performance-settings.js';

const perf = loadConfig({ dir: fileURLToPath(new URL('../../../config', import.meta.url)), env: {} }).settings.monitoring.performance;

describe('performanceThresholds', () => {
  it('maps settings.yaml to valid monitoring thresholds', () => {
    const t = performanceThresholds(perf);
    expect(validatePerformanceThresholds(t)).toEqual([]);
    expect(t).toMatchObject({ overrunMs: perf.overrunMs, staleMs: perf.staleAfterMs, hungMs: perf.hungAfterMs, noDataMs: perf.noDataAfterMs, burstCount: perf.burstErrors });
  });

  // A throughput floor of a fraction r of the baseline is a duration ceiling of 1/r × the baseline.
  it.each([
    [0.5, 2],
    [0.25, 4],
    [0.8, 1.25],
  ])('degradationRatio %d → degradationFactor %d', (ratio, factor) => {
    expect(performanceThresholds({ ...perf, degradationRatio: ratio }).degradationFactor).toBeCloseTo(factor, 12);
  });

  it('lets a PerformanceMonitor flag a flush slower than the configured overrun', () => {
    const monitor = new PerformanceMonitor({ session: 'streamer', thresholds: performanceThresholds({ ...perf, overrunMs: 1000 }) });
    const alerts: string[] = [];
    monitor.onAlert((a) => alerts.push(a.kind));
    monitor.record('durable:stocks', { durationMs: 999, items: 10 });
    monitor.record('durable:stocks', { durationMs: 1500, items: 10 });
    expect(alerts).toEqual(['overrun']);
  });
});
