import type { StreamingEvent, StreamingSource } from './streaming-runner.js';

/**
 * Reads a stream eagerly and hands each event to `onEvent` the moment it arrives, while the
 * consumer (a {@link StreamingRunner} writing Parquet) reads the same events at its own pace from
 * an in-memory queue. The live signal path therefore never waits for the durable path's flushes
 * (back-pressure stays on the durable side: the queue holds what the writer has not taken yet).
 * To stop without losing what the live side has seen, close the upstream source (not the
 * consumer): the consumer then reads the queue to its end and drains.
 *
 * @example
 * ```ts
 * const options = streams.bars('options', tickers);
 * const tapped = tapStream(options.source, (ev) => { if (ev.type === 'bar') engine.addOptionBar(ev.bar); });
 * await options.runner.run(tapped, signal);
 * ```
 */
export function tapStream<R>(source: StreamingSource<R>, onEvent: (ev: StreamingEvent<R>) => void): StreamingSource<R> {
  const queue: StreamingEvent<R>[] = [];
  let head = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let waking = false;
  // The consumer is woken in a later macrotask, not a microtask: a minute's burst of hundreds of
  // bars arrives as one message, and every bar goes to `onEvent` first; the durable side's
  // per-bar work (runner bookkeeping, a flush due) then runs after the work `onEvent` scheduled
  // (a live engine's scoring step), instead of in the microtasks before it.
  const notify = () => {
    if (wake === undefined || waking) return;
    waking = true;
    setImmediate(() => {
      waking = false;
      const w = wake;
      wake = undefined;
      w?.();
    });
  };
  const pump = (async () => {
    try {
      for await (const ev of source) {
        onEvent(ev);
        queue.push(ev);
        notify();
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      notify();
    }
  })();
  return {
    async *[Symbol.asyncIterator](): AsyncIterator<StreamingEvent<R>> {
      for (;;) {
        if (head < queue.length) {
          const ev = queue[head]!;
          queue[head++] = undefined as never;
          if (head > 4096 && head * 2 > queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          yield ev;
          continue;
        }
        if (done) {
          if (failure) throw failure.error;
          return;
        }
        await new Promise<void>((r) => (wake = r));
      }
    },
    close: async () => {
      await source.close();
      await pump;
    },
  };
}
