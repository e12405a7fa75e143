import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, ManualClock, systemClock } from '@spyglass/core';
import { Heartbeat, type HeartbeatRecord } from './heartbeat.js';

const MIN = 60_000;

function recorder(clock: ManualClock, opts: { intervalMs?: number; stallAfterMs?: number } = {}) {
  const beats: HeartbeatRecord[] = [];
  const stalls: HeartbeatRecord[] = [];
  const hb = new Heartbeat({ component: 'streamer', clock, ...opts, onBeat: (r) => beats.push(r), onStall: (r) => stalls.push(r) });
  return { hb, beats, stalls };
}

describe('Heartbeat', () => {
  it('beats every 5 minutes by default and flags a stall at 15 minutes without progress, once', async () => {
    const clock = new ManualClock(0);
    const { hb, beats, stalls } = recorder(clock);
    hb.start();
    await clock.advance(20 * MIN);
    expect(beats.map((b) => [b.at / MIN, b.stalled])).toEqual([
      [5, false],
      [10, false],
      [15, true],
      [20, true],
    ]);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toEqual({ component: 'streamer', at: 15 * MIN, lastProgressAt: 0, progress: {}, stalled: true });
    hb.stop();
  });

  it('progress clears the stall and re-arms the alert', async () => {
    const clock = new ManualClock(0);
    const { hb, beats, stalls } = recorder(clock);
    hb.start();
    await clock.advance(16 * MIN);
    hb.touch({ bars: 390 });
    await clock.advance(4 * MIN); // beat at 20: fresh progress
    expect(beats.at(-1)).toMatchObject({ at: 20 * MIN, lastProgressAt: 16 * MIN, progress: { bars: 390 }, stalled: false });
    await clock.advance(15 * MIN); // beats at 25, 30, 35: stalled from 31
    expect(beats.map((b) => b.stalled)).toEqual([false, false, true, false, false, false, true]);
    expect(stalls.map((s) => s.at / MIN)).toEqual([15, 35]);
    hb.stop();
  });

  it('touch replaces only the counters it names', () => {
    const clock = new ManualClock(1000);
    const hb = new Heartbeat({ component: 'w1', clock });
    hb.touch({ bars: 10, quarantined: 1 });
    hb.touch({ bars: 25 });
    expect(hb.snapshot()).toEqual({ component: 'w1', at: 1000, lastProgressAt: 1000, progress: { bars: 25, quarantined: 1 }, stalled: false });
  });

  it('stop() ends the beats and cancels the pending timer', async () => {
    const clock = new ManualClock(0);
    const { hb, beats } = recorder(clock, { intervalMs: MIN, stallAfterMs: 3 * MIN });
    hb.start();
    hb.start(); // idempotent: still one loop
    await clock.advance(2 * MIN);
    hb.stop();
    await clock.advance(0);
    expect(clock.pending).toBe(0);
    await clock.advance(10 * MIN);
    expect(beats.map((b) => b.at / MIN)).toEqual([1, 2]);
  });

  it('a throwing callback does not stop the heartbeat, and is logged', async () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const destination = new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) });
    let calls = 0;
    const hb = new Heartbeat({
      component: 'flaky',
      clock,
      intervalMs: MIN,
      logger: createLogger({ destination, level: 'info' }),
      onBeat: () => {
        calls++;
        throw new Error('sink down');
      },
    });
    hb.start();
    await clock.advance(3 * MIN);
    hb.stop();
    expect(calls).toBe(3);
    const records = lines.map((l) => JSON.parse(l) as { msg: string });
    expect(records.filter((r) => r.msg === 'flaky: heartbeat onBeat callback failed')).toHaveLength(3);
    expect(records.filter((r) => r.msg === 'flaky: heartbeat')).toHaveLength(3);
  });

  it('runs on the system clock under jest fake timers', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const beats: HeartbeatRecord[] = [];
      const hb = new Heartbeat({ component: 'x', clock: systemClock, onBeat: (r) => beats.push(r) });
      hb.start();
      await jest.advanceTimersByTimeAsync(15 * MIN);
      hb.stop();
      expect(beats.map((b) => [b.at, b.stalled])).toEqual([
        [5 * MIN, false],
        [10 * MIN, false],
        [15 * MIN, true],
      ]);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
