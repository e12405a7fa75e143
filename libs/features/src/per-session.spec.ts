import { macd, nyDayNumbers, perSession, rsi } from './index.js';
import { SpyglassError } from '@spyglass/core';

describe('perSession', () => {
  const closes = Array.from({ length: 60 }, (_, k) => 100 + Math.sin(k / 3) * 2 + k * 0.05);
  const ids = closes.map((_, k) => (k < 25 ? 1 : k < 45 ? 2 : 3));

  it('restarts the warm-up at every session and equals the indicator on each slice', () => {
    const out = perSession(ids, closes, (s) => rsi(s, 14));
    for (const [from, to] of [
      [0, 25],
      [25, 45],
      [45, 60],
    ]) {
      const alone = rsi(closes.slice(from, to), 14);
      expect(Array.from(out.subarray(from, to))).toEqual(Array.from(alone));
    }
    expect(out[25 + 13]).toBeNaN();
    expect(out[25 + 14]).not.toBeNaN();
  });

  it('stitches multi-series results key by key', () => {
    const out = perSession(ids, closes, (s) => macd(s, 3, 6, 2));
    expect(Object.keys(out).sort()).toEqual(['histogram', 'macd', 'signal']);
    expect(Array.from(out.signal.subarray(25, 45))).toEqual(Array.from(macd(closes.slice(25, 45), 3, 6, 2).signal));
  });

  it('rejects mismatched lengths', () => {
    expect(() => perSession([1], closes, (s) => rsi(s))).toThrow(SpyglassError);
  });
});

describe('nyDayNumbers', () => {
  it.each([
    [Date.UTC(2025, 2, 4, 14, 30), Date.UTC(2025, 2, 4) / 86_400_000], // 09:30 EST
    [Date.UTC(2025, 2, 5, 4, 59), Date.UTC(2025, 2, 4) / 86_400_000], // 23:59 EST the day before
    [Date.UTC(2025, 2, 5, 5, 0), Date.UTC(2025, 2, 5) / 86_400_000], // midnight EST
    [Date.UTC(2025, 6, 1, 3, 59), Date.UTC(2025, 5, 30) / 86_400_000], // 23:59 EDT
    [Date.UTC(2025, 6, 1, 4, 0), Date.UTC(2025, 6, 1) / 86_400_000], // midnight EDT
  ])('%p falls on New York day %p', (t, day) => {
    expect(nyDayNumbers([t])[0]).toBe(day);
  });
});
