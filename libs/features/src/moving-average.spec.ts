import { EmaStream, ema, sma } from './index.js';
import { SpyglassError } from '@spyglass/core';
import { expectSeriesClose, expectedSeries, stockIndicatorsDaily } from './__test-support__/fixtures.js';

const { close } = stockIndicatorsDaily();

describe('sma and ema against Stock.Indicators (default.csv, 1e-9)', () => {
  it('SMA-20 matches sma.standard.json', () => {
    expect(expectSeriesClose(sma(close, 20), expectedSeries('sma.standard.json', 'sma'), 1e-9)).toBe(502 - 19);
  });

  it('EMA-20 seeded with the SMA matches ema.standard.json', () => {
    expect(expectSeriesClose(ema(close, 20), expectedSeries('ema.standard.json', 'ema'), 1e-9)).toBe(502 - 19);
  });

  it('accepts a Float64Array and gives the same result', () => {
    expect(Array.from(ema(Float64Array.from(close), 20))).toEqual(Array.from(ema(close, 20)));
  });
});

describe('EmaStream', () => {
  it('equals the batch EMA value by value and restarts cleanly after reset', () => {
    const stream = new EmaStream(12);
    const batch = ema(close, 12);
    close.forEach((c, k) => expect(Object.is(stream.update(c), batch[k]) || Math.abs(stream.current - batch[k]) === 0).toBe(true));
    stream.reset();
    expect(stream.current).toBeNaN();
    const again = close.slice(0, 30).map((c) => stream.update(c));
    expect(again[29]).toBe(batch[29]);
  });
});

describe('sma over a long series does not drift', () => {
  it('matches a direct window sum to 1e-9 relative after 200k steps of a random walk near 600', () => {
    let x = 600;
    let seed = 7;
    const walk = Array.from({ length: 200_000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      x += (seed / 2147483648 - 0.5) * 0.2;
      return x;
    });
    const out = sma(walk, 30);
    for (const k of [29, 1000, 123_457, 199_999]) {
      const direct = walk.slice(k - 29, k + 1).reduce((a, b) => a + b, 0) / 30;
      expect(Math.abs(out[k] - direct)).toBeLessThanOrEqual(1e-9 * direct);
    }
  });
});

describe('validation', () => {
  it.each([
    ['period 0', () => sma([1, 2], 0)],
    ['fractional period', () => ema([1, 2], 2.5)],
    ['NaN value', () => ema([1, Number.NaN, 3], 2)],
    ['Infinity value', () => sma([1, Number.POSITIVE_INFINITY], 1)],
  ])('%s throws INVALID_ARGUMENT', (_name, run) => {
    expect(run).toThrow(SpyglassError);
  });

  it('gives all-NaN output for a series shorter than the period', () => {
    expect(Array.from(sma([1, 2], 5))).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(ema([1, 2], 5))).toEqual([Number.NaN, Number.NaN]);
  });
});
