/** Host names that mean "this machine" (a server bound to one of them serves only local clients). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The DNS-rebinding guard of a loopback server: when it is bound to a loopback address, a request
 * whose `Host` header names anything else is refused (421). Returns the refusal message, or
 * undefined when the request may be served.
 *
 * @example
 * ```ts
 * import { loopbackHostProblem } from '@spyglass/monitoring';
 * loopbackHostProblem('127.0.0.1', 'evil.example:8501'); // "host 'evil.example:8501' not served"
 * loopbackHostProblem('127.0.0.1', 'localhost:8501');    // undefined
 * ```
 */
export function loopbackHostProblem(boundHost: string, hostHeader: string | undefined): string | undefined {
  if (!LOOPBACK.has(boundHost)) return undefined;
  const name = (hostHeader ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK.has(name) ? undefined : `host '${hostHeader ?? ''}' not served`;
}
