import type { Logger } from './logger.js';
import { systemClock, type Clock } from './clock.js';
import { RETRYABLE_CODES, SpyglassError, type ErrorCode } from './errors.js';
import { toSpyglassError } from './to-spyglass-error.js';

/**
 * How a failing operation is retried. `config.retry` (from `retry_policy.yaml`) is one. Delay before retry `n` (after attempt `n` failed) is
 * `min(maxDelayMs, initialDelayMs × backoffBase^(n−1))`, reduced by up to `jitter` × itself at random,
 * and never below the server's `Retry-After`.
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 1000, backoffBase: 2, maxDelayMs: 60_000, jitter: 0.2 };
 * ```
 */
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  maxAttempts: number;
  initialDelayMs: number;
  backoffBase: number;
  maxDelayMs: number;
  /** Fraction 0..1 of each delay that is randomised away, so concurrent clients do not retry in step. */
  jitter: number;
  /** Codes to retry; default {@link RETRYABLE_CODES}. AUTH_FAILED and NOT_ENTITLED are never retried. */
  retryOn?: readonly ErrorCode[];
  /**
   * RATE_LIMITED (429) keeps being retried after `maxAttempts` until this much time has been spent
   * waiting on 429s (default {@link DEFAULT_RATE_LIMIT_MAX_WAIT_MS}): a key shared with another
   * process can be refused for a whole rate window, longer than the backoff schedule. 0 = no extra.
   */
  rateLimitMaxWaitMs?: number;
}

/**
 * Default total wait on 429s: five minutes, several one-minute rate windows.
 *
 * @example
 * ```ts
 * const policy = { ...defaultRetryPolicy, rateLimitMaxWaitMs: DEFAULT_RATE_LIMIT_MAX_WAIT_MS * 2 };
 * ```
 */
export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 300_000;

/**
 * 5 attempts, 1 s doubling to at most 60 s, 20 % jitter; 429s retried for up to 5 minutes.
 *
 * @example
 * ```ts
 * const policy = { ...defaultRetryPolicy, maxAttempts: 3 };
 * ```
 */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 1000,
  backoffBase: 2,
  maxDelayMs: 60_000,
  jitter: 0.2,
  rateLimitMaxWaitMs: DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
});

/** Never retried whatever the policy says: repeated bad credentials can lock an account. */
const NEVER_RETRIED: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['AUTH_FAILED', 'NOT_ENTITLED']);

/**
 * Details handed to `onRetry` before each wait.
 *
 * @example
 * ```ts
 * const onRetry = (i: RetryInfo) => metrics.retries.inc({ code: i.error.code });
 * ```
 */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  error: SpyglassError;
}

/**
 * Options of {@link withRetry}.
 *
 * @example
 * ```ts
 * const opts: RetryOptions = { policy: config.retry, logger, signal, label: 'news SPY 2025-03-04' };
 * ```
 */
export interface RetryOptions {
  policy: RetryPolicy;
  clock?: Clock;
  /** Source of randomness for jitter, `[0, 1)`; inject a constant in tests. */
  random?: () => number;
  logger?: Logger;
  signal?: AbortSignal;
  /** Names the operation in logs and errors, e.g. `GET /v2/aggs SPY 2025-03-04`. */
  label?: string;
  onRetry?: (info: RetryInfo) => void;
}

function checkPolicy(policy: RetryPolicy): void {
  const bad = (why: string) => new SpyglassError('INVALID_ARGUMENT', `invalid retry policy: ${why}`, { details: { policy } });
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw bad(`maxAttempts ${policy.maxAttempts} must be an integer >= 1`);
  if (!(policy.initialDelayMs >= 0)) throw bad(`initialDelayMs ${policy.initialDelayMs} must be >= 0`);
  if (!(policy.backoffBase >= 1)) throw bad(`backoffBase ${policy.backoffBase} must be >= 1`);
  if (!(policy.maxDelayMs >= 0)) throw bad(`maxDelayMs ${policy.maxDelayMs} must be >= 0`);
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) throw bad(`jitter ${policy.jitter} must be within 0..1`);
  if (policy.rateLimitMaxWaitMs !== undefined && !(policy.rateLimitMaxWaitMs >= 0)) throw bad(`rateLimitMaxWaitMs ${policy.rateLimitMaxWaitMs} must be >= 0`);
}

/**
 * The wait after failed attempt `attempt` (1-based): `min(max, initial × base^(attempt−1))` minus a
 * random share of up to `jitter` of it. `random` returning 0 gives the un-jittered delay.
 *
 * @example
 * ```ts
 * backoffDelay({ ...defaultRetryPolicy, jitter: 0 }, 3); // 4000
 * ```
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoffBase ** (attempt - 1));
  return Math.round(base * (1 - policy.jitter * random()));
}

function aborted(signal: AbortSignal, label: string): SpyglassError {
  return new SpyglassError('ABORTED', `${label}: aborted`, { cause: signal.reason });
}

/**
 * Runs `fn` until it succeeds, retrying failures whose code the policy retries (default: RATE_LIMITED,
 * UPSTREAM_5XX, TIMEOUT, NETWORK, BAD_PAYLOAD) with exponential backoff and jitter, honouring a
 * `Retry-After` (`SpyglassError.retryAfterMs`) as the minimum wait.
 *
 * - AUTH_FAILED / NOT_ENTITLED: logged and rethrown at once, never retried (account lock-out).
 * - SKIPPED and any other non-retried code: rethrown at once.
 * - Non-Spyglass errors are classified by {@link toSpyglassError} first (ECONNRESET → NETWORK …).
 * - RATE_LIMITED goes on past `maxAttempts` while the time spent waiting on 429s stays within
 *   `rateLimitMaxWaitMs`, so a run outlasts the provider's rate window instead of giving up inside it.
 * - When attempts (and the 429 wait budget) run out it throws RETRIES_EXHAUSTED with the last
 *   failure as `cause`: the loop never ends silently. An aborted `signal` ends it with ABORTED.
 *
 * @example
 * ```ts
 * const bars = await withRetry(async (attempt) => {
 *   const res = await fetch(url);
 *   if (!res.ok) throw errorFromHttpStatus(res.status, await res.text(), { url, retryAfter: res.headers.get('retry-after') });
 *   return res.json();
 * }, { policy: defaultRetryPolicy, logger, label: 'aggs SPY 2025-03-04' });
 * ```
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { policy, clock = systemClock, random = Math.random, logger, signal, onRetry } = opts;
  const label = opts.label ?? 'operation';
  checkPolicy(policy);
  const retryOn: ReadonlySet<ErrorCode> = policy.retryOn ? new Set(policy.retryOn) : RETRYABLE_CODES;
  const rateBudget = policy.rateLimitMaxWaitMs ?? DEFAULT_RATE_LIMIT_MAX_WAIT_MS;
  let rateWaited = 0;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw aborted(signal, label);
    let error: SpyglassError;
    try {
      return await fn(attempt);
    } catch (e) {
      if (signal?.aborted) throw aborted(signal, label);
      error = toSpyglassError(e);
    }

    if (NEVER_RETRIED.has(error.code)) {
      logger?.error({ label, attempt, code: error.code, err: error }, `${label}: ${error.code}, not retried`);
      throw error;
    }
    if (!retryOn.has(error.code)) throw error;
    const delayMs = Math.max(backoffDelay(policy, attempt, random), error.retryAfterMs ?? 0);
    const rateLimited = error.code === 'RATE_LIMITED';
    if (attempt >= policy.maxAttempts && !(rateLimited && rateWaited + delayMs <= rateBudget)) {
      const waited = rateLimited ? `, ${Math.round(rateWaited / 1000)} s waited on 429s (budget rateLimitMaxWaitMs ${rateBudget} ms)` : '';
      logger?.error({ label, attempts: attempt, code: error.code, rateWaitedMs: rateWaited, err: error }, `${label}: retries exhausted`);
      throw new SpyglassError(
        'RETRIES_EXHAUSTED',
        `${label}: gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}${waited}; last error ${error.code}: ${error.message}`,
        { cause: error, details: { label, attempts: attempt, lastCode: error.code, ...(rateLimited ? { rateWaitedMs: rateWaited } : {}) } },
      );
    }
    if (rateLimited) rateWaited += delayMs;

    logger?.warn({ label, attempt, maxAttempts: policy.maxAttempts, delayMs, code: error.code, reason: error.message }, `${label}: retrying`);
    onRetry?.({ attempt, delayMs, error });
    try {
      await clock.sleep(delayMs, signal);
    } catch (e) {
      if (signal?.aborted) throw aborted(signal, label);
      throw toSpyglassError(e);
    }
  }
}
