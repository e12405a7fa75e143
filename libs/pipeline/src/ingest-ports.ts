import type { ValidationIssue } from '@spyglass/core';
import type { PartitionSeal, SealProblem } from '@spyglass/storage';

/**
 * What a source returns for one request: mapped records in wire order and the wire records that
 * could not be mapped, with their issues. `@spyglass/sources` adapters return exactly this.
 *
 * @example
 * ```ts
 * const batch: SourceBatch<StockBar> = await equities.minuteBars('SPY', '2025-03-04', '2025-03-04'); // FetchResult is one
 * ```
 */
export interface SourceBatch<R> {
  readonly records: R[];
  readonly rejected: ReadonlyArray<{ readonly raw: unknown; readonly issues: readonly ValidationIssue[] }>;
}

/**
 * Where validated records go; `@spyglass/storage`'s `ParquetDataset` is one.
 *
 * @example
 * ```ts
 * const sink: RecordSink<StockBar> = new ParquetDataset<StockBar>({ root: 'data', spec: rawDatasetSpecs.stocks });
 * ```
 */
export interface RecordSink<R> {
  write(records: readonly R[]): Promise<{ readonly added: number; readonly duplicates: number }>;
  /**
   * Writes several record sets together, one summary each, all durable when it resolves (fewer
   * fsyncs than a `write` per set); sinks without it get one `write` per set.
   */
  writeBatches?(batches: ReadonlyArray<readonly R[]>): Promise<ReadonlyArray<{ readonly added: number; readonly duplicates: number }>>;
  /**
   * {@link writeBatches} with one outcome per set: every `fulfilled` set is durable when it resolves,
   * even if another set was `rejected`, so a backfill checkpoints exactly the days that were stored.
   * Sinks without it are taken at `writeBatches`' word: one failure, nothing known durable.
   */
  writeBatchesSettled?(batches: ReadonlyArray<readonly R[]>): Promise<ReadonlyArray<PromiseSettledResult<{ readonly added: number; readonly duplicates: number }>>>;
  /** Seals a partition for a checkpoint to vouch for (sinks that cannot, omit it). */
  seal?(ticker: string | undefined, date: string): Promise<PartitionSeal | undefined>;
  /** Whether a sealed partition still matches (undefined) or how it does not. */
  checkSeal?(seal: PartitionSeal): Promise<SealProblem | undefined>;
  /** Moves an unreadable partition file aside (kept for inspection) so it can be written afresh; returns where. */
  setAside?(seal: PartitionSeal): Promise<string>;
}

/**
 * Per-(job, ticker, date) completion marks; `@spyglass/storage`'s `CheckpointStore` is one.
 *
 * @example
 * ```ts
 * const checkpoints: CheckpointPort = new CheckpointStore({ dir: 'data/checkpoints' });
 * if (!(await checkpoints.isComplete('backfill:stocks', 'SPY', '2025-03-04'))) await fetchDay('SPY', '2025-03-04');
 * ```
 */
export interface CheckpointPort {
  isComplete(job: string, ticker: string, date: string): Promise<boolean>;
  /** The completion mark with its metadata (counts, `empty`, the partition seal), or undefined. */
  get(job: string, ticker: string, date: string): Promise<{ readonly meta?: Readonly<Record<string, unknown>> } | undefined>;
  markComplete(job: string, ticker: string, date: string, meta?: Record<string, unknown>): Promise<void>;
  /** Marks several dates of (job, ticker) at once (one durable append); stores without it get a `markComplete` per date. */
  markCompleteMany?(job: string, ticker: string, entries: ReadonlyArray<{ readonly date: string; readonly meta?: Record<string, unknown> }>): Promise<void>;
}

/**
 * Where rejected records go with their reasons; `@spyglass/processing`'s `Quarantine` is one.
 *
 * @example
 * ```ts
 * const quarantine: QuarantinePort = new Quarantine({ root: 'data' });
 * await quarantine.add('stocks', [{ record: raw, issues }], { batchId: 'SPY:2025-03-04' });
 * ```
 */
export interface QuarantinePort {
  add(
    dataset: string,
    rejected: Iterable<{ readonly record: unknown; readonly issues: readonly ValidationIssue[] }>,
    options?: { readonly batchId?: string },
  ): Promise<number>;
}

/**
 * Validates one record; `@spyglass/processing`'s `validatorFor(dataset)` is one.
 *
 * @example
 * ```ts
 * const validator: RecordValidator = validatorFor('stocks');
 * const issues = validator.validate(bar); // [] when valid
 * ```
 */
export interface RecordValidator {
  validate(input: unknown): ValidationIssue[];
}

/**
 * Drops records seen recently; `@spyglass/processing`'s `Deduplicator` is one.
 *
 * @example
 * ```ts
 * const dedup: RecordFilter<StockBar> = new Deduplicator(recordKeyFor('stocks'), { capacity: 100_000 });
 * ```
 */
export interface RecordFilter<R> {
  filter(batch: Iterable<R>): R[];
}
