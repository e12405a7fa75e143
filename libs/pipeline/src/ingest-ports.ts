import type { ValidationIssue } from '@spyglass/core';

/**
 * What a source returns for one request: mapped records in wire order and the wire records that
 * could not be mapped, with their issues. `@spyglass/sources` adapters return exactly this.
 */
export interface SourceBatch<R> {
  readonly records: R[];
  readonly rejected: ReadonlyArray<{ readonly raw: unknown; readonly issues: readonly ValidationIssue[] }>;
}

/** Where validated records go; `@spyglass/storage`'s `ParquetDataset` is one. */
export interface RecordSink<R> {
  write(records: readonly R[]): Promise<{ readonly added: number; readonly duplicates: number }>;
}

/** Per-(job, ticker, date) completion marks; `@spyglass/storage`'s `CheckpointStore` is one. */
export interface CheckpointPort {
  isComplete(job: string, ticker: string, date: string): Promise<boolean>;
  markComplete(job: string, ticker: string, date: string, meta?: Record<string, unknown>): Promise<void>;
}

/** Where rejected records go with their reasons; `@spyglass/processing`'s `Quarantine` is one. */
export interface QuarantinePort {
  add(
    dataset: string,
    rejected: Iterable<{ readonly record: unknown; readonly issues: readonly ValidationIssue[] }>,
    options?: { readonly batchId?: string },
  ): Promise<number>;
}

/** Validates one record; `@spyglass/processing`'s `validatorFor(dataset)` is one. */
export interface RecordValidator {
  validate(input: unknown): ValidationIssue[];
}

/** Drops records seen recently; `@spyglass/processing`'s `Deduplicator` is one. */
export interface RecordFilter<R> {
  filter(batch: Iterable<R>): R[];
}
