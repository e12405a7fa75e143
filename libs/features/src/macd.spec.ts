import { macd } from './index.js';
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
