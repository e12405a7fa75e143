import type { Clock } from '@spyglass/core';

/**
 * A clock for retry tests over real sockets: every sleep returns at once but moves time forward and
 * is recorded, so a backoff storm finishes in milliseconds and its delays can be asserted.
 */
export class InstantClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = Date.UTC(2025, 2, 4, 21, 0)) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  }
}
