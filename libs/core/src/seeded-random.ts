/**
 * A seeded uniform [0, 1) generator (mulberry32): the default random source of the balancer, the
 * backtest's bootstrap and random-entry baselines, and synthetic data, so runs are reproducible. Any `() => number` can be injected instead.
 *
 * @example
 * ```ts
 * const rand = seededRandom(42);
 * rand(); // same value on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
