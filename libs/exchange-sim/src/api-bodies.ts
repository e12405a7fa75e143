// The real API's error bodies (Massive, formerly Polygon.io), byte-for-byte in shape.

/**
 * A JSON response the REST router produces before faults are applied. A large page carries its
 * `results` as `streamed`: generated while it is written, so the server never holds a whole page.
 */
export interface ApiResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly streamed?: StreamedResults;
}

/**
 * The `results` array of a page, produced lazily; `trailer()` gives the fields known only once the
 * items have been consumed (counts, `next_url`), written after `results`.
 */
export interface StreamedResults {
  readonly items: Iterable<unknown>;
  trailer(): Record<string, unknown>;
}

/** 401 without a key. */
export function missingKey(requestId: string): ApiResponse {
  return { status: 401, body: { status: 'ERROR', request_id: requestId, error: 'API Key was not provided' } };
}

/** 401 for a key the server does not know. */
export function unknownKey(requestId: string): ApiResponse {
  return { status: 401, body: { status: 'ERROR', request_id: requestId, error: 'Unknown API Key' } };
}

/** 403 when the key's plan does not include the data. */
export function notAuthorized(requestId: string): ApiResponse {
  return {
    status: 403,
    body: { status: 'NOT_AUTHORIZED', request_id: requestId, message: 'You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing' },
  };
}

/** 429 when the key exceeded its requests per minute. */
export function rateLimited(requestId: string): ApiResponse {
  return {
    status: 429,
    body: {
      status: 'ERROR',
      request_id: requestId,
      error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://massive.com/pricing",
    },
  };
}

/** 400 for a parameter the server cannot parse. */
export function badRequest(requestId: string, error: string): ApiResponse {
  return { status: 400, body: { status: 'ERROR', request_id: requestId, error } };
}

/** 404 for an unknown path or missing data. */
export function notFound(requestId: string, message = 'Data not found.'): ApiResponse {
  return { status: 404, body: { status: 'NOT_FOUND', request_id: requestId, message } };
}

/** 5xx injected by the fault injector. */
export function serverError(requestId: string, status: number): ApiResponse {
  return { status, body: { status: 'ERROR', request_id: requestId, error: 'Internal server error, please try again' } };
}
