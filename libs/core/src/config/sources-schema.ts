import { z } from 'zod';

const positiveMs = z.number().int().positive();
const tickerList = z.array(z.string().min(1)).min(1);

/**
 * `config/sources.yaml`: the Massive (formerly Polygon.io) endpoints, API key, rate limit, tickers,
 * option-contract selection, news polling and streaming.
 *
 * The API key: write `apiKey: "${MASSIVE_API_KEY:-${POLYGON_API_KEY:-}}"` (quoted, so an all-digit
 * key stays a string). When `apiKey` is absent, `loadConfig` takes MASSIVE_API_KEY, then
 * POLYGON_API_KEY, from the env it is given. An empty key is valid here; commands that call the API
 * reject it.
 *
 * @example
 * ```ts
 * const sources = sourcesConfigSchema.parse({ massive: { rateLimit: { requestsPerMinute: null } } });
 * sources.massive.rest.baseUrl; // 'https://api.massive.com'
 * ```
 */
export const sourcesConfigSchema = z.strictObject({
  massive: z
    .strictObject({
      apiKey: z.preprocess((v) => (v === null ? '' : v), z.string()).default(''),
      rest: z
        .strictObject({
          baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.massive.com'),
          timeoutMs: positiveMs.default(30_000),
          /** `limit` query parameter of paginated endpoints. */
          pageLimit: z.number().int().positive().max(50_000).default(50_000),
        })
        .prefault({}),
      ws: z
        .strictObject({
          baseUrl: z.url({ protocol: /^wss?$/ }).default('wss://socket.massive.com'),
          connectTimeoutMs: positiveMs.default(10_000),
        })
        .prefault({}),
      rateLimit: z
        .strictObject({
          /** Requests per minute for this key; null = unlimited (paid plans). The free plan allows 5. */
          requestsPerMinute: z.number().positive().nullable().default(5),
        })
        .prefault({}),
    })
    .prefault({}),
  tickers: z
    .strictObject({
      equities: tickerList.default(['SPY']),
      indices: tickerList.default(['I:VIX']),
      /** Tickers whose news is collected. */
      news: tickerList.default(['SPY']),
    })
    .prefault({}),
  options: z
    .strictObject({
      underlying: z.string().min(1).default('SPY'),
      /** n calls strictly above the opening price and n puts at or below it. */
      strikesPerSide: z.number().int().positive().default(2),
      /** Calls strictly above the opening price; null = strikesPerSide (the original's n_calls). */
      nCalls: z.number().int().nonnegative().nullable().default(null),
      /** Puts at or below the opening price; null = strikesPerSide (the original's n_puts). */
      nPuts: z.number().int().nonnegative().nullable().default(null),
      /**
       * Dollars between the strikes test mode builds. SPY's daily (0DTE/1DTE) expirations list $1
       * strikes (O:SPY250304C00601000), so $0.50 would build contracts that are not listed.
       */
      strikeIncrement: z.number().positive().default(1),
      // same_day = 0DTE; next_* = 1DTE and beyond (the simulator lists daily expirations, as SPY does since 2022).
      expiry: z.enum(['same_day', 'next_calendar_day', 'next_trading_day', 'next_friday', 'fixed']).default('same_day'),
      /** Expiration date when `expiry` is `fixed`. */
      fixedExpiry: z.iso.date().nullable().default(null),
      /** `test` selects a handful of contracts, `prod` the full configured set. */
      mode: z.enum(['test', 'prod']).default('test'),
      /** Strike range around the opening price for contract discovery, as a fraction (0.01 = ±1 %). */
      discoveryRange: z.number().positive().lt(1).default(0.01),
    })
    .refine((o) => o.expiry !== 'fixed' || o.fixedExpiry !== null, {
      message: 'fixedExpiry (YYYY-MM-DD) is required when expiry is "fixed"',
      path: ['fixedExpiry'],
    })
    .prefault({}),
  news: z
    .strictObject({
      pollIntervalMs: positiveMs.default(60_000),
      pageLimit: z.number().int().positive().max(1000).default(1000),
    })
    .prefault({}),
  streaming: z
    .strictObject({
      /** Records held in memory before back-pressure. */
      bufferSize: z.number().int().positive().default(10_000),
      flushIntervalMs: positiveMs.default(5_000),
      flushSize: z.number().int().positive().default(1_000),
      reconnect: z
        .strictObject({
          initialDelayMs: positiveMs.default(1_000),
          backoffBase: z.number().min(1).default(2),
          maxDelayMs: positiveMs.default(60_000),
          /** Consecutive failed reconnects before giving up; null = never give up. */
          maxAttempts: z.number().int().positive().nullable().default(null),
        })
        .prefault({}),
    })
    .refine((s) => s.flushSize <= s.bufferSize, { message: 'flushSize must not exceed bufferSize', path: ['flushSize'] })
    .prefault({}),
});

/**
 * Typed `config/sources.yaml`.
 *
 * @example
 * ```ts
 * function client(sources: SourcesConfig) { return sources.massive.rest.baseUrl; }
 * ```
 */
export type SourcesConfig = z.infer<typeof sourcesConfigSchema>;
