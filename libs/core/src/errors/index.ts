// Subpath entry `@spyglass/core/errors`: the error classes alone, for start-up-sensitive code such as
// the XGBoost training worker. The main entry loads zod, pino and yaml (~250 CPU-ms per worker);
// this file loads nothing else. Same module as the main entry's, so `instanceof` holds across both.
export { ErrorCode, RETRYABLE_CODES, SpyglassError, isSpyglassError } from '../errors.js';
export type { ErrorDetails } from '../errors.js';
