import { SpyglassError } from './errors.js';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const NETWORK_MESSAGE = /socket hang up|fetch failed|network error|other side closed/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function classify(e: unknown, depth: number): SpyglassError['code'] | undefined {
  if (depth > 4 || typeof e !== 'object' || e === null) return undefined;
  const { name, code, message, cause } = e as ErrorLike;
  if (name === 'AbortError' || name === 'TimeoutError') return 'TIMEOUT';
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'TIMEOUT';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'NETWORK';
  // undici wraps the socket error: `TypeError: fetch failed` with the real one as `cause`.
  const inner = classify(cause, depth + 1);
  if (inner) return inner;
  if (typeof message === 'string' && NETWORK_MESSAGE.test(message)) return 'NETWORK';
  if (name === 'SyntaxError') return 'BAD_PAYLOAD';
  return undefined;
}

/**
 * Turns anything thrown into a {@link SpyglassError}: SpyglassErrors pass through; connection resets,
 * refusals, `socket hang up` and undici's `fetch failed` become NETWORK; `AbortError`, `TimeoutError`
 * and ETIMEDOUT become TIMEOUT; a JSON `SyntaxError` becomes BAD_PAYLOAD; everything else UNEXPECTED.
 * The original is kept as `cause`.
 *
 * @example
 * ```ts
 * const e = toSpyglassError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
 * e.code; // 'NETWORK'
 * ```
 */
export function toSpyglassError(e: unknown): SpyglassError {
  if (e instanceof SpyglassError) return e;
  const code = classify(e, 0) ?? 'UNEXPECTED';
  const message = e instanceof Error ? e.message : String(e);
  return new SpyglassError(code, message, { cause: e });
}
