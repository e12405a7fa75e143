import { RollingMomentsStream } from './rolling-moments-stream.js';
import { rollingMeanStd } from './rolling-moments.js';
import { bollinger, BollingerStream, rollingZScore, RollingZScoreStream } from './index.js';
import { stockIndicatorsDaily } from './__test-support__/fixtures.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const series: Array<[string, number[]]> = [
  ['real daily closes', [...stockIndicatorsDaily().close]],
  ['random walk around 500', (() => { const r = lcg(7); let x = 500; return Array.from({ length: 2000 }, () => (x += r() - 0.5)); })()],
  ['volumes with flat runs', (() => { const r = lcg(3); return Array.from({ length: 1500 }, (_, i) => (i % 97 < 30 ? 1000 : Math.floor(r() * 1e6))); })()],
];

describe('incremental rolling kernels equal the batch kernels bit for bit', () => {
  it.each(series)('RollingMomentsStream = rollingMeanStd on %s', (_, values) => {
    for (const period of [2, 5, 14, 20, 30]) {
      const mean = new Float64Array(values.length);
      const std = new Float64Array(values.length);
      rollingMeanStd(values, period, mean, std);
      const s = new RollingMomentsStream(period);
      values.forEach((v, k) => {
        s.update(v);
        expect(Object.is(s.mean, mean[k]) && Object.is(s.std, std[k])).toBe(true);
      });
    }
  });

  it.each(series)('BollingerStream = bollinger and RollingZScoreStream = rollingZScore on %s', (_, values) => {
    const b = bollinger(values, 20, 2);
    const z = rollingZScore(values, 20);
    const bs = new BollingerStream(20, 2);
    const zs = new RollingZScoreStream(20);
    values.forEach((v, k) => {
      const o = bs.update(v);
      expect([o.middle, o.upper, o.lower, o.percentB, o.width]).toEqual([b.middle[k], b.upper[k], b.lower[k], b.percentB[k], b.width[k]]);
      expect(Object.is(zs.update(v), z[k])).toBe(true);
    });
  });

  it('reset() starts a new series', () => {
    const s = new RollingMomentsStream(2);
    [1, 2, 3].forEach((x) => s.update(x));
    s.reset();
    s.update(10);
    expect(s.mean).toBeNaN();
    s.update(20);
    expect([s.mean, s.std]).toEqual([15, 5]);
  });
});
