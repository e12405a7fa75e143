// Public entry of @spyglass/pipeline.
export { ProcessRegistry } from './process-registry.js';
export type { WorkerEntry, WorkerStatus, WorkerView } from './process-registry.js';
export type { IngestCounts } from './ingest-counts.js';
export type { CheckpointPort, QuarantinePort, RecordFilter, RecordSink, RecordValidator, SourceBatch } from './ingest-ports.js';
export { ingestBatch } from './ingest-batch.js';
export type { IngestStages } from './ingest-batch.js';
export { HistoricalRunner } from './historical-runner.js';
export type { BackfillSummary, DayFetcher, DayProgress, HistoricalRunnerOptions } from './historical-runner.js';
export { OptionsDayPipeline } from './options-day-pipeline.js';
export type { DaySelection, OptionsDayOptions, OptionsDaySummary } from './options-day-pipeline.js';
export { Ingestion } from './ingestion.js';
export type { BackfillAllDay, BackfillAllSummary, IngestionSettings } from './ingestion.js';
export { ParallelRunner } from './parallel-runner.js';
export type { ParallelRunnerOptions, WorkerOutcome } from './parallel-runner.js';
export type { WorkerSettings, WorkerTask } from './parallel-protocol.js';
export { StreamingRunner } from './streaming-runner.js';
export type { LivenessPort, StreamingEvent, StreamingRunnerOptions, StreamingSource, StreamingSummary } from './streaming-runner.js';
export { runPool } from './run-pool.js';
