import { RsiStream, rsi } from './index.js';
import { RSI } from 'trading-signals';
import { expectSeriesClose, expectedSeries, fixtureJson, stockIndicatorsDaily } from './__test-support__/fixtures.js';

const { close } = stockIndicatorsDaily();

describe('rsi', () => {
  it('RSI-14 matches Stock.Indicators rsi.standard.json to 1e-9', () => {
    expect(expectSeriesClose(rsi(close, 14), expectedSeries('rsi.standard.json', 'rsi'), 1e-9)).toBe(502 - 14);
  });

  it("reproduces StockCharts' published Wilder RSI-14 table to its 2 decimals", () => {
    const v = fixtureJson<{ closes: number[]; published_rsi_2dp_from_index_14: number[] }>('stockcharts_wilder_rsi14_vector.json');
    const out = rsi(v.closes, 14);
    for (let k = 0; k < 14; k++) expect(out[k]).toBeNaN();
    v.published_rsi_2dp_from_index_14.forEach((published, j) => expect(Math.round(out[14 + j] * 100) / 100).toBeCloseTo(published, 10));
  });

  it("agrees with trading-signals' streaming RSI (same Wilder convention) once both are warm", () => {
    const theirs = new RSI(14);
    const ours = rsi(close, 14);
    let compared = 0;
    close.forEach((c, k) => {
      const r = theirs.update(c, false);
      if (r !== null && !Number.isNaN(ours[k])) {
        expect(Math.abs(Number(r) - ours[k])).toBeLessThanOrEqual(1e-9);
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(400);
  });

  it.each([
    ['rising', [1, 2, 3, 4, 5], 100],
    ['falling', [5, 4, 3, 2, 1], 0],
    ['flat', [3, 3, 3, 3, 3], 50],
  ])('a %s series gives %p', (_name, series, expected) => {
    expect(rsi(series, 3)[4]).toBe(expected);
  });

  it('RsiStream equals the batch values and reset() starts a new warm-up', () => {
    const stream = new RsiStream(14);
    const batch = rsi(close, 14);
    close.forEach((c, k) => {
      const v = stream.update(c);
      if (Number.isNaN(batch[k])) expect(v).toBeNaN();
      else expect(v).toBe(batch[k]);
    });
    stream.reset();
    expect(close.slice(0, 14).map((c) => stream.update(c)).every(Number.isNaN)).toBe(true);
    expect(stream.update(close[14])).toBe(batch[14]);
  });
});
