import { benchmarkPredictionSpeed, percentile } from './speed-benchmark.js';

describe('speed benchmark', () => {
  it('reports percentiles of injected timings', () => {
    let t = 0;
    let call = 0;
    // each call "takes" 1 ms, every 10th 5 ms
    const r = benchmarkPredictionSpeed(() => (t += ++call % 10 === 0 ? 5 : 1), { iterations: 100, warmup: 0, now: () => t });
    expect(r.p50Ms).toBe(1);
    expect(r.maxMs).toBe(5);
    expect(r.meanMs).toBeCloseTo(1.4);
    expect(r.ratioToOriginalMean).toBeCloseTo(7);
    expect(r.meets100msRequirement).toBe(true);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });
});
