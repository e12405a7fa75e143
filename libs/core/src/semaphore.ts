/**
 * At most `n` tasks in flight; the others wait in arrival order. The one concurrency limiter:
 * {@link runPool} is built on it, and a caller that limits work across several batches (the
 * Parquet writer's partitions) shares one instance.
 *
 * @example
 * ```ts
 * const slots = new Semaphore(4);
 * await Promise.all(files.map((f) => slots.run(() => writeFile(f, 'x'))));
 * ```
 */
export class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(n: number) {
    this.free = Math.max(1, n);
  }

  /** Runs `fn` once a slot is free and releases the slot when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
