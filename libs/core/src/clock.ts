import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as an injectable dependency: production code asks a Clock, tests pass a fake one (or use
 * jest fake timers with {@link systemClock}, which goes through the global timer functions).
 *
 * @example
 * ```ts
 * const clock: Clock = systemClock;
 * const started = clock.now();
 * await clock.sleep(250);
 * ```
 */
export interface Clock {
  /** Current time, UTC epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `Date.now()` and timers (so jest fake timers control it).
 *
 * @example
 * ```ts
 * const started = systemClock.now();
 * await systemClock.sleep(250, signal);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => {
    if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/**
 * A manual clock for tests: time only moves when `advance` is called, and sleepers wake in order.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.UTC(2025, 2, 4, 14, 30));
 * const p = clock.sleep(1000);
 * await clock.advance(1000); // p resolves
 * ```
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Array<{ at: number; resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const entry = { at: this.current + Math.max(0, ms), resolve, reject };
      this.sleepers.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== entry);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, waking every sleeper due, and lets their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    // Let pending continuations run first: a caller that just failed registers its sleep in a microtask.
    await delay(0);
    for (;;) {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.current = next.at;
      next.resolve();
      await delay(0);
    }
    this.current = target;
    await delay(0);
  }

  /** Number of pending sleepers (useful to assert that a loop is waiting). */
  get pending(): number {
    return this.sleepers.length;
  }
}
