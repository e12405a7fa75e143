import { priceChange, roc } from './index.js';
import { stockIndicatorsDaily } from './__test-support__/fixtures.js';

const { close } = stockIndicatorsDaily();

describe.each([5, 30, 60])('momentum over %i steps', (period) => {
  it('roc is the percent change from period steps back, NaN before', () => {
    const out = roc(close, period);
    for (let k = 0; k < period; k++) expect(out[k]).toBeNaN();
    for (let k = period; k < close.length; k++) expect(out[k]).toBeCloseTo(((close[k] - close[k - period]) / close[k - period]) * 100, 10);
  });

  it('priceChange is the difference from period steps back, NaN before', () => {
    const out = priceChange(close, period);
    expect(out[period - 1]).toBeNaN();
    expect(out[period]).toBe(close[period] - close[0]);
    expect(out[close.length - 1]).toBe(close[close.length - 1] - close[close.length - 1 - period]);
  });
});

it('roc is NaN, not Infinity, after a zero base value', () => {
  expect(roc([0, 1, 2], 1)[1]).toBeNaN();
});
