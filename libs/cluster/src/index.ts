// Public entry of @spyglass/cluster: the Redis/BullMQ backends of the ports of storage and pipeline.
// The embedded default (one machine, no server) never imports this library.
export { connectRedis, redactRedisUrl, redisError, redisOptionsOf } from './redis-connection.js';
export { RedisCheckpointStore } from './redis-checkpoint-store.js';
export type { RedisCheckpointStoreOptions } from './redis-checkpoint-store.js';
export { RedisLock } from './redis-lock.js';
export type { RedisLockOptions } from './redis-lock.js';
export { RedisRateLimiter, apiWindowWithMargin } from './redis-rate-limiter.js';
export type { RedisRateLimiterOptions } from './redis-rate-limiter.js';
export { INGEST_JOB_OPTIONS, INGEST_QUEUE, IngestQueue } from './ingest-queue.js';
export type { QueueProgress, QueueRunResult } from './ingest-queue.js';
export { IngestWorker } from './ingest-worker.js';
export type { IngestWorkerOptions } from './ingest-worker.js';
export { HEARTBEAT_MS, WorkerRegistry } from './worker-registry.js';
export type { ClusterWorkerInfo } from './worker-registry.js';
export { BarLogConsumer, RedisBarLog } from './redis-bar-log.js';
export type { BarLogBatch, RedisBarLogOptions } from './redis-bar-log.js';
export { COMPUTE_QUEUE, computeJobId, runComputeJob } from './compute-job.js';
export type { ComputeJob, ComputeTarget } from './compute-job.js';
export { ComputeFlow, computeDoneKey } from './compute-flow.js';
export type { ComputeRunResult } from './compute-flow.js';
export { RedisStreamBarLog } from './redis-stream-bar-log.js';
export type { RedisStreamBarLogOptions } from './redis-stream-bar-log.js';
export { FoldJobRunner, WALK_FORWARD_QUEUE, WalkForwardJobs, featureTableDigest } from './walk-forward-jobs.js';
export type { FoldTableLocation, FoldTableSource, WalkForwardFoldJob } from './walk-forward-jobs.js';
