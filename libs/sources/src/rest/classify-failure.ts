import { SpyglassError, errorFromHttpStatus, redactSecrets, toSpyglassError } from '@spyglass/core';

interface AxiosLikeError {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  config?: { url?: string };
  response?: { status: number; data?: unknown; headers?: Headers };
}

/**
 * Turns whatever a request threw (an axios error from `@massive.com/client-js`, a fetch/undici error,
 * a SpyglassError) into a typed SpyglassError with the API key redacted: HTTP statuses go through
 * core's `errorFromHttpStatus` (401 AUTH_FAILED, 403 NOT_ENTITLED, 429 RATE_LIMITED + Retry-After,
 * 5xx UPSTREAM_5XX), a caller abort becomes ABORTED, timeouts TIMEOUT and resets NETWORK.
 */
export function classifyFailure(e: unknown, ctx: { url: string; apiKey: string; signal?: AbortSignal; now: number }): SpyglassError {
  if (e instanceof SpyglassError) return e;
  // The raw axios/undici error holds the request config, URL and headers (the key among them):
  // only a scrubbed copy travels on as `cause`, so printing or logging the error cannot leak it.
  const cause = scrub(e, ctx.apiKey);
  if (ctx.signal?.aborted) {
    return new SpyglassError('ABORTED', `request to ${redactUrl(ctx.url, ctx.apiKey)} was cancelled`, { cause: ctx.signal.reason ?? cause });
  }
  const ax = e as AxiosLikeError;
  if (ax && typeof ax === 'object' && ax.isAxiosError) {
    if (ax.response && ax.response.status >= 200 && ax.response.status < 300) {
      // Headers said 200 but the body stopped early (axios: "stream has been aborted"): a truncated payload.
      return new SpyglassError('BAD_PAYLOAD', `truncated response body from ${redactUrl(ctx.url, ctx.apiKey)}: ${ax.message ?? 'body ended early'}`, {
        cause,
        details: { url: redactUrl(ctx.url, ctx.apiKey), status: ax.response.status },
      });
    }
    if (ax.response) {
      const { status, data, headers } = ax.response;
      const body = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
      const retryAfter = headerValue(headers, 'retry-after');
      const err = errorFromHttpStatus(status, body, { url: ctx.url, retryAfter, now: ctx.now, secrets: [ctx.apiKey] });
      return new SpyglassError(err.code, err.message, { cause: err, details: err.details, retryAfterMs: err.retryAfterMs });
    }
    // axios reports its own `timeout` as ECONNABORTED with a "timeout" message; core would call that NETWORK.
    if (ax.code === 'ECONNABORTED' && /timeout/i.test(ax.message ?? '')) {
      return new SpyglassError('TIMEOUT', `request to ${redactUrl(ctx.url, ctx.apiKey)} timed out: ${ax.message}`, { cause, details: { url: redactUrl(ctx.url, ctx.apiKey) } });
    }
  }
  const base = toSpyglassError(cause);
  const url = redactUrl(ctx.url, ctx.apiKey);
  return new SpyglassError(base.code, `request to ${url} failed: ${redactUrl(base.message, ctx.apiKey)}`, { cause, details: { ...base.details, url } });
}

/** Removes the API key (and any `apiKey=` value) from a URL or message before it reaches a log or an error. */
export function redactUrl(text: string, apiKey: string): string {
  return redactSecrets(text, [apiKey]);
}

/** A copy of an error with only its name, code, redacted message and (scrubbed) cause. */
function scrub(e: unknown, apiKey: string, depth = 0): unknown {
  if (!(e instanceof Error) || depth > 4) return typeof e === 'string' ? redactUrl(e, apiKey) : e;
  const copy = new Error(redactUrl(e.message, apiKey), e.cause === undefined ? undefined : { cause: scrub(e.cause, apiKey, depth + 1) });
  copy.name = e.name;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

type Headers = (Record<string, unknown> & { get?: (k: string) => unknown }) | undefined;

function headerValue(headers: Headers, name: string): string | undefined {
  if (!headers) return undefined;
  const v = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return v === undefined || v === null ? undefined : String(v);
}
