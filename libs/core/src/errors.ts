/**
 * Every failure spyglass raises carries one of these codes. The map is the single documented list:
 * callers branch on `error.code`, never on message text.
 *
 * @example
 * ```ts
 * import { ErrorCode, SpyglassError } from '@spyglass/core';
 * try { await fetchBars(); } catch (e) {
 *   if (e instanceof SpyglassError && e.code === ErrorCode.RATE_LIMITED) console.log('slow down');
 * }
 * ```
 */
export const ErrorCode = {
  /** HTTP 429 or the local token bucket refused: retried with backoff, honouring Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** HTTP 401 or WebSocket `auth_failed`: never retried, so an account is not locked out. */
  AUTH_FAILED: 'AUTH_FAILED',
  /** HTTP 403 NOT_AUTHORIZED: the plan does not include this data; never retried. */
  NOT_ENTITLED: 'NOT_ENTITLED',
  /** HTTP 5xx from upstream: retried. */
  UPSTREAM_5XX: 'UPSTREAM_5XX',
  /** A request or stream exceeded its deadline: retried. */
  TIMEOUT: 'TIMEOUT',
  /** Connection reset, refused or dropped: retried. */
  NETWORK: 'NETWORK',
  /** A response body that is not valid JSON or lacks the envelope's fields. */
  BAD_PAYLOAD: 'BAD_PAYLOAD',
  /** A record failed validation; it is quarantined with its issues. */
  VALIDATION: 'VALIDATION',
  /** A dataset's schema differs from its baseline. */
  SCHEMA_DRIFT: 'SCHEMA_DRIFT',
  /** A configuration file or value is invalid; the message names file and key path. */
  CONFIG: 'CONFIG',
  /** The work item is to be skipped (e.g. no data for a date); a retry loop returns at once. */
  SKIPPED: 'SKIPPED',
  /** The requested resource does not exist (HTTP 404, missing partition). */
  NOT_FOUND: 'NOT_FOUND',
  /** A Parquet or checkpoint file is unreadable, truncated or corrupt; the message names the file. */
  CORRUPT_FILE: 'CORRUPT_FILE',
  /** A storage write or read failed for another reason (disk, permissions). */
  STORAGE: 'STORAGE',
  /** The WebSocket server refused the connection: too many connections for this key. */
  MAX_CONNECTIONS: 'MAX_CONNECTIONS',
  /** A stream produced nothing for longer than the stall threshold. */
  STALLED: 'STALLED',
  /** An implied volatility or other numeric solve has no solution for the inputs. */
  NO_SOLUTION: 'NO_SOLUTION',
  /** The XGBoost library failed or is missing; the message carries XGBGetLastError(). */
  XGBOOST: 'XGBOOST',
  /** The operation was cancelled through an AbortSignal or a stop request. */
  ABORTED: 'ABORTED',
  /** Bad arguments passed by the caller (programming error or bad CLI input). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** Retries were exhausted; `cause` holds the last failure. */
  RETRIES_EXHAUSTED: 'RETRIES_EXHAUSTED',
  /** A failure no other code describes (usually a bug); `cause` holds the original error. Not retried. */
  UNEXPECTED: 'UNEXPECTED',
} as const;

/** One of the documented {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes a retry policy retries by default.
 *
 * @example
 * ```ts
 * const retry = isSpyglassError(e) && RETRYABLE_CODES.has(e.code); // RATE_LIMITED → true, CONFIG → false
 * ```
 */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.RATE_LIMITED,
  ErrorCode.UPSTREAM_5XX,
  ErrorCode.TIMEOUT,
  ErrorCode.NETWORK,
  ErrorCode.BAD_PAYLOAD,
]);

/**
 * Extra, structured facts attached to an error (status code, URL without key, file, key path…).
 *
 * @example
 * ```ts
 * const details: ErrorDetails = { status: 503, url: 'https://api.massive.com/v2/aggs/…' };
 * throw new SpyglassError('UPSTREAM_5XX', 'aggregates: 503 from upstream', { details });
 * ```
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error class of spyglass: a documented `code`, a human message saying what, where and why,
 * an optional `cause`, optional `details`, and for rate limits the server's `retryAfterMs`.
 *
 * @example
 * ```ts
 * throw new SpyglassError('CONFIG', 'config/sources.yaml: massive.rest.baseUrl: must be a URL', {
 *   details: { file: 'config/sources.yaml', path: 'massive.rest.baseUrl' },
 * });
 * ```
 */
export class SpyglassError extends Error {
  override readonly name = 'SpyglassError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: ErrorDetails; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A plain object for structured logs and `--json` output. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails; cause?: string } {
    const cause = this.cause instanceof Error ? this.cause.message : this.cause === undefined ? undefined : String(this.cause);
    return { code: this.code, message: this.message, details: this.details, ...(cause === undefined ? {} : { cause }) };
  }
}

/**
 * True when `e` is a {@link SpyglassError}, optionally with one of the given codes.
 *
 * @example
 * ```ts
 * if (isSpyglassError(e, 'AUTH_FAILED', 'NOT_ENTITLED')) process.exitCode = 3;
 * ```
 */
export function isSpyglassError(e: unknown, ...codes: ErrorCode[]): e is SpyglassError {
  return e instanceof SpyglassError && (codes.length === 0 || codes.includes(e.code));
}
