import { ManualClock, SpyglassError } from '@spyglass/core';
import { ErrorAggregator, errorType } from './error-aggregator.js';

const T0 = Date.UTC(2025, 2, 4, 15, 0);

describe('errorType', () => {
  it.each([
    ['a SpyglassError by code', new SpyglassError('RATE_LIMITED', '429 from /v2/aggs'), 'RATE_LIMITED'],
    ['an Error by name', new TypeError('x is undefined'), 'TypeError'],
    ['a thrown string', 'boom', 'NonError'],
  ])('classifies %s', (_name, error, expected) => {
    expect(errorType(error)).toBe(expected);
  });
});

describe('ErrorAggregator', () => {
  it('counts by type with first/last seen, context samples and the most recent samples only', async () => {
    const clock = new ManualClock(T0);
    const errors = new ErrorAggregator({ session: 'stream:SPY', clock, maxSamples: 2 });
    for (let i = 0; i < 3; i++) {
      errors.record(new SpyglassError('NETWORK', `reset #${i}`), { context: { attempt: i } });
      await clock.advance(1_000);
    }
    errors.record(new Error('disk'), { type: 'parquet.write' });
    const net = errors.get('NETWORK')!;
    expect(net).toMatchObject({ count: 3, firstSeen: T0, lastSeen: T0 + 2_000 });
    expect(net.samples).toEqual([
      { at: T0 + 1_000, message: 'reset #1', context: { attempt: 1 } },
      { at: T0 + 2_000, message: 'reset #2', context: { attempt: 2 } },
    ]);
    const summary = errors.summary();
    expect(summary).toMatchObject({ session: 'stream:SPY', total: 4, evictedTypes: 0 });
    expect(summary.types.map((t) => [t.type, t.count])).toEqual([['NETWORK', 3], ['parquet.write', 1]]);
  });

  it('bounds memory with an LRU over types', () => {
    const errors = new ErrorAggregator({ session: 's', clock: new ManualClock(T0), maxTypes: 2 });
    errors.record('x', { type: 'A' });
    errors.record('x', { type: 'B' });
    errors.record('x', { type: 'A' }); // A is now the most recent, B the least
    errors.record('x', { type: 'C' });
    errors.record('x', { type: 'C' });
    const s = errors.summary();
    expect(s.types.map((t) => t.type).sort()).toEqual(['A', 'C']);
    expect(s).toMatchObject({ total: 5, evictedTypes: 1, evictedCount: 1 });
    expect(errors.get('B')).toBeUndefined();
  });

  it('computes per-minute rates over the window and forgets old occurrences', async () => {
    const clock = new ManualClock(T0);
    const errors = new ErrorAggregator({ session: 's', clock, rateWindowMs: 10 * 60_000 });
    for (let i = 0; i < 20; i++) errors.record(new SpyglassError('RATE_LIMITED', '429'));
    errors.record(new SpyglassError('TIMEOUT', 'slow'));
    expect(errors.rate('RATE_LIMITED')).toBeCloseTo(2, 10); // 20 in a 10-minute window
    expect(errors.rate()).toBeCloseTo(2.1, 10);
    await clock.advance(11 * 60_000);
    expect(errors.rate()).toBe(0);
    expect(errors.get('RATE_LIMITED')).toMatchObject({ count: 20, inWindow: 0, ratePerMinute: 0 });
    errors.reset();
    expect(errors.summary()).toMatchObject({ total: 0, types: [] });
  });

  it.each([
    [{ maxTypes: 0 }, /maxTypes/],
    [{ maxSamples: -1 }, /maxSamples/],
    [{ rateWindowMs: 10 }, /rateWindowMs/],
  ])('rejects bad options %o', (options, message) => {
    expect(() => new ErrorAggregator({ session: 's', ...options })).toThrow(message);
  });
});
