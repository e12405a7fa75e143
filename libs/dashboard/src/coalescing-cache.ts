import { systemClock, type Clock } from '@spyglass/core';

/**
 * Options of {@link CoalescingCache}.
 *
 * @example
 * ```ts
 * const opts: CoalescingCacheOptions<string> = { compute: () => reader.read().then(JSON.stringify), state: () => Promise.resolve(String(Date.now() >> 12)), maxAgeMs: 5_000 };
 * ```
 */
export interface CoalescingCacheOptions<T> {
  /** The expensive computation (e.g. the data overview, serialised once for every caller). */
  readonly compute: () => Promise<T>;
  /** A cheap token of the inputs' modification state; a value is reused while the token is unchanged. */
  readonly state: () => Promise<string>;
  /** A value is recomputed at the latest this long after it was made, even with an unchanged state (clock-dependent parts such as freshness). */
  readonly maxAgeMs: number;
  /** A state check is reused for this long (monotonic time); default 0: only callers arriving during a check share it. */
  readonly stateCheckMs?: number;
  readonly clock?: Clock;
  /** Monotonic ms for the state-check interval; default `performance.now`. Separate from `clock`, which dates values. */
  readonly monotonicMs?: () => number;
}

/**
 * One value shared by every concurrent caller: identical requests arriving while it is computed wait
 * for that one computation (coalescing), and later ones get the stored value while the inputs'
 * modification state is unchanged and the value is younger than `maxAgeMs`. So 2,000 concurrent
 * dashboard requests cost one computation, not 2,000, and memory stays that of one value.
 *
 * @example
 * ```ts
 * const overview = new CoalescingCache({ compute: () => reader.read().then((o) => JSON.stringify(o)), state: () => Promise.resolve(String(Date.now() >> 12)), maxAgeMs: 5_000 });
 * const body = await overview.get();
 * ```
 */
export class CoalescingCache<T> {
  private readonly clock: Clock;
  private value: { state: string; at: number; value: T } | undefined;
  private computing: Promise<T> | undefined;
  private checked: { at: number; state: Promise<string>; done: boolean } | undefined;
  /** How many times `compute` ran (for tests and the load figures). */
  computations = 0;

  constructor(private readonly opts: CoalescingCacheOptions<T>) {
    this.clock = opts.clock ?? systemClock;
  }

  /** The current value: stored, being computed, or computed now. */
  async get(): Promise<T> {
    if (this.computing) return this.computing;
    const state = await this.currentState();
    const v = this.value;
    if (v && v.state === state && this.clock.now() - v.at < this.opts.maxAgeMs) return v.value;
    if (this.computing) return this.computing;
    const at = this.clock.now();
    this.computations++;
    this.computing = this.opts.compute().then(
      (value) => {
        this.value = { state, at, value };
        return value;
      },
    ).finally(() => {
      this.computing = undefined;
    });
    return this.computing;
  }

  private currentState(): Promise<string> {
    const now = (this.opts.monotonicMs ?? performance.now.bind(performance))();
    const c = this.checked;
    if (c && (!c.done || now - c.at < (this.opts.stateCheckMs ?? 0))) return c.state;
    const entry = { at: now, state: this.opts.state(), done: false };
    this.checked = entry;
    entry.state.then(
      () => {
        entry.done = true;
      },
      // A failed check is not remembered: the next caller checks again.
      () => {
        if (this.checked === entry) this.checked = undefined;
      },
    );
    return entry.state;
  }
}
