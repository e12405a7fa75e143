/**
 * Rolling mean and population standard deviation over `period` values, written into `meanOut` and
 * `stdOut` (NaN during warm-up). O(n): a replace-one Welford update, with an exact two-pass
 * recomputation once per window length (so rounding cannot drift over a million rows) and whenever
 * the variance is small next to mean² (where the update's cancellation error would show, e.g. a
 * flat stretch of option prices must give exactly 0).
 */
export function rollingMeanStd(values: ArrayLike<number>, period: number, meanOut: Float64Array, stdOut: Float64Array): void {
  const n = values.length;
  meanOut.fill(Number.NaN);
  stdOut.fill(Number.NaN);
  if (n < period) return;
  let mean = 0;
  let m2 = 0;
  const exact = (end: number): void => {
    let s = 0;
    for (let j = end - period + 1; j <= end; j++) s += values[j];
    mean = s / period;
    m2 = 0;
    for (let j = end - period + 1; j <= end; j++) {
      const d = values[j] - mean;
      m2 += d * d;
    }
  };
  exact(period - 1);
  meanOut[period - 1] = mean;
  stdOut[period - 1] = Math.sqrt(m2 / period);
  for (let k = period; k < n; k++) {
    const x = values[k];
    const y = values[k - period];
    const oldMean = mean;
    mean = oldMean + (x - y) / period;
    m2 += (x - y) * (x - mean + y - oldMean);
    if ((k + 1) % period === 0 || m2 < 1e-9 * mean * mean * period) exact(k);
    meanOut[k] = mean;
    stdOut[k] = Math.sqrt(m2 > 0 ? m2 / period : 0);
  }
}
