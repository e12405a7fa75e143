// Subpath entry @spyglass/cluster/testing: real servers for the tests of the cluster and of the apps
// (redis-server from Debian; s3rver in-process, owned by @spyglass/storage/testing and passed on
// here so a cluster test gets both from one import).
export { freePort, startRedis } from './redis-server.js';
export type { TestRedis } from './redis-server.js';
export { startS3 } from '@spyglass/storage/testing';
export type { TestS3 } from '@spyglass/storage/testing';
export { partitionChecksums } from './partition-checksums.js';
export { downloadStore } from './download-store.js';
