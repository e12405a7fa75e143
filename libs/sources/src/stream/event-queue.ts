/**
 * A bounded hand-off between a producer (socket callbacks) and one async consumer, with back-pressure
 * instead of loss: when `capacity` items wait, `onFull` fires (the producer pauses its source); when
 * the consumer has drained to half, `onDrained` fires (the producer resumes). Items are never
 * dropped; a paused socket may still deliver what it already buffered, so the bound is `capacity`
 * plus one socket read.
 */
export class EventQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private done = false;
  private failure: unknown;
  private full = false;

  constructor(
    private readonly capacity: number,
    private readonly onFull: () => void,
    private readonly onDrained: () => void,
  ) {}

  /** True between `onFull` and `onDrained`. */
  get isFull(): boolean {
    return this.full;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.done) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (!this.full && this.size >= this.capacity) {
      this.full = true;
      this.onFull();
    }
  }

  /** Ends the stream after the queued items; `error` makes the consumer's next read throw it. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    if (this.waiter && this.size === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      if (error === undefined) w.resolve({ value: undefined, done: true });
      else w.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.items[this.head++];
      // Compact occasionally so a long-running stream does not keep consumed items alive.
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      if (this.full && this.size <= this.capacity / 2) {
        this.full = false;
        this.onDrained();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return this.failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }
}
