import { z } from 'zod';
import { ErrorCode } from '../errors.js';
import { DEFAULT_RATE_LIMIT_MAX_WAIT_MS } from '../retry.js';

/**
 * `config/retry_policy.yaml`: the {@link RetryPolicy} of REST calls. The parsed object is a
 * `RetryPolicy` as it stands: `withRetry(fn, { policy: config.retry })`.
 *
 * @example
 * ```ts
 * const retry = retryConfigSchema.parse({ maxAttempts: 3 }); // other fields default
 * ```
 */
export const retryConfigSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).default(5),
  initialDelayMs: z.number().min(0).default(1_000),
  backoffBase: z.number().min(1).default(2),
  maxDelayMs: z.number().min(0).default(60_000),
  jitter: z.number().min(0).max(1).default(0.2),
  /** Codes to retry; omitted = the library default (RATE_LIMITED, UPSTREAM_5XX, TIMEOUT, NETWORK, BAD_PAYLOAD). */
  /** Total wait on 429s before giving up, past maxAttempts: outlasts the provider's one-minute window. */
  rateLimitMaxWaitMs: z.number().min(0).default(DEFAULT_RATE_LIMIT_MAX_WAIT_MS),
  retryOn: z.array(z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]])).optional(),
});

/**
 * Typed `config/retry_policy.yaml`.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = config.retry satisfies RetryConfig;
 * ```
 */
export type RetryConfig = z.infer<typeof retryConfigSchema>;
