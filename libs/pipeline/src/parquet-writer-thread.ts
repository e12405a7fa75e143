import { Worker } from 'node:worker_threads';
import { SpyglassError, workerEntry, type ErrorCode } from '@spyglass/core';
import type { DatasetSpec, PartitionSeal } from '@spyglass/storage';
import type { RecordSink } from './ingest-ports.js';
import type { WriterReply, WriterRequest, WriterThreadConfig } from './parquet-writer-protocol.js';

/**
 * Options of {@link ParquetWriterThread}.
 *
 * @example
 * ```ts
 * const opts: ParquetWriterThreadOptions = { root: 'data', parquet: { compression: 'zstd' }, maxInFlight: 8 };
 * ```
 */
export interface ParquetWriterThreadOptions extends WriterThreadConfig {
  /** Writes posted to the thread and not yet durable; a further write waits for a slot (default 8). */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A `worker_threads` thread that owns the Parquet writers of a data root, so encoding, partition
 * merges and fsyncs run beside the live signal path instead of on its event loop. {@link sink}
 * gives a `RecordSink` per dataset for the streaming runners: `write` resolves once the thread has
 * written the records durably (the runners' back-pressure and crash-safety are unchanged). By
 * default the thread writes through storage's `JournaledDataset`: a write is one journal append
 * and fsync, and the partitions are rewritten from the journal every `journal.compactIntervalMs`
 * (30 s), on `seal` and on {@link close} — not on every flush of every contract's partition. The
 * queue is bounded (`maxInFlight`); {@link close} waits until every accepted write is durable, then
 * ends the thread — the runners drain into it on SIGTERM first, so nothing they saw is lost.
 *
 * @example
 * ```ts
 * const writer = new ParquetWriterThread({ root: 'data' });
 * const options = streams.bars('options', tickers, { sink: writer.sink<OptionBar>(rawDatasetSpecs.options) });
 * await options.runner.run(options.source, signal);
 * await writer.close();
 * ```
 */
export class ParquetWriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly slots: Array<() => void> = [];
  private readonly maxInFlight: number;
  private nextId = 1;
  private crashed: SpyglassError | undefined;
  private closing: Promise<void> | undefined;
  private closeError: SpyglassError | undefined;

  constructor(options: ParquetWriterThreadOptions) {
    this.maxInFlight = options.maxInFlight ?? 8;
    const entry = workerEntry(import.meta.url, 'parquet-writer-worker');
    const config: WriterThreadConfig = { root: options.root, ...(options.parquet ? { parquet: options.parquet } : {}), ...(options.journal !== undefined ? { journal: options.journal } : {}) };
    this.worker = new Worker(entry.script, { eval: entry.eval, workerData: config });
    this.worker.on('message', (reply: WriterReply) => {
      if (reply.type === 'closed') {
        if (reply.error) this.closeError = new SpyglassError(reply.error.code as ErrorCode, `parquet writer thread: merging the journal at close: ${reply.error.message}`);
        return;
      }
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      this.slots.shift()?.();
      if (reply.type === 'done') p.resolve(reply.result);
      else p.reject(new SpyglassError(reply.error.code as ErrorCode, `parquet writer thread: ${reply.error.message}`));
    });
    const fail = (why: string, cause?: unknown) => {
      this.crashed ??= new SpyglassError('STORAGE', `parquet writer thread ${why}`, cause === undefined ? {} : { cause });
      for (const p of this.pending.values()) p.reject(this.crashed);
      this.pending.clear();
      for (const wake of this.slots.splice(0)) wake();
    };
    this.worker.on('error', (cause) => fail(`crashed: ${cause.message}`, cause));
    this.worker.on('exit', (code) => {
      if (this.closing && this.pending.size === 0) return;
      fail(`exited (code ${code}) with writes not yet durable`);
    });
  }

  /** Writes posted and not yet durable. */
  inFlight(): number {
    return this.pending.size;
  }

  /** A sink writing `spec`'s dataset through the thread. */
  sink<R extends object>(spec: DatasetSpec): RecordSink<R> {
    return {
      write: (records) => this.request<{ added: number; duplicates: number }>((id) => ({ type: 'write', id, spec, records })),
      seal: async (ticker, date) => (await this.request<PartitionSeal | null>((id) => ({ type: 'seal', id, spec, ticker, date }))) ?? undefined,
    };
  }

  /**
   * Merges the journal segments that dead writers left for `spec`'s dataset into its partitions
   * (rows durable but not yet readable): call it before reading the session back for a warm start.
   * Resolves to the rows merged.
   */
  recover(spec: DatasetSpec): Promise<number> {
    return this.request<number>((id) => ({ type: 'recover', id, spec }));
  }

  /**
   * Waits until every accepted write is durable, merges the journals into the partition files,
   * then ends the thread. Idempotent.
   */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      if (!this.crashed) {
        const closed = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
        this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
        // The worker answers in order: once it has exited, every earlier write was answered.
        await closed;
      }
      for (const wake of this.slots.splice(0)) wake();
      if (this.closeError) throw this.closeError;
    })());
  }

  private async request<T>(make: (id: number) => WriterRequest): Promise<T> {
    while (!this.crashed && !this.closing && this.pending.size >= this.maxInFlight) await new Promise<void>((r) => this.slots.push(r));
    if (this.crashed) throw this.crashed;
    if (this.closing) throw new SpyglassError('STORAGE', 'parquet writer thread: write after close');
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(make(id));
    });
  }
}
