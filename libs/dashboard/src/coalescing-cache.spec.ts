import { ManualClock } from '@spyglass/core';
import { CoalescingCache } from './coalescing-cache.js';

/** A computation that finishes when told to, counting its runs. */
function gate() {
  let open!: () => void;
  let opened = new Promise<void>((r) => (open = r));
  let runs = 0;
  return {
    compute: async () => {
      const n = ++runs;
      await opened;
      return `value ${n}`;
    },
    release: () => {
      open();
      opened = new Promise<void>((r) => (open = r));
    },
    runs: () => runs,
  };
}

describe('CoalescingCache', () => {
  it('1,000 concurrent callers share one computation', async () => {
    const g = gate();
    const cache = new CoalescingCache({ compute: g.compute, state: async () => 's1', maxAgeMs: 5_000, clock: new ManualClock(0) });
    const all = Array.from({ length: 1000 }, () => cache.get());
    await new Promise((r) => setTimeout(r, 10));
    g.release();
    expect(new Set(await Promise.all(all))).toEqual(new Set(['value 1']));
    expect(g.runs()).toBe(1);
    expect(cache.computations).toBe(1);
  });

  it.each([
    ['the state is unchanged and the value young', 's1', 1_000, 1],
    ['the data changed', 's2', 1_000, 2],
    ['the value is older than maxAgeMs', 's1', 5_000, 2],
  ])('reuses or recomputes when %s', async (_name, nextState, advance, runs) => {
    const clock = new ManualClock(0);
    let state = 's1';
    const g = gate();
    const cache = new CoalescingCache({ compute: g.compute, state: async () => state, maxAgeMs: 5_000, clock });
    const first = cache.get();
    await new Promise((r) => setTimeout(r, 5));
    g.release();
    await first;
    state = nextState;
    await clock.advance(advance);
    const second = cache.get();
    await new Promise((r) => setTimeout(r, 5));
    g.release();
    expect(await second).toBe(`value ${runs}`);
    expect(g.runs()).toBe(runs);
  });

  it('a failed computation is not stored: the next caller computes again', async () => {
    let fail = true;
    const cache = new CoalescingCache({
      compute: async () => {
        if (fail) throw new Error('disk gone');
        return 'ok';
      },
      state: async () => 's',
      maxAgeMs: 5_000,
      clock: new ManualClock(0),
    });
    await expect(cache.get()).rejects.toThrow('disk gone');
    fail = false;
    expect(await cache.get()).toBe('ok');
  });
});
