import { rollingZScore } from './index.js';
import { expectSeriesClose, expectedSeries, stockIndicatorsDaily } from './__test-support__/fixtures.js';

const { close, volume } = stockIndicatorsDaily();

describe('rollingZScore', () => {
  it('matches Stock.Indicators stdev.standard.json zScore (period 14, population σ) to 1e-9', () => {
    expect(expectSeriesClose(rollingZScore(close, 14), expectedSeries('stdev.standard.json', 'zScore'), 1e-9)).toBe(502 - 13);
  });

  it.each([5, 20, 60])('equals a direct two-pass computation on volumes (period %i)', (period) => {
    const out = rollingZScore(volume, period);
    for (let k = period - 1; k < volume.length; k += 7) {
      const w = volume.slice(k - period + 1, k + 1);
      const mean = w.reduce((a, b) => a + b, 0) / period;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / period);
      expect(out[k]).toBeCloseTo((volume[k] - mean) / sd, 9);
    }
  });

  it('is NaN (not 0 or ±Infinity) on a flat window, also after a long varying stretch', () => {
    const series = [...close.slice(0, 300), ...Array(10).fill(250.25)];
    const out = rollingZScore(series, 5);
    expect(out[309]).toBeNaN();
    expect(Number.isFinite(out[299])).toBe(true);
  });
});
