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

  // A throughput floor of p % of the baseline is a duration ceiling of 100/p × the baseline.
  it.each([
    [50, 2],
    [25, 4],
    [80, 1.25],
  ])('degradationPct %d → degradationFactor %d', (pct, factor) => {
    expect(performanceThresholds({ ...perf, degradationPct: pct }).degradationFactor).toBeCloseTo(factor, 12);
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
