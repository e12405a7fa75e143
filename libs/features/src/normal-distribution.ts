// W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximation for the error
// function", Math. Comp. 1969), in the arrangement R's pnorm uses. Double precision (~1e-16
// relative) in both tails, which matters for deep out-of-the-money options and for implied
// volatility at minutes to expiry, where N(d) is tiny and a 1e-7 approximation (Abramowitz-Stegun
// 26.2.17) would dominate the price.
const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

const INV_SQRT_2PI = 0.398942280401432677939946059934;
const SQRT_32 = 5.656854249492380195206754896838;

/**
 * exp(-y²/2) computed as exp(-ys²/2)·exp(-(y-ys)(y+ys)/2) with ys = y rounded down to 1/16:
 * avoids the cancellation in y² that would cost ~y² ulps of relative accuracy in the tail.
 */
function gaussTail(y: number): number {
  const ys = Math.trunc(y * 16) / 16;
  const del = (y - ys) * (y + ys);
  return Math.exp(-ys * ys * 0.5) * Math.exp(-del * 0.5);
}

/**
 * Standard normal cumulative distribution function Φ(x), accurate to double precision in both
 * tails (Cody's algorithm): `normCdf(-x)` is computed directly, never as `1 - normCdf(x)`.
 *
 * @example
 * ```ts
 * import { normCdf } from '@spyglass/features';
 * normCdf(0);      // 0.5
 * normCdf(-10);    // 7.619853024160527e-24
 * ```
 */
export function normCdf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let num = 0;
    let den = 0;
    if (y > 1.11e-16) {
      const xsq = x * x;
      num = A[4] * xsq;
      den = xsq;
      for (let i = 0; i < 3; i++) {
        num = (num + A[i]) * xsq;
        den = (den + B[i]) * xsq;
      }
    }
    return 0.5 + (x * (num + A[3])) / (den + B[3]);
  }
  let tail: number;
  if (y <= SQRT_32) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    tail = gaussTail(y) * ((num + C[7]) / (den + D[7]));
  } else if (y < 37.5193) {
    const xsq = 1 / (x * x);
    let num = P[5] * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * xsq;
      den = (den + Q[i]) * xsq;
    }
    const r = (xsq * (num + P[4])) / (den + Q[4]);
    tail = gaussTail(y) * ((INV_SQRT_2PI - r) / y);
  } else {
    tail = 0;
  }
  if (Number.isNaN(x)) return Number.NaN;
  return x > 0 ? 1 - tail : tail;
}

/**
 * Standard normal probability density φ(x) = exp(-x²/2)/√(2π).
 *
 * @example
 * ```ts
 * import { normPdf } from '@spyglass/features';
 * normPdf(0); // 0.3989422804014327
 * ```
 */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
