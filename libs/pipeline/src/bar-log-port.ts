import type { DatasetSpec } from '@spyglass/storage';
import type { RecordSink } from './ingest-ports.js';

/**
 * A durable log between the live streams' readers and the Parquet writers (the cluster library's
 * Redis Streams bar log is one). The stream runners write to {@link BarLogPort.sinkFor}'s sinks,
 * which append to the log; {@link BarLogPort.run} writes the log into the durable sinks and
 * acknowledges only what is durable, so a streamer that dies loses no bar that reached the log.
 *
 * @example
 * ```ts
 * const supervisor = createStreamSupervisor({ config, logger, ignoreMarketHours: false, barLog });
 * ```
 */
export interface BarLogPort {
  /** The sink the stream runners of one raw dataset write to: an append to the log. */
  sinkFor<R extends object>(spec: DatasetSpec): RecordSink<R>;
  /**
   * Writes the log of each dataset (by spec name) into its durable sink, taking over entries a
   * dead writer left pending, until `signal` aborts; then drains what is left and resolves.
   */
  run(durable: Readonly<Record<string, RecordSink<object>>>, signal: AbortSignal): Promise<void>;
}
