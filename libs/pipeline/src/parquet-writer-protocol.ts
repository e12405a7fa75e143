import type { DatasetSpec, ParquetDatasetOptions } from '@spyglass/storage';

// The messages between ParquetWriterThread and its worker (one owner for this wire format).

/** What the worker is started with. */
export interface WriterThreadConfig {
  readonly root: string;
  readonly parquet?: Pick<ParquetDatasetOptions, 'compression' | 'rowGroupSize'>;
}

export type WriterRequest =
  | { readonly type: 'write'; readonly id: number; readonly spec: DatasetSpec; readonly records: readonly object[] }
  | { readonly type: 'seal'; readonly id: number; readonly spec: DatasetSpec; readonly ticker: string | undefined; readonly date: string }
  | { readonly type: 'close' };

export type WriterReply =
  | { readonly type: 'done'; readonly id: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly error: { readonly code: string; readonly message: string } }
  | { readonly type: 'closed' };
