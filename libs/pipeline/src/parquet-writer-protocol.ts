import type { DatasetSpec, JournaledDatasetOptions, ParquetDatasetOptions } from '@spyglass/storage';

// The messages between ParquetWriterThread and its worker (one owner for this wire format).

/** What the worker is started with. */
export interface WriterThreadConfig {
  readonly root: string;
  readonly parquet?: Pick<ParquetDatasetOptions, 'compression' | 'rowGroupSize'>;
  /**
   * Write through an append-only journal merged into the partitions every `compactIntervalMs`
   * (storage's `JournaledDataset`), or `false` to rewrite the partitions on every write.
   */
  readonly journal?: Pick<JournaledDatasetOptions, 'compactIntervalMs' | 'compactRows'> | false;
}

export type WriterRequest =
  | { readonly type: 'write'; readonly id: number; readonly spec: DatasetSpec; readonly records: readonly object[] }
  | { readonly type: 'seal'; readonly id: number; readonly spec: DatasetSpec; readonly ticker: string | undefined; readonly date: string }
  | { readonly type: 'recover'; readonly id: number; readonly spec: DatasetSpec }
  | { readonly type: 'close' };

export type WriterReply =
  | { readonly type: 'done'; readonly id: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly error: { readonly code: string; readonly message: string } }
  | { readonly type: 'closed'; readonly error?: { readonly code: string; readonly message: string } };
