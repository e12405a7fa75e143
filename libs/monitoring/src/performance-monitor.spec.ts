import { ManualClock, SpyglassError } from '@spyglass/core';
import { PerformanceMonitor, type PerformanceAlert } from './performance-monitor.js';
import { defaultPerformanceThresholds, validatePerformanceThresholds, type PerformanceThresholds } from './performance-thresholds.js';

const T0 = Date.UTC(2025, 2, 4, 15, 0);
const thresholds: PerformanceThresholds = {
  ...defaultPerformanceThresholds,
  overrunMs: 1_000,
  staleMs: 10_000,
  hungMs: 60_000,
  noDataMs: 120_000,
  recentWindowMs: 300_000,
  minSamples: 3,
  burstCount: 3,
  burstWindowMs: 60_000,
  operations: { 'rest.fetch': { overrunMs: 5_000 } },
};

function setup(extra: Partial<ConstructorParameters<typeof PerformanceMonitor>[0]> = {}) {
  const clock = new ManualClock(T0);
  const monitor = new PerformanceMonitor({ session: 'backfill:SPY', clock, thresholds, ...extra });
  const heard: PerformanceAlert[] = [];
  monitor.onAlert((a) => heard.push(a));
  return { clock, monitor, heard };
}

async function run(clock: ManualClock, monitor: PerformanceMonitor, op: string, ms: number, items = 1, ok = true) {
  const t = monitor.begin(op);
  await clock.advance(ms);
  return t.end({ items, ok });
}

describe('PerformanceMonitor statistics', () => {
  it('times operations and reports mean, quantiles, failures and throughput', async () => {
    const { clock, monitor } = setup();
    for (const ms of [100, 200, 300, 400]) await run(clock, monitor, 'parquet.write', ms, 1000);
    await expect(monitor.time('parquet.write', () => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    const s = monitor.stats('parquet.write')!;
    expect(s).toMatchObject({ count: 5, failures: 1, items: 4000, meanMs: 200, p50Ms: 200, maxMs: 400, lastDataAt: T0 + 1000 });
    // 4000 items over the 1 s the monitor has existed.
    expect(s.itemsPerSecond).toBeCloseTo(4000, 5);
    expect(monitor.stats('never.seen')).toBeUndefined();
  });

  it('prunes samples older than the one-hour window but remembers the last data time', async () => {
    const { clock, monitor } = setup();
    await run(clock, monitor, 'ws.bars', 50, 10);
    await clock.advance(3_600_000);
    await run(clock, monitor, 'ws.bars', 50, 0);
    const s = monitor.stats('ws.bars')!;
    expect(s.count).toBe(1);
    expect(s.items).toBe(0);
    expect(s.lastDataAt).toBe(T0 + 50);
  });

  it('time() passes items from the result and record() accepts external measurements', async () => {
    const { monitor } = setup();
    const bars = await monitor.time('rest.fetch', async () => [1, 2, 3], (r) => r.length);
    expect(bars).toEqual([1, 2, 3]);
    monitor.record('rest.fetch', { durationMs: 40, items: 7 });
    expect(monitor.stats('rest.fetch')).toMatchObject({ count: 2, items: 10 });
    expect(() => monitor.record('rest.fetch', { durationMs: -1 })).toThrow(SpyglassError);
  });

  it('rejects ending a timer twice and an empty session label', async () => {
    const { monitor } = setup();
    const t = monitor.begin('x');
    t.end();
    expect(() => t.end()).toThrow(/already ended/);
    expect(() => new PerformanceMonitor({ session: '' })).toThrow(SpyglassError);
  });
});

describe('PerformanceMonitor thresholds', () => {
  it('reports an overrun at once and in the next check only, honouring per-operation overrides', async () => {
    const { clock, monitor, heard } = setup();
    await run(clock, monitor, 'parquet.write', 1_500);
    await run(clock, monitor, 'rest.fetch', 1_500); // limit 5 s for this one
    expect(heard.map((a) => [a.kind, a.operation, a.session])).toEqual([['overrun', 'parquet.write', 'backfill:SPY']]);
    expect(monitor.check().filter((a) => a.kind === 'overrun')).toHaveLength(1);
    expect(monitor.check().filter((a) => a.kind === 'overrun')).toHaveLength(0);
  });

  it('flags a running operation stale, then hung, then recovers when it ends', async () => {
    const { clock, monitor, heard } = setup();
    const t = monitor.begin('duckdb.query');
    await clock.advance(10_000);
    expect(monitor.check().map((a) => [a.kind, a.severity])).toEqual([['stale', 'warning']]);
    await clock.advance(50_000);
    expect(monitor.check().map((a) => [a.kind, a.severity])).toEqual([['hung', 'critical']]);
    t.end({ items: 1 });
    const after = monitor.check();
    expect(after.map((a) => [a.kind, a.recovered])).toEqual([
      ['overrun', undefined],
      ['recovery', 'hung'],
    ]);
    expect(heard.map((a) => a.kind)).toEqual(['stale', 'hung', 'overrun', 'recovery']);
  });

  it('raises no_data only while active and recovers when data arrives', async () => {
    let open = false;
    const { clock, monitor } = setup({ isActive: () => open });
    monitor.expect('ws.bars');
    await clock.advance(130_000);
    expect(monitor.check()).toEqual([]);
    open = true;
    expect(monitor.check().map((a) => a.kind)).toEqual(['no_data']);
    // Listeners hear a condition once, the check result repeats it while it lasts.
    expect(monitor.check().map((a) => a.kind)).toEqual(['no_data']);
    await run(clock, monitor, 'ws.bars', 10, 5);
    expect(monitor.check().map((a) => [a.kind, a.recovered])).toEqual([['recovery', 'no_data']]);
  });

  it('watches for no_data only operations that carry data', async () => {
    const { clock, monitor } = setup();
    await run(clock, monitor, 'duckdb.query', 10, 0); // never reports items
    await run(clock, monitor, 'rest.fetch', 10, 390);
    await clock.advance(130_000);
    expect(monitor.check().map((a) => [a.kind, a.operation])).toEqual([['no_data', 'rest.fetch']]);
  });

  it('detects degradation of the recent slice against the baseline', async () => {
    const { clock, monitor } = setup();
    for (let i = 0; i < 5; i++) { await run(clock, monitor, 'rest.fetch', 100); await clock.advance(60_000); }
    await clock.advance(300_000);
    for (let i = 0; i < 3; i++) { await run(clock, monitor, 'rest.fetch', 300); await clock.advance(10_000); }
    const alert = monitor.check().find((a) => a.kind === 'degradation')!;
    expect(alert.value).toBeCloseTo(3, 5);
    expect(alert.message).toContain('3.0x');
    // Five minutes later the slow samples are the baseline's and the recent slice is empty.
    await clock.advance(300_000);
    // (The quiet five minutes also exceed noDataMs.)
    expect(monitor.check().map((a) => [a.kind, a.recovered])).toEqual([['no_data', undefined], ['recovery', 'degradation']]);
  });

  it('detects a burst of failures and recovers once the burst window passes', async () => {
    const { clock, monitor } = setup();
    for (let i = 0; i < 3; i++) await run(clock, monitor, 'rest.fetch', 20, 0, false);
    expect(monitor.check().map((a) => [a.kind, a.severity, a.value])).toEqual([['burst', 'critical', 3]]);
    await clock.advance(61_000);
    expect(monitor.check().map((a) => [a.kind, a.recovered])).toEqual([['recovery', 'burst']]);
  });

  it('snapshots operations, running timers and active alerts with the session label', async () => {
    const { clock, monitor } = setup();
    await run(clock, monitor, 'a', 10, 1);
    monitor.begin('b');
    await clock.advance(11_000);
    monitor.check();
    const snap = monitor.snapshot();
    expect(snap.session).toBe('backfill:SPY');
    expect(snap.operations.map((o) => o.operation)).toEqual(['a']);
    expect(snap.inFlight).toEqual([{ id: 2, operation: 'b', startedAt: T0 + 10, runningMs: 11_000 }]);
    expect(snap.alerts.map((a) => a.kind)).toEqual(['stale']);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('validatePerformanceThresholds', () => {
  it.each([
    ['defaults', defaultPerformanceThresholds, []],
    ['negative overrun', { ...defaultPerformanceThresholds, overrunMs: -1 }, [['NOT_POSITIVE', 'overrunMs']]],
    ['hung before stale', { ...defaultPerformanceThresholds, hungMs: 10 }, [['HUNG_BEFORE_STALE', 'hungMs']]],
    ['factor 1', { ...defaultPerformanceThresholds, degradationFactor: 1 }, [['FACTOR_TOO_SMALL', 'degradationFactor']]],
    [
      'bad override',
      { ...defaultPerformanceThresholds, operations: { 'rest.fetch': { staleMs: 999_999_999, burstCount: 0 } } },
      [['NOT_POSITIVE', 'operations.rest.fetch.burstCount'], ['HUNG_BEFORE_STALE', 'operations.rest.fetch.hungMs']],
    ],
  ] as const)('%s', (_name, input, expected) => {
    const issues = validatePerformanceThresholds(input as PerformanceThresholds);
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual(expected);
  });
});
