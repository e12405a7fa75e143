import type { StreamingEvent, StreamingSource } from './streaming-runner.js';

/**
 * The same stream, with every event shown to `observe` before the runner handles it. The runner
 * logs a transient error (a dropped connection before its reconnect) and goes on; the daemon also
 * wants it counted for `/health`, without changing the runner.
 *
 * @example
 * ```ts
 * const source = observedSource(spy.source, (ev) => ev.type === 'error' && errors.record(ev.error));
 * await spy.runner.run(source, signal);
 * ```
 */
export function observedSource<R>(source: StreamingSource<R>, observe: (ev: StreamingEvent<R>) => void): StreamingSource<R> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<StreamingEvent<R>> {
      const it = source[Symbol.asyncIterator]();
      return {
        next: async () => {
          const r = await it.next();
          if (!r.done) observe(r.value);
          return r;
        },
        return: async (value?: unknown) => (it.return ? it.return(value) : { done: true, value: undefined }),
      };
    },
    close: () => source.close(),
  };
}
