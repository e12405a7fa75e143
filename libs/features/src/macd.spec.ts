import { MacdStream, macd } from './index.js';
import { SpyglassError } from '@spyglass/core';
import { expectSeriesClose, expectedSeries, stockIndicatorsDaily } from './__test-support__/fixtures.js';

const { close } = stockIndicatorsDaily();

describe('macd(12, 26, 9) against Stock.Indicators macd.standard.json (1e-9)', () => {
  const out = macd(close, 12, 26, 9);
  it.each([
    ['macd', out.macd, 502 - 25],
    ['signal', out.signal, 502 - 33],
    ['histogram', out.histogram, 502 - 33],
  ] as const)('%s', (key, series, count) => {
    expect(expectSeriesClose(series, expectedSeries('macd.standard.json', key), 1e-9)).toBe(count);
  });

  it('rejects fast >= slow', () => {
    expect(() => macd(close, 26, 12, 9)).toThrow(SpyglassError);
  });
});

describe('MacdStream', () => {
  it('equals the batch series value for value and restarts after reset()', () => {
    const batch = macd(close, 12, 26, 9);
    const stream = new MacdStream(12, 26, 9);
    close.forEach((c, k) => {
      const v = stream.update(c);
      expect(Object.is(v.macd, batch.macd[k])).toBe(true);
      expect(Object.is(v.signal, batch.signal[k])).toBe(true);
      expect(Object.is(v.histogram, batch.histogram[k])).toBe(true);
    });
    stream.reset();
    expect(stream.update(close[0]).macd).toBeNaN();
  });
});
