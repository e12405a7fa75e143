import { SpyglassError, type ErrorCode } from './errors.js';
import { redactSecrets } from './redact-secrets.js';

const MAX_BODY_CHARS = 300;

/**
 * Parses an HTTP `Retry-After` header: delta-seconds or an HTTP date. Returns ms from `now`, or
 * undefined when absent or unparseable (a bad header must not turn into a zero wait).
 *
 * @example
 * ```ts
 * parseRetryAfter('12'); // 12000
 * parseRetryAfter('Wed, 04 Mar 2025 14:31:00 GMT', Date.parse('2025-03-04T14:30:00Z')); // 60000
 * ```
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function codeFor(status: number): ErrorCode {
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'NOT_ENTITLED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UPSTREAM_5XX';
  return 'INVALID_ARGUMENT';
}

/** The API's own explanation: Massive sends `{ status, request_id, error | message }`. */
function reasonFrom(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const reason = parsed.error ?? parsed.message;
    if (typeof reason === 'string' && reason) return reason;
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

/**
 * Maps a failed HTTP response to a {@link SpyglassError}: 401 AUTH_FAILED, 403 NOT_ENTITLED,
 * 404 NOT_FOUND, 408 TIMEOUT, 429 RATE_LIMITED (with `retryAfterMs` from the header), 5xx
 * UPSTREAM_5XX, any other 4xx INVALID_ARGUMENT. The URL in the message and details has its
 * `apiKey` (and any given secret) redacted.
 *
 * @example
 * ```ts
 * const res = await fetch(url);
 * if (!res.ok) throw errorFromHttpStatus(res.status, await res.text(), { url, retryAfter: res.headers.get('retry-after') });
 * ```
 */
export function errorFromHttpStatus(
  status: number,
  body: string,
  opts: { url: string; retryAfter?: string | null; now?: number; secrets?: readonly string[] },
): SpyglassError {
  const url = redactSecrets(opts.url, opts.secrets);
  const reason = redactSecrets(reasonFrom(body), opts.secrets);
  const code = codeFor(status);
  const retryAfterMs = parseRetryAfter(opts.retryAfter, opts.now);
  const hint =
    code === 'AUTH_FAILED'
      ? ' (check the API key; not retried)'
      : code === 'NOT_ENTITLED'
        ? ' (the plan does not include this data; not retried)'
        : '';
  return new SpyglassError(code, `HTTP ${status} from ${url}: ${reason || 'no body'}${hint}`, {
    details: { status, url, body: reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
