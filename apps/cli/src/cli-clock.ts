// The clock of commands that wait for the market (stream-options before the open): the system clock,
// replaceable in-process so a test runs "after the close" against the simulator without a real wait.
import { systemClock, type Clock } from '@spyglass/core';

let current: Clock = systemClock;

/**
 * The clock commands read now.
 *
 * @example
 * ```ts
 * const date = liveSessionDate(cliClock().now());
 * ```
 */
export function cliClock(): Clock {
  return current;
}

/**
 * Replaces the clock until the returned function restores the previous one.
 *
 * @example
 * ```ts
 * const restore = useCliClock({ now: () => Date.UTC(2025, 2, 4, 22), sleep: async () => {} });
 * try { await runCli('stream-options'); } finally { restore(); }
 * ```
 */
export function useCliClock(clock: Clock): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}
