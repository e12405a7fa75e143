import { BollingerStream, bollinger, rollingZScore } from './index.js';
import { SpyglassError } from '@spyglass/core';
import { expectSeriesClose, expectedSeries, stockIndicatorsDaily } from './__test-support__/fixtures.js';

const { close } = stockIndicatorsDaily();

describe('bollinger(20, 2) against Stock.Indicators bb.standard.json (1e-9)', () => {
  const out = bollinger(close, 20, 2);
  it.each([
    ['middle', 'sma'],
    ['upper', 'upperBand'],
    ['lower', 'lowerBand'],
    ['percentB', 'percentB'],
    ['width', 'width'],
  ] as const)('%s = %s', (ours, theirs) => {
    expect(expectSeriesClose(out[ours], expectedSeries('bb.standard.json', theirs), 1e-9)).toBe(502 - 19);
  });

  it("its z-score column equals rollingZScore(closes, 20)", () => {
    expect(expectSeriesClose(rollingZScore(close, 20), expectedSeries('bb.standard.json', 'zScore'), 1e-9)).toBe(502 - 19);
  });

  it('a flat window has zero width and an undefined %B', () => {
    const flat = bollinger([5, 5, 5, 5, 6], 4, 2);
    expect(flat.width[3]).toBe(0);
    expect(flat.percentB[3]).toBeNaN();
    const sd = Math.sqrt(((5 - 5.25) ** 2 * 3 + (6 - 5.25) ** 2) / 4);
    expect(flat.percentB[4]).toBeCloseTo((6 - (5.25 - 2 * sd)) / (4 * sd), 12);
  });

  it('rejects a non-positive multiplier', () => {
    expect(() => bollinger(close, 20, 0)).toThrow(SpyglassError);
  });
});

describe('BollingerStream', () => {
  it('matches bb.standard.json too and restarts after reset()', () => {
    const stream = new BollingerStream(20, 2);
    const values = close.map((c) => stream.update(c));
    expect(expectSeriesClose(values.map((v) => v.upper), expectedSeries('bb.standard.json', 'upperBand'), 1e-9)).toBe(502 - 19);
    expect(expectSeriesClose(values.map((v) => v.percentB), expectedSeries('bb.standard.json', 'percentB'), 1e-9)).toBe(502 - 19);
    stream.reset();
    expect(stream.update(close[0]).middle).toBeNaN();
  });
});
