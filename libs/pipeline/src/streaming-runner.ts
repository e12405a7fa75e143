import { SpyglassError, systemClock, type Clock, type Logger, type MarketCalendar, type ValidationIssue } from '@spyglass/core';
import { ingestBatch, type IngestStages } from './ingest-batch.js';
import { addCounts, emptyCounts, type IngestCounts } from './ingest-counts.js';
import type { SourceBatch } from './ingest-ports.js';

/**
 * What a record stream yields (`@spyglass/sources`' `StreamEvent`, structurally).
 *
 * @example
 * ```ts
 * const ev: StreamingEvent<StockBar> = { type: 'reconnected', attempt: 1, gapFrom, gapTo };
 * ```
 */
export type StreamingEvent<R> =
  | { readonly type: 'bar'; readonly bar: R }
  | { readonly type: 'rejected'; readonly rejected: { readonly raw: unknown; readonly issues: readonly ValidationIssue[] } }
  | { readonly type: 'status'; readonly status: string; readonly message: string }
  | { readonly type: 'reconnected'; readonly attempt: number; readonly gapFrom: number; readonly gapTo: number }
  | { readonly type: 'error'; readonly error: SpyglassError };

/**
 * A live stream or a replay (`MarketStream`, `FeedSimulator`).
 *
 * @example
 * ```ts
 * const source: StreamingSource<StockBar> = createStockStream({ apiKey, subscriptions: ['AM.SPY'] });
 * ```
 */
export interface StreamingSource<R> extends AsyncIterable<StreamingEvent<R>> {
  /**
   * Stops receiving; the iteration then ends normally after the events already received (the
   * runner reads them all, so a stop loses no bar that had arrived).
   */
  close(): Promise<void>;
}

/**
 * Liveness hooks (core's `Heartbeat` fits).
 *
 * @example
 * ```ts
 * const heartbeat: LivenessPort = new Heartbeat({ component: 'stream:stocks' });
 * ```
 */
export interface LivenessPort {
  start(): void;
  /** Awaited by the runner (after the last flush), so a final beat written here lands before `run` resolves. */
  stop(): void | Promise<void>;
  touch(progress?: Record<string, number>): void;
}

/**
 * Options of {@link StreamingRunner}: the ingest stages plus flushing, gap back-fill and market hours.
 *
 * @example
 * ```ts
 * const opts: StreamingRunnerOptions<StockBar> = { name: 'SPY', dataset: 'stocks', validator, quarantine, sink,
 *   flushSize: 500, flushIntervalMs: 5000, marketHours: nyseCalendar };
 * ```
 */
export interface StreamingRunnerOptions<R extends { timestamp: number; ingestedAt: number }> extends IngestStages<R> {
  readonly name: string;
  /** Flush when this many bars are buffered. */
  readonly flushSize: number;
  /** …or when the oldest buffered bar has waited this long. */
  readonly flushIntervalMs: number;
  /** Fetches bars between two instants over REST, to fill the gap a reconnect leaves. */
  readonly backfill?: (fromMs: number, toMs: number) => Promise<SourceBatch<R>>;
  /**
   * Enforce market hours: wait for the open before consuming, stop after the close. Off for replays
   * and for the simulator's accelerated sessions.
   */
  readonly marketHours?: Pick<MarketCalendar, 'isOpen' | 'nextOpen' | 'session'>;
  readonly heartbeat?: LivenessPort;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Records per sink write within one flush (default: the whole flush in one write). A flush is
   * validated, de-duplicated and handed to the sink slice by slice, the event loop free between
   * slices: on a loop that also scores live signals, a second's worth of a 250-contract chain at
   * replay speed (thousands of bars: several ms of validation and structured clone) would
   * otherwise hold up the burst that arrives meanwhile. Each slice is its own sink write.
   */
  readonly writeSlice?: number;
  /** Called after each durable flush with the bars just written (live scoring, metrics). */
  readonly onFlushed?: (bars: readonly R[], latenciesMs: readonly number[]) => void | Promise<void>;
}

/**
 * What a streaming session did.
 *
 * @example
 * ```ts
 * const s: StreamingSummary = await runner.run(stream, signal);
 * if (s.stoppedBy === 'signal') console.log(`flushed ${s.stored} bars before exiting`);
 * ```
 */
export interface StreamingSummary extends IngestCounts {
  readonly name: string;
  readonly flushes: number;
  readonly reconnects: number;
  readonly backfilled: number;
  readonly stoppedBy: 'end' | 'signal' | 'market-close';
  readonly seconds: number;
}

/**
 * WebSocket (or replay) → bounded buffer → validate → de-duplicate → Parquet, flushed by size or
 * time (the original's steps 11, 13, 14). A flush is written while the next buffer fills (one at a
 * time, in order; reading pauses only when the next flush is due before the previous one is
 * durable). After a reconnect the gap is back-filled over REST so no minute is lost; late and
 * out-of-order bars simply merge into their partition. Aborting the signal
 * (SIGTERM/SIGINT in the apps) flushes what is buffered and returns cleanly.
 *
 * @example
 * ```ts
 * const runner = new StreamingRunner({ name: 'SPY', stream: createStockStream({ apiKey, subscriptions: ['AM.SPY'] }),
 *   dataset: 'stocks', validator, quarantine, sink, flushSize: 500, flushIntervalMs: 5000 });
 * process.once('SIGTERM', () => ac.abort());
 * const summary = await runner.run(stream, ac.signal);
 * ```
 */
export class StreamingRunner<R extends { timestamp: number; ingestedAt: number }> {
  private readonly clock: Clock;
  private buffer: R[] = [];
  private rejected: Array<{ raw: unknown; issues: readonly ValidationIssue[] }> = [];
  private oldestAt: number | undefined;
  private readonly totals = emptyCounts();
  private flushes = 0;
  private reconnects = 0;
  private backfilled = 0;
  /** The flush being written, if any: the loop reads on meanwhile (at most one in flight). */
  private inFlight: Promise<void> | undefined;
  private inFlightBars = 0;
  /** A background flush failed: thrown by the next flush or at the end of the run. */
  private failed: { error: unknown } | undefined;

  constructor(private readonly opts: StreamingRunnerOptions<R>) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Counters so far (for health endpoints while running). */
  counts(): IngestCounts & { flushes: number; reconnects: number; buffered: number } {
    return { ...this.totals, flushes: this.flushes, reconnects: this.reconnects, buffered: this.buffer.length + this.inFlightBars };
  }

  async run(stream: StreamingSource<R>, signal?: AbortSignal): Promise<StreamingSummary> {
    const started = this.clock.now();
    const o = this.opts;
    let stoppedBy: StreamingSummary['stoppedBy'] = 'end';
    if (o.marketHours && !o.marketHours.isOpen(this.clock.now())) {
      const open = o.marketHours.nextOpen(this.clock.now());
      o.logger?.info({ until: new Date(open).toISOString() }, `${o.name}: market closed, waiting for the open`);
      try {
        await this.clock.sleep(open - this.clock.now(), signal);
      } catch {
        await stream.close();
        return this.summary('signal', started);
      }
    }
    o.heartbeat?.start();
    const iterator = stream[Symbol.asyncIterator]();
    const onAbort = () => void stream.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    // One flush timer per buffered batch (armed when its first record arrives), not one per event:
    // an AbortController, a timer and its abort per bar cost more than the bar's own handling.
    // The timer wakes the loop through `wake` (the current wait's resolver), not by a
    // Promise.race per event: each race would leave a reaction on the timer's promise until it
    // fires — thousands a second at replay speed, garbage that lives long enough to be promoted.
    let timer: { readonly for: number; readonly ac: AbortController; fired: boolean } | undefined;
    let wake: ((step: { kind: 'timer' }) => void) | undefined;
    try {
      const next = () => iterator.next().then((r) => ({ kind: 'event' as const, r }));
      let pending = next();
      for (;;) {
        if (timer !== undefined && timer.for !== this.oldestAt) {
          timer.ac.abort();
          timer = undefined;
        }
        if (timer === undefined && this.oldestAt !== undefined) {
          const ac = new AbortController();
          const wait = Math.max(0, this.oldestAt + o.flushIntervalMs - this.clock.now());
          const armed = { for: this.oldestAt, ac, fired: false };
          timer = armed;
          this.clock.sleep(wait, ac.signal).then(
            () => {
              armed.fired = true;
              if (timer === armed) wake?.({ kind: 'timer' });
            },
            () => {},
          );
        }
        const step =
          timer === undefined
            ? await pending
            : timer.fired
              ? ({ kind: 'timer' } as const)
              : await new Promise<Awaited<typeof pending> | { kind: 'timer' }>((resolve, reject) => {
                  wake = resolve;
                  pending.then(resolve, reject);
                });
        wake = undefined;
        if (step.kind === 'timer') {
          timer = undefined;
          await this.flush();
          continue;
        }
        if (step.r.done) break;
        pending = next();
        await this.handle(step.r.value);
        if (this.buffer.length >= o.flushSize) await this.flush();
        // Stopping closes the source and reads on to its end: the events it has already received
        // (the rest of a minute's burst of 250 contracts) are stored, not dropped.
        if (stoppedBy === 'end') {
          if (signal?.aborted) stoppedBy = 'signal';
          else if (o.marketHours && !o.marketHours.isOpen(this.clock.now())) {
            stoppedBy = 'market-close';
            void stream.close();
          }
        }
      }
    } finally {
      timer?.ac.abort();
      signal?.removeEventListener('abort', onAbort);
      try {
        await stream.close();
        await this.drain();
      } finally {
        await o.heartbeat?.stop();
      }
    }
    if (signal?.aborted) stoppedBy = 'signal';
    return this.summary(stoppedBy, started);
  }

  private summary(stoppedBy: StreamingSummary['stoppedBy'], started: number): StreamingSummary {
    return {
      name: this.opts.name,
      ...this.totals,
      flushes: this.flushes,
      reconnects: this.reconnects,
      backfilled: this.backfilled,
      stoppedBy,
      seconds: (this.clock.now() - started) / 1000,
    };
  }

  private async handle(ev: StreamingEvent<R>): Promise<void> {
    const o = this.opts;
    switch (ev.type) {
      case 'bar':
        this.oldestAt ??= this.clock.now();
        this.buffer.push(ev.bar);
        o.heartbeat?.touch({ bars: this.totals.received + this.buffer.length });
        return;
      case 'rejected':
        this.oldestAt ??= this.clock.now();
        this.rejected.push(ev.rejected);
        return;
      case 'reconnected': {
        this.reconnects++;
        o.logger?.warn({ gapFrom: new Date(ev.gapFrom).toISOString(), gapTo: new Date(ev.gapTo).toISOString() }, `${o.name}: reconnected, back-filling the gap`);
        if (o.backfill) {
          await this.drain();
          const batch = await o.backfill(ev.gapFrom, ev.gapTo);
          const counts = await ingestBatch(batch, o);
          this.backfilled += counts.stored;
          addCounts(this.totals, counts);
        }
        return;
      }
      case 'error':
        o.logger?.warn({ err: ev.error }, `${o.name}: ${ev.error.code}: ${ev.error.message}`);
        return;
      case 'status':
        o.logger?.debug({ status: ev.status }, `${o.name}: ${ev.message}`);
        return;
    }
  }

  /**
   * Starts writing the buffer durably (validated, de-duplicated; rejects quarantined) and returns
   * once it is under way, so the stream is read while the write runs. At most one write is in
   * flight: a flush waits for the previous one first (back-pressure), which also keeps flushes, and
   * `onFlushed` calls, in order.
   */
  private async flush(): Promise<void> {
    await this.settle();
    if (this.buffer.length === 0 && this.rejected.length === 0) return;
    const bars = this.buffer;
    const rejected = this.rejected;
    this.buffer = [];
    this.rejected = [];
    this.oldestAt = undefined;
    this.inFlightBars = bars.length;
    this.inFlight = this.write(bars, rejected)
      .catch((error: unknown) => {
        this.failed = { error };
      })
      .finally(() => {
        this.inFlight = undefined;
        this.inFlightBars = 0;
      });
  }

  /** Flushes the buffer and waits until every flush is durable. */
  private async drain(): Promise<void> {
    await this.flush();
    await this.settle();
  }

  /** Waits for the flush in flight; rethrows its failure. */
  private async settle(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.failed) {
      const { error } = this.failed;
      this.failed = undefined;
      throw error;
    }
  }

  private async write(bars: R[], rejected: Array<{ raw: unknown; issues: readonly ValidationIssue[] }>): Promise<void> {
    const slice = Math.max(1, this.opts.writeSlice ?? Number.POSITIVE_INFINITY);
    for (let i = 0; i === 0 || i < bars.length; i += slice) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const counts = await ingestBatch({ records: bars.length <= slice ? bars : bars.slice(i, i + slice), rejected: i === 0 ? rejected : [] }, this.opts);
      addCounts(this.totals, counts);
    }
    this.flushes++;
    const now = this.clock.now();
    await this.opts.onFlushed?.(bars, bars.map((b) => now - b.ingestedAt));
  }
}
