/**
 * True for host names that only this machine can reach: `localhost`, `127.0.0.0/8`, `::1`.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false: every interface
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Whether a request's `Host` header may be served by a server bound to `bindHost`. A server on the
 * loopback answers only requests that name a loopback host, so a web page that re-points its own
 * name at 127.0.0.1 (DNS rebinding) cannot read it; a server bound elsewhere was exposed on purpose.
 *
 * @example
 * ```ts
 * if (!hostHeaderAllowed('127.0.0.1', req.headers.host)) return res.writeHead(421).end();
 * hostHeaderAllowed('127.0.0.1', 'evil.example:8501'); // false
 * ```
 */
export function hostHeaderAllowed(bindHost: string, hostHeader: string | undefined): boolean {
  if (!isLoopbackHost(bindHost)) return true;
  const name = (hostHeader ?? '').replace(/:\d+$/, '');
  return name !== '' && isLoopbackHost(name);
}

/**
 * The warning a server prints when bound to a non-loopback interface, or null on the loopback.
 *
 * @example
 * ```ts
 * const w = networkExposureWarning('dashboard', '0.0.0.0');
 * if (w) process.stderr.write(`${w}\n`);
 * ```
 */
export function networkExposureWarning(server: string, host: string): string | null {
  if (isLoopbackHost(host)) return null;
  return `WARNING: ${server} listens on ${host}: it is now reachable from the network, without authentication. Use --host 127.0.0.1 to keep it local.`;
}
