import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { EventQueue } from '../stream/event-queue.js';
import type { RecordStream, StreamEvent } from '../stream/stream-event.js';

/**
 * Options of {@link FeedSimulator}.
 *
 * @example
 * ```ts
 * const opts: FeedSimulatorOptions<StockBar> = { batches: dataset.read({ tickers: ['SPY'] }), speed: 60, maxGapDelayMs: 1000 };
 * const replay = new FeedSimulator(opts);
 * ```
 */
export interface FeedSimulatorOptions<T> {
  /** Stored records in timestamp order; any record type. Give this or `batches`. */
  readonly records?: AsyncIterable<T> | Iterable<T>;
  /** Stored records in batches, as storage's `ParquetDataset.read()` yields them. */
  readonly batches?: AsyncIterable<readonly T[]> | Iterable<readonly T[]>;
  /**
   * Buffer everything and sort by time before replaying: for sources that are ordered per partition
   * only (a multi-ticker dataset is read ticker by ticker). Costs memory for the whole input.
   */
  readonly sort?: boolean;
  /** Event time of a record; default `record.timestamp`. */
  readonly timestampOf?: (record: T) => number;
  /** Replay speed: 1 = real time, 60 = a minute per second, 0 = no delay at all. */
  readonly speed: number;
  /** Cap on each wait (after dividing by `speed`), so overnight gaps do not stall a replay; default 5 000 ms. */
  readonly maxGapDelayMs?: number;
  /** Stops the replay; the iteration then ends normally. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Events buffered ahead of the consumer; default 1 000. */
  readonly queueCapacity?: number;
}

/**
 * Counters of a replay.
 *
 * @example
 * ```ts
 * const { records, outOfOrder }: FeedSimulatorStats = replay.stats;
 * ```
 */
export interface FeedSimulatorStats {
  records: number;
  /** Records whose timestamp went backwards (replayed at once, counted here). */
  outOfOrder: number;
  /** Total time spent waiting between records. */
  waitedMs: number;
}

/**
 * Replays stored records as a real-time stream behind the same {@link RecordStream} interface as the
 * live WebSocket streams: each record waits `(t − previous t) / speed`, capped at `maxGapDelayMs`
 * (speed 0: no waiting). It yields a `status` event `replay_started`, one `bar` per record and a
 * `status` `replay_finished`; `close()` or the `signal` stop it early (the iteration ends normally).
 *
 * @example
 * ```ts
 * const feed = new FeedSimulator({ records: bars, speed: 60, maxGapDelayMs: 5000 });
 * // or straight from storage: new FeedSimulator({ batches: dataset.read({ from, to }), sort: true, speed: 0 })
 * for await (const ev of feed) if (ev.type === 'bar') console.log(ev.bar.timestamp);
 * ```
 */
export class FeedSimulator<T> implements RecordStream<T> {
  readonly stats: FeedSimulatorStats = { records: 0, outOfOrder: 0, waitedMs: 0 };
  private readonly clock: Clock;
  private readonly stop = new AbortController();
  private readonly queue: EventQueue<StreamEvent<T>>;
  private resumeProducer: (() => void) | undefined;
  private paused = false;
  private started = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: FeedSimulatorOptions<T>) {
    if (!(Number.isFinite(options.speed) && options.speed >= 0)) throw new SpyglassError('INVALID_ARGUMENT', `FeedSimulator: speed ${options.speed} must be >= 0 (0 = no delay)`);
    if ((options.records === undefined) === (options.batches === undefined)) throw new SpyglassError('INVALID_ARGUMENT', 'FeedSimulator: give exactly one of records or batches');
    if (options.maxGapDelayMs !== undefined && !(options.maxGapDelayMs >= 0)) throw new SpyglassError('INVALID_ARGUMENT', `FeedSimulator: maxGapDelayMs ${options.maxGapDelayMs} must be >= 0`);
    this.clock = options.clock ?? systemClock;
    this.queue = new EventQueue<StreamEvent<T>>(
      options.queueCapacity ?? 1000,
      () => (this.paused = true),
      () => {
        this.paused = false;
        this.resumeProducer?.();
      },
    );
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent<T>> {
    if (!this.started) {
      this.started = true;
      this.running = this.run().then(
        () => this.queue.end(),
        (e: unknown) => this.queue.end(e instanceof SpyglassError ? e : new SpyglassError('STORAGE', `FeedSimulator: reading the records failed: ${(e as Error)?.message}`, { cause: e })),
      );
    }
    return {
      next: () => this.queue.next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /** Stops the replay; events already queued are still delivered. */
  async close(): Promise<void> {
    if (this.stop.signal.aborted) return;
    this.stop.abort();
    this.resumeProducer?.();
    this.queue.end();
    await this.running;
  }

  private async *source(timeOf: (r: T) => number): AsyncGenerator<T> {
    const { records, batches, sort } = this.options;
    async function* flat(): AsyncGenerator<T> {
      if (records) yield* records;
      else for await (const batch of batches!) yield* batch;
    }
    if (!sort) return yield* flat();
    const all: T[] = [];
    for await (const r of flat()) all.push(r);
    // Stable sort: records with equal times keep their stored order.
    yield* all.sort((a, b) => timeOf(a) - timeOf(b));
  }

  private async run(): Promise<void> {
    const { speed } = this.options;
    const cap = this.options.maxGapDelayMs ?? 5000;
    const timeOf = this.options.timestampOf ?? ((r: T) => (r as { timestamp: number }).timestamp);
    this.queue.push({ type: 'status', status: 'replay_started', message: `speed ${speed}×, gap cap ${cap} ms` });
    let previous: number | undefined;
    for await (const record of this.source(timeOf)) {
      if (this.stop.signal.aborted) return;
      const t = timeOf(record);
      if (previous !== undefined && speed > 0) {
        if (t < previous) this.stats.outOfOrder++;
        const wait = Math.min(cap, Math.max(0, t - previous) / speed);
        if (wait > 0) {
          const before = this.clock.now();
          try {
            await this.clock.sleep(wait, this.stop.signal);
          } catch {
            return;
          }
          this.stats.waitedMs += this.clock.now() - before;
        }
      } else if (previous !== undefined && t < previous) {
        this.stats.outOfOrder++;
      }
      if (previous === undefined || t > previous) previous = t;
      // Back-pressure: a slow consumer pauses the replay instead of growing the queue.
      if (this.paused) await new Promise<void>((resolve) => (this.resumeProducer = resolve));
      if (this.stop.signal.aborted) return;
      this.stats.records++;
      this.queue.push({ type: 'bar', bar: record });
    }
    this.queue.push({ type: 'status', status: 'replay_finished', message: `${this.stats.records} records` });
  }
}
