import { Rng, hashSeed } from './prng.js';

describe('Rng', () => {
  it('repeats the same stream for the same seed and label, and differs across labels', () => {
    const a = new Rng(hashSeed(42, '2025-03-04', 'SPY'));
    const b = new Rng(hashSeed(42, '2025-03-04', 'SPY'));
    const c = new Rng(hashSeed(42, '2025-03-05', 'SPY'));
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it.each([
    ['uniform mean', (r: Rng) => r.next(), 0.5, 1 / Math.sqrt(12)],
    ['normal mean', (r: Rng) => r.normal(), 0, 1],
    ['poisson(3) mean', (r: Rng) => r.poisson(3), 3, Math.sqrt(3)],
  ])('%s matches its distribution', (_name, draw, expectedMean, sd) => {
    const rng = new Rng(hashSeed(7, 'moments'));
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = draw(rng);
      sum += x;
      sumSq += x * x;
    }
    const m = sum / n;
    expect(Math.abs(m - expectedMean)).toBeLessThan((4 * sd) / Math.sqrt(n));
    expect(Math.sqrt(sumSq / n - m * m)).toBeCloseTo(sd, 1);
  });
});
