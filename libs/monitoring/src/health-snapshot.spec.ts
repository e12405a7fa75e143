import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, nyseCalendar, SpyglassError } from '@spyglass/core';
import { Heartbeat } from './heartbeat.js';
import { ErrorAggregator } from './error-aggregator.js';
import { HardwareMonitor } from './hardware-monitor.js';
import { renderHealthText } from './health-render.js';
import { buildHealthSnapshot, worstStatus, type HealthStatus } from './health-snapshot.js';
import { PerformanceMonitor } from './performance-monitor.js';

const MIN = 60_000;
// Monday 2025-03-10 10:00 New York (EDT) = 14:00 UTC.
const NOW = Date.UTC(2025, 2, 10, 14, 0);

describe('buildHealthSnapshot', () => {
  it('measures freshness in market time: a Friday 15:59 bar is 31 market minutes old on Monday 10:00', async () => {
    const snap = await buildHealthSnapshot({
      clock: new ManualClock(NOW),
      calendar: nyseCalendar,
      datasets: [
        { dataset: 'stocks', lastBarAt: Date.UTC(2025, 2, 7, 20, 59), live: true }, // Fri 15:59 EST
        { dataset: 'indices', lastBarAt: NOW - 2 * MIN, live: true },
        { dataset: 'news', lastBarAt: null },
        { dataset: 'archive', lastBarAt: Date.UTC(2025, 0, 2, 15), live: false },
      ],
    });
    expect(snap.marketOpen).toBe(true);
    expect(snap.datasets.map((d) => [d.dataset, d.marketLagMs, d.status])).toEqual([
      ['stocks', 31 * MIN, 'critical'],
      ['indices', 2 * MIN, 'ok'],
      ['news', null, 'warn'],
      ['archive', expect.any(Number), 'ok'],
    ]);
    expect(snap.datasets[0].lagMs).toBe(NOW - Date.UTC(2025, 2, 7, 20, 59));
    expect(snap.status).toBe('critical');
  });

  it('detects stalled runners and workers from their heartbeats and reports failures', async () => {
    const snap = await buildHealthSnapshot({
      clock: new ManualClock(NOW),
      runners: [
        { name: 'stream', state: 'running', lastHeartbeatAt: NOW - 16 * MIN },
        { name: 'historical', state: 'idle' },
      ],
      workers: [
        { id: 'w1', session: 'backfill:SPY', state: 'running', pid: 4242, lastHeartbeatAt: NOW - 30_000 },
        { id: 'w2', session: 'backfill:QQQ', state: 'failed', error: 'AUTH_FAILED' },
      ],
    });
    expect(snap.checks.map((c) => [c.name, c.status])).toEqual([
      ['runner:stream', 'critical'],
      ['runner:historical', 'ok'],
      ['worker:w1', 'ok'],
      ['worker:w2', 'critical'],
    ]);
    expect(snap.checks[0].message).toBe('runner stream stalled: no heartbeat for 16.0 min');
  });

  it("uses a core Heartbeat's own stall verdict and progress counters", async () => {
    const clock = new ManualClock(NOW);
    const streamer = new Heartbeat({ component: 'streamer', clock, stallAfterMs: 10 * MIN });
    const worker = new Heartbeat({ component: 'w1', clock, stallAfterMs: 10 * MIN });
    streamer.touch({ bars: 1200 });
    await clock.advance(11 * MIN);
    worker.touch({ bars: 390 });
    const snap = await buildHealthSnapshot({
      clock,
      runners: () => [{ name: 'stream', state: 'running', heartbeat: streamer.snapshot() }],
      workers: () => [{ id: 'w1', session: 'backfill:SPY', state: 'running', heartbeat: worker.snapshot() }],
    });
    expect(snap.checks).toEqual([
      { name: 'runner:stream', status: 'critical', message: 'runner stream stalled: no progress for 11.0 min (bars=1200)' },
      { name: 'worker:w1', status: 'ok', message: 'worker w1 (backfill:SPY) running, progress 0 ms ago (bars=390)' },
    ]);
  });

  it('turns a throwing source into a critical check instead of failing', async () => {
    const snap = await buildHealthSnapshot({
      clock: new ManualClock(NOW),
      quarantine: async () => {
        throw new SpyglassError('STORAGE', 'EACCES reading data/quarantine');
      },
      schemaDrift: () => [
        { dataset: 'options', state: 'drift', changes: ['added column vwap'] },
        { dataset: 'stocks', state: 'ok' },
      ],
    });
    expect(snap.checks.map((c) => [c.name, c.status])).toEqual([
      ['source:quarantine', 'critical'],
      ['schema:options', 'warn'],
      ['schema:stocks', 'ok'],
    ]);
    expect(snap.checks[0].message).toContain('EACCES');
    expect(snap.quarantine).toEqual([]);
  });

  it('folds in performance alerts, error summaries and a real hardware sample, and renders them', async () => {
    const clock = new ManualClock(NOW);
    const perf = new PerformanceMonitor({ session: 'stream:SPY', clock });
    perf.begin('ws.read');
    await clock.advance(6 * MIN); // hung after 5 min by default
    perf.check();
    const errors = new ErrorAggregator({ session: 'stream:SPY', clock });
    errors.record(new SpyglassError('NETWORK', 'socket hang up'));
    const root = await mkdtemp(join(tmpdir(), 'spyglass-health-'));
    try {
      const hw = new HardwareMonitor({ dataRoot: root, clock });
      const snap = await buildHealthSnapshot({
        clock,
        calendar: nyseCalendar,
        performance: () => [perf.snapshot()],
        errors: () => [errors.summary()],
        hardware: () => hw.sample(),
        quarantine: [{ dataset: 'options', records: 4, files: 1, lastDate: '2025-03-07' }],
        datasets: [{ dataset: 'stocks', lastBarAt: clock.now() - MIN }],
        workers: [{ id: 'w1', session: 'stream:SPY', state: 'running', pid: 7, lastHeartbeatAt: clock.now() - 5_000 }],
      });
      expect(snap.checks.find((c) => c.name === 'performance:stream:SPY')).toMatchObject({ status: 'critical' });
      expect(snap.checks.find((c) => c.name === 'quarantine')).toMatchObject({ status: 'warn', message: '4 quarantined record(s) in options' });
      expect(snap.checks.find((c) => c.name === 'disk')?.message).toContain(root);
      expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);

      const text = renderHealthText(snap);
      expect(text.split('\n')[0]).toBe('spyglass health  2025-03-10T14:06:00Z  status CRITICAL  market open');
      for (const section of ['Checks', 'Datasets', 'Workers', 'Quarantine', 'Errors (top 5 per session)', 'Hardware']) {
        expect(text).toContain(`\n${section}\n`);
      }
      expect(text).toMatch(/CRIT {2}performance:stream:SPY +ws\.read #1 has been running 6\.0 min/);
      expect(text).toMatch(/stream:SPY +NETWORK +1 /);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('is ok with nothing configured', async () => {
    const snap = await buildHealthSnapshot({ clock: new ManualClock(NOW) });
    expect(snap).toMatchObject({ status: 'ok', checks: [], marketOpen: null, hardware: null });
    expect(renderHealthText(snap)).toContain('(nothing to check: no sources configured)');
  });
});

describe('worstStatus', () => {
  it.each<[HealthStatus, HealthStatus, HealthStatus]>([
    ['ok', 'ok', 'ok'],
    ['ok', 'warn', 'warn'],
    ['critical', 'warn', 'critical'],
    ['warn', 'critical', 'critical'],
  ])('%s + %s = %s', (a, b, expected) => expect(worstStatus(a, b)).toBe(expected));
});
