import type { Clock } from '@spyglass/core';

/** A clock running `factor` times faster than the wall clock (the simulator's rate-limit windows shrink with it). */
export function acceleratedClock(factor: number): Clock {
  const t0 = Date.now();
  return {
    now: () => t0 + (Date.now() - t0) * factor,
    sleep: (ms, signal) => new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ms / factor);
      signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
    }),
  };
}
