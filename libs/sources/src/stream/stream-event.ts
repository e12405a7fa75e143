import type { SpyglassError } from '@spyglass/core';
import type { RejectedRecord } from '../wire/decode-result.js';

/**
 * What a record stream yields. `bar` carries one record of the stream's dataset; `rejected` a
 * message that could not be decoded (kept for quarantine, never dropped); `status` a server status
 * (`connected`, `auth_success`, `success` …); `reconnected` follows a re-subscription after a drop,
 * with the window to back-fill over REST; `error` a recoverable failure (drop, stall) that the
 * stream is already handling. Fatal failures end the iteration by throwing a SpyglassError.
 *
 * @example
 * ```ts
 * function handle(ev: StreamEvent<StockBar>) {
 *   if (ev.type === 'bar') buffer.push(ev.bar);
 *   else if (ev.type === 'reconnected') void backfill(ev.gapFrom, ev.gapTo);
 * }
 * ```
 */
export type StreamEvent<T> =
  | { readonly type: 'bar'; readonly bar: T }
  | { readonly type: 'rejected'; readonly rejected: RejectedRecord }
  | { readonly type: 'status'; readonly status: string; readonly message: string }
  | {
      readonly type: 'reconnected';
      readonly attempt: number;
      /** Start of the first minute that may be missing (last bar seen + 1 min), or the drop time when no bar was seen. */
      readonly gapFrom: number;
      /** When the stream was live again (receive clock, epoch ms). */
      readonly gapTo: number;
    }
  | { readonly type: 'error'; readonly error: SpyglassError };

/**
 * The interface shared by live WebSocket streams and the {@link FeedSimulator}: iterate the events,
 * `close()` to stop (the iteration then ends normally).
 *
 * @example
 * ```ts
 * async function consume(stream: RecordStream<StockBar>) {
 *   for await (const ev of stream) if (ev.type === 'bar') console.log(ev.bar.close);
 * }
 * ```
 */
export interface RecordStream<T> extends AsyncIterable<StreamEvent<T>> {
  close(): Promise<void>;
}
