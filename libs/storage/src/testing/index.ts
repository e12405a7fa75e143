// Subpath entry @spyglass/storage/testing: a real S3 endpoint (s3rver in-process) for the tests of
// storage and of the libraries and apps that keep datasets in an object store. s3rver is a dev
// dependency: tests only.
export { startS3 } from './s3rver.js';
export type { TestS3 } from './s3rver.js';
