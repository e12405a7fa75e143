import { labelForwardWindow } from './index.js';
import { SpyglassError } from '@spyglass/core';

const MIN = 60_000;
const OPEN = Date.UTC(2025, 2, 4, 14, 30); // 09:30 New York

/** Seeded LCG: deterministic random series per test case. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Option-like bars: 3 sessions, random missing minutes, prices with jumps and ties (0.05 ticks). */
function randomBars(seed: number): { timestamps: number[]; closes: number[]; sessionIds: number[] } {
  const r = rng(seed);
  const timestamps: number[] = [];
  const closes: number[] = [];
  const sessionIds: number[] = [];
  let price = 1 + r() * 4;
  for (let day = 0; day < 3; day++) {
    for (let m = 0; m < 390; m++) {
      if (r() < 0.35) continue; // no trade, no bar
      price = Math.max(0.05, price * (1 + (r() - 0.5) * 0.12 + (r() < 0.01 ? 0.3 : 0)));
      timestamps.push(OPEN + day * 86_400_000 + m * MIN);
      closes.push(Math.round(price * 20) / 20);
      sessionIds.push(day);
    }
  }
  return { timestamps, closes, sessionIds };
}

/** O(n·w) reference straight from the definition. */
function bruteForce(timestamps: number[], closes: number[], sessionIds: number[], threshold: number, windowMinutes: number) {
  return timestamps.map((t, i) => {
    let best = -Infinity;
    let worst = Infinity;
    let at = -1;
    for (let j = i + 1; j < timestamps.length && sessionIds[j] === sessionIds[i] && timestamps[j] <= t + windowMinutes * MIN; j++) {
      if (closes[j] > best) {
        best = closes[j];
        at = j;
      }
      worst = Math.min(worst, closes[j]);
    }
    if (at < 0) return { target: 0, maxGain: NaN, minLoss: NaN, timeToMaxMin: NaN };
    return {
      target: best >= (1 + threshold) * closes[i] ? 1 : 0,
      maxGain: best / closes[i] - 1,
      minLoss: worst / closes[i] - 1,
      timeToMaxMin: (timestamps[at] - t) / MIN,
    };
  });
}

describe('labelForwardWindow equals the brute-force definition', () => {
  it.each([
    [1, 0.2, 120],
    [2, 0.2, 120],
    [3, 0.1, 30],
    [4, 0.5, 240],
    [5, 0.2, 1],
    [6, 0, 60],
  ])('seed %i, threshold %p, window %p min', (seed, threshold, windowMinutes) => {
    const bars = randomBars(seed);
    const got = labelForwardWindow({ ...bars, threshold, windowMinutes });
    const want = bruteForce(bars.timestamps, bars.closes, bars.sessionIds, threshold, windowMinutes);
    let positives = 0;
    want.forEach((w, i) => {
      expect(got.target[i]).toBe(w.target);
      expect(got.maxGain[i]).toBe(w.maxGain);
      expect(got.minLoss[i]).toBe(w.minLoss);
      expect(got.timeToMaxMin[i]).toBe(w.timeToMaxMin);
      positives += w.target;
    });
    // The random walk must exercise both classes, or the comparison proves little.
    if (threshold <= 0.2 && windowMinutes >= 30) expect(positives).toBeGreaterThan(0);
  });
});

describe('labelForwardWindow edge cases', () => {
  it('excludes t itself and includes exactly t + window', () => {
    const out = labelForwardWindow({ timestamps: [OPEN, OPEN + 120 * MIN, OPEN + 121 * MIN], closes: [1, 1.2, 5], sessionIds: [0, 0, 0] });
    expect(out.target[0]).toBe(1);
    expect(out.maxGain[0]).toBeCloseTo(0.2, 12);
    expect(out.timeToMaxMin[0]).toBe(120);
  });

  it('never looks into the next session, even when it is within the window', () => {
    const out = labelForwardWindow({ timestamps: [OPEN, OPEN + MIN, OPEN + 2 * MIN], closes: [1, 1.01, 9], sessionIds: ['a', 'a', 'b'] });
    expect(out.target[0]).toBe(0);
    expect(out.maxGain[0]).toBeCloseTo(0.01, 12);
    expect(out.maxGain[1]).toBeNaN(); // last bar of its session
    expect(out.target[1]).toBe(0);
  });

  it('defaults sessions to the New York day (an overnight gap ends the window)', () => {
    const close = Date.UTC(2025, 2, 4, 20, 59); // 15:59 New York
    const nextOpen = Date.UTC(2025, 2, 5, 14, 30);
    const out = labelForwardWindow({ timestamps: [close, nextOpen], closes: [1, 2], windowMinutes: 24 * 60 });
    expect(out.maxGain[0]).toBeNaN();
  });

  it('sessionCloses end the window at the close (early close 13:00 ET) and split sessions', () => {
    const close = Date.UTC(2025, 10, 28, 18, 0); // 2025-11-28 13:00 New York
    const ts = [close - 2 * MIN, close - MIN, close, close + 30 * MIN];
    const out = labelForwardWindow({ timestamps: ts, closes: [1, 1.05, 1.1, 2], sessionCloses: [close, close, close, close] });
    expect(out.maxGain[0]).toBeCloseTo(0.1, 12); // the 13:00 print counts, the after-hours 2.0 does not
    expect(out.target[0]).toBe(0);
    expect(out.maxGain[2]).toBeNaN();
    const twoDays = labelForwardWindow({ timestamps: [close - MIN, close + 86_400_000], closes: [1, 5], sessionCloses: [close, close + 86_400_000], windowMinutes: 48 * 60 });
    expect(twoDays.maxGain[0]).toBeNaN();
  });

  it('rejects sessionIds and sessionCloses together', () => {
    expect(() => labelForwardWindow({ timestamps: [OPEN], closes: [1], sessionIds: [0], sessionCloses: [OPEN] })).toThrow(/not both/);
  });

  it('reports the first of equal maxima and the window minimum', () => {
    const ts = [0, 1, 2, 3, 4].map((m) => OPEN + m * MIN);
    const out = labelForwardWindow({ timestamps: ts, closes: [2, 1.5, 3, 3, 2.5], sessionIds: [0, 0, 0, 0, 0] });
    expect(out.timeToMaxMin[0]).toBe(2);
    expect(out.minLoss[0]).toBeCloseTo(-0.25, 12);
    expect(out.target[0]).toBe(1);
  });

  it('handles empty input', () => {
    const out = labelForwardWindow({ timestamps: [], closes: [] });
    expect(out.target.length).toBe(0);
  });

  it.each([
    ['mismatched lengths', { timestamps: [OPEN], closes: [1, 2] }],
    ['zero close', { timestamps: [OPEN, OPEN + MIN], closes: [1, 0] }],
    ['NaN close', { timestamps: [OPEN, OPEN + MIN], closes: [1, Number.NaN] }],
    ['unsorted timestamps', { timestamps: [OPEN + MIN, OPEN], closes: [1, 2] }],
    ['negative threshold', { timestamps: [OPEN], closes: [1], threshold: -0.1 }],
    ['zero window', { timestamps: [OPEN], closes: [1], windowMinutes: 0 }],
  ])('rejects %s with INVALID_ARGUMENT', (_name, input) => {
    expect(() => labelForwardWindow(input)).toThrow(SpyglassError);
  });
});
