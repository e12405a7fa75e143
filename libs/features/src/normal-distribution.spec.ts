import { readFileSync } from 'node:fs';
import { normCdf, normPdf } from './index.js';

const reference = JSON.parse(readFileSync(new URL('./__fixtures__/normal_cdf_mpmath.json', import.meta.url), 'utf8')) as {
  values: [number, number][];
};

describe('normCdf', () => {
  it.each(reference.values)('Φ(%p) matches the 40-digit mpmath value to 1e-15 relative', (x, expected) => {
    expect(Math.abs(normCdf(x) - expected)).toBeLessThanOrEqual(1e-15 * expected);
  });

  it.each([0.1, 0.5, 1, 2.5, 5, 7.5, 12])('is symmetric: Φ(x) + Φ(-x) = 1 at x = %p', (x) => {
    expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 15);
  });

  it.each([-6, -3, -1, -0.5, 0.2, 0.8, 2, 4])('has derivative φ at x = %p (central difference)', (x) => {
    const h = 1e-5;
    expect((normCdf(x + h) - normCdf(x - h)) / (2 * h)).toBeCloseTo(normPdf(x), 9);
  });

  it('saturates to exactly 0 and 1 far in the tails and propagates NaN', () => {
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
    expect(normCdf(Number.NaN)).toBeNaN();
  });
});
