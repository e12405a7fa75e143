// Public entry of @spyglass/storage.
export { COLUMN_TYPES, defineDataset } from './dataset-spec.js';
export type { ColumnSpec, ColumnType, DatasetSpec } from './dataset-spec.js';
export { rawDatasetSpecs } from './raw-dataset-specs.js';
export { PARTITION_FILE, datasetDir, partitionDir } from './partition-path.js';
export type { PartitionKey } from './partition-path.js';
export { ParquetDataset } from './parquet-dataset.js';
export type { ParquetDatasetOptions, PartitionFilter, PartitionInfo, PartitionTable, ReadOptions, WriteSummary } from './parquet-dataset.js';
export { encodeParquet, readParquetInfo, readParquetTable } from './parquet-file.js';
export type { EncodeOptions, ParquetColumnInfo, ParquetCompression, ParquetInfo, ReadTableOptions } from './parquet-file.js';
export { recordsToTable } from './arrow-codec.js';
export { writeFileAtomic } from './atomic-file.js';
export type { AtomicWriteOptions } from './atomic-file.js';
export { FileLock } from './file-lock.js';
export type { FileLockOptions } from './file-lock.js';
export { nyDateOf } from './ny-date.js';
export type { StorageLogger } from './storage-logger.js';
export { CheckpointStore } from './checkpoint-store.js';
export type { CheckpointEntry, CheckpointStoreOptions } from './checkpoint-store.js';
