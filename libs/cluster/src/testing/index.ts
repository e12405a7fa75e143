// Subpath entry @spyglass/cluster/testing: real servers for the tests of the cluster and of the apps
// (redis-server from Debian, s3rver in-process; s3rver is a dev dependency: tests only).
export { freePort, startRedis } from './redis-server.js';
export type { TestRedis } from './redis-server.js';
export { startS3 } from './s3rver.js';
export type { TestS3 } from './s3rver.js';
export { partitionChecksums } from './partition-checksums.js';
export { downloadStore } from './download-store.js';
