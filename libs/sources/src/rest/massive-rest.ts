import { restClient, type DefaultApi } from '@massive.com/client-js';
import { SpyglassError, createRateLimiter, defaultRetryPolicy, systemClock, withRetry, type Clock, type RetryOptions, type RetryPolicy } from '@spyglass/core';
import { classifyFailure, redactUrl } from './classify-failure.js';

/**
 * The production REST origin of the Massive API (used when `restBaseUrl` is not set).
 *
 * @example
 * ```ts
 * new MassiveRest({ apiKey, restBaseUrl: DEFAULT_REST_BASE_URL });
 * ```
 */
export const DEFAULT_REST_BASE_URL = 'https://api.massive.com';

/**
 * Anything that can hand out request permits; core's `createRateLimiter` returns one.
 *
 * @example
 * ```ts
 * const permits: RequestPermits = createRateLimiter(5); // shared by REST and news polling
 * new MassiveRest({ apiKey, rateLimiter: permits });
 * ```
 */
export interface RequestPermits {
  acquire(signal?: AbortSignal): Promise<unknown>;
}

/**
 * Configuration shared by every REST adapter. Apps decode it from config/env once and pass it in;
 * the library never reads the environment.
 *
 * @example
 * ```ts
 * const opts: MassiveRestOptions = { apiKey, restBaseUrl: 'http://127.0.0.1:8080', rateLimitPerMinute: 5, timeoutMs: 10_000 };
 * const rest = new MassiveRest(opts);
 * ```
 */
export interface MassiveRestOptions {
  readonly apiKey: string;
  /** REST origin, e.g. `http://127.0.0.1:8080` for `spyglass sim serve`; default {@link DEFAULT_REST_BASE_URL}. */
  readonly restBaseUrl?: string;
  readonly clock?: Clock;
  /** Jitter source for retries, `[0, 1)`. */
  readonly random?: () => number;
  readonly retryPolicy?: RetryPolicy;
  /** Shared permits (core's `createRateLimiter`), to share one budget between transports; wins over `rateLimitPerMinute`. */
  readonly rateLimiter?: RequestPermits;
  /** The plan's requests per minute (free plan: 5); null/undefined = unlimited. */
  readonly rateLimitPerMinute?: number | null;
  /** Per-request deadline; default 30 s. */
  readonly timeoutMs?: number;
  readonly logger?: RetryOptions['logger'];
  /** Called after each wire page arrives (metrics, benchmarks). */
  readonly onPage?: (info: { label: string; url: string; results: number; index: number }) => void;
}

/**
 * One page of a paginated response, untouched: `results` are raw wire records.
 *
 * @example
 * ```ts
 * for await (const page of new EquityClient(rest).pages('SPY', '2025-03-04', '2025-03-04')) {
 *   console.log(page.index, page.url, page.results.length);
 * }
 * ```
 */
export interface WirePage {
  /** 0-based page number within the request. */
  readonly index: number;
  /** The page's URL with the API key redacted. */
  readonly url: string;
  /** The decoded JSON envelope (status, request_id, next_url, …). */
  readonly envelope: Readonly<Record<string, unknown>>;
  readonly results: readonly unknown[];
}

/**
 * A first-page call through the Massive client; receives the axios options to forward.
 *
 * @example
 * ```ts
 * const call: ClientCall = (api, o) => api.getStocksOpenClose({ stocksTicker: 'SPY', date: '2025-03-04' }, o);
 * ```
 */
export type ClientCall = (api: DefaultApi, requestOptions: { signal: AbortSignal; timeout: number; params?: Record<string, string> }) => Promise<unknown>;

/**
 * The REST transport every adapter shares: the `@massive.com/client-js` client for first requests,
 * our own `next_url` pagination (pages in order, each page retried on its own so a 429 on page 7
 * keeps pages 1–6), core's retry policy and rate limiter, and typed, key-redacted errors.
 *
 * @example
 * ```ts
 * const rest = new MassiveRest({ apiKey, restBaseUrl: 'http://127.0.0.1:8080', rateLimitPerMinute: 5 });
 * for await (const page of new EquityClient(rest).pages('SPY', '2025-03-04', '2025-03-04')) {
 *   console.log(page.index, page.results.length);
 * }
 * ```
 */
export class MassiveRest {
  /** The underlying generated client (built without its `pagination` option, which loses pages). */
  readonly api: DefaultApi;
  readonly clock: Clock;
  private readonly apiKey: string;
  private readonly base: URL;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly permits: RequestPermits | undefined;

  constructor(private readonly options: MassiveRestOptions) {
    if (!options.apiKey) throw new SpyglassError('CONFIG', 'MassiveRest: apiKey is empty (set MASSIVE_API_KEY or POLYGON_API_KEY in the app)');
    this.apiKey = options.apiKey;
    const base = options.restBaseUrl ?? DEFAULT_REST_BASE_URL;
    try {
      this.base = new URL(base);
    } catch (e) {
      throw new SpyglassError('CONFIG', `MassiveRest: restBaseUrl "${base}" is not a URL`, { cause: e });
    }
    this.api = restClient(this.apiKey, this.base.origin + this.base.pathname.replace(/\/$/, ''), { pagination: false });
    this.clock = options.clock ?? systemClock;
    this.policy = options.retryPolicy ?? defaultRetryPolicy;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.permits = options.rateLimiter ?? (options.rateLimitPerMinute ? createRateLimiter(options.rateLimitPerMinute, this.clock) : undefined);
  }

  /**
   * Every page of a paginated request, in server order. The first page comes from `call` (the
   * Massive client); each following page from the previous page's absolute `next_url`, fetched here
   * with the key appended. Stops when a page has no `next_url`; an empty last page is a normal end.
   * `label` is the request's path and query (for errors and logs, key-free); `call` makes the first
   * request through {@link MassiveRest.api}, forwarding the given axios options (signal, timeout).
   */
  async *pages(label: string, call: ClientCall, signal?: AbortSignal): AsyncGenerator<WirePage> {
    let url = `${this.base.origin}${label}`;
    let envelope = await this.attempt(label, url, signal, (s) => call(this.api, { signal: s, timeout: this.timeoutMs }));
    const seen = new Set<string>();
    for (let index = 0; ; index++) {
      const page = this.toPage(envelope, index, redactUrl(url, this.apiKey), label);
      this.options.onPage?.({ label, url: page.url, results: page.results.length, index });
      yield page;
      const next = envelope.next_url;
      if (next === undefined || next === null || next === '') return;
      if (typeof next !== 'string') throw this.badPayload(label, `next_url is ${typeof next}, expected a URL string`, envelope);
      url = this.nextPageUrl(next, label);
      if (seen.has(url)) throw this.badPayload(label, `next_url repeats an earlier page (${redactUrl(url, this.apiKey)}); stopping instead of looping`, envelope);
      seen.add(url);
      const pageUrl = url;
      envelope = await this.attempt(label, pageUrl, signal, (s) => this.fetchJson(pageUrl, s));
    }
  }

  /** One non-paginated request through the client (e.g. `/v1/open-close`), retried and typed. */
  async single(label: string, call: ClientCall, signal?: AbortSignal): Promise<Readonly<Record<string, unknown>>> {
    return this.attempt(label, `${this.base.origin}${label}`, signal, (s) => call(this.api, { signal: s, timeout: this.timeoutMs }));
  }

  private async attempt(label: string, url: string, signal: AbortSignal | undefined, run: (s: AbortSignal) => Promise<unknown>): Promise<Record<string, unknown>> {
    const { clock, random, logger } = this.options;
    const rateLimiter = this.permits;
    return withRetry(
      async () => {
        await rateLimiter?.acquire(signal);
        const controller = new AbortController();
        const onAbort = () => controller.abort(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const body = await run(controller.signal);
          return this.envelopeOf(body, label);
        } catch (e) {
          throw classifyFailure(e, { url, apiKey: this.apiKey, signal, now: this.clock.now() });
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      },
      { policy: this.policy, clock, random, logger, signal, label: redactUrl(label, this.apiKey) },
    );
  }

  private async fetchJson(url: string, signal: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const res = await fetch(url, { signal: AbortSignal.any([signal, timeout]), headers: { accept: 'application/json' } });
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (signal.aborted || (e as Error)?.name === 'TimeoutError') throw e;
      throw new SpyglassError('BAD_PAYLOAD', `truncated response body from ${redactUrl(url, this.apiKey)} (HTTP ${res.status}): ${(e as Error).message}`, {
        cause: e,
        details: { url: redactUrl(url, this.apiKey), status: res.status },
      });
    }
    if (!res.ok) {
      // Reuse the axios path of classifyFailure so both transports map statuses identically.
      throw Object.assign(new Error(`HTTP ${res.status}`), {
        isAxiosError: true,
        response: { status: res.status, data: text, headers: { 'retry-after': res.headers.get('retry-after') ?? undefined } },
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new SpyglassError('BAD_PAYLOAD', `invalid JSON from ${redactUrl(url, this.apiKey)} (${text.length} bytes): ${(e as Error).message}`, {
        cause: e,
        details: { url: redactUrl(url, this.apiKey), bytes: text.length, head: redactUrl(text.slice(0, 120), this.apiKey) },
      });
    }
  }

  private envelopeOf(body: unknown, label: string): Record<string, unknown> {
    // axios hands back the raw text when JSON.parse fails (its silentJSONParsing default).
    if (typeof body === 'string') {
      throw new SpyglassError('BAD_PAYLOAD', `${redactUrl(label, this.apiKey)}: response is not valid JSON (${body.length} bytes)`, {
        details: { label: redactUrl(label, this.apiKey), bytes: body.length, head: redactUrl(body.slice(0, 120), this.apiKey) },
      });
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw this.badPayload(label, 'response is not a JSON object', body);
    const env = body as Record<string, unknown>;
    if (env.results !== undefined && env.results !== null && !Array.isArray(env.results) && typeof env.results !== 'object') {
      throw this.badPayload(label, `results is ${typeof env.results}, expected an array`, env);
    }
    if (env.status === 'ERROR') throw this.badPayload(label, `status ERROR in a 2xx response: ${String(env.error ?? env.message ?? '')}`, env);
    return env;
  }

  private toPage(env: Record<string, unknown>, index: number, url: string, label: string): WirePage {
    const r = env.results;
    if (r !== undefined && r !== null && !Array.isArray(r)) throw this.badPayload(label, 'results is not an array', env);
    return { index, url, envelope: env, results: (r as unknown[] | undefined) ?? [] };
  }

  private nextPageUrl(next: string, label: string): string {
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw this.badPayload(label, `next_url "${redactUrl(next, this.apiKey)}" is not an absolute URL`, { next_url: next });
    }
    // The key must only ever travel to the origin the user configured, whatever host next_url names.
    url.protocol = this.base.protocol;
    url.host = this.base.host;
    url.searchParams.set('apiKey', this.apiKey);
    return url.toString();
  }

  private badPayload(label: string, why: string, body: unknown): SpyglassError {
    const head = redactUrl(JSON.stringify(body)?.slice(0, 200) ?? String(body), this.apiKey);
    return new SpyglassError('BAD_PAYLOAD', `${redactUrl(label, this.apiKey)}: ${why}`, { details: { label: redactUrl(label, this.apiKey), head } });
  }
}
