import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpyglassError } from '@spyglass/core';

/**
 * A server listening on `host:port`, as {@link listenHttp} returns it.
 *
 * @example
 * ```ts
 * const listener: HttpListener = await listenHttp(createServer(handler), { name: 'metrics server', host: '127.0.0.1', port: 0 });
 * console.log(listener.url);
 * await listener.close();
 * ```
 */
export interface HttpListener {
  /** Base URL, e.g. `http://127.0.0.1:9464` (IPv6 hosts in brackets). */
  readonly url: string;
  /** The bound port (the one the OS picked when asked for 0). */
  readonly port: number;
  readonly host: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Starts `server` on `host:port`. A bind failure (port taken, no such interface) rejects with
 * `SpyglassError('NETWORK')` naming `name` and the address, so a daemon's log says which server failed.
 *
 * @example
 * ```ts
 * const listener = await listenHttp(createServer((req, res) => res.end('ok')), { name: 'probe', host: '127.0.0.1', port: 0 });
 * await fetch(listener.url);
 * await listener.close();
 * ```
 */
export async function listenHttp(server: Server, opts: { readonly name: string; readonly host: string; readonly port: number }): Promise<HttpListener> {
  const { name, host } = opts;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(new SpyglassError('NETWORK', `${name} cannot listen on ${host}:${opts.port}: ${(e as Error).message}`, { cause: e, details: { host, port: opts.port } })),
    );
    // A deep accept queue: a burst of thousands of local clients is queued, not reset (the OS caps it at somaxconn).
    server.listen({ port: opts.port, host, backlog: 4096 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
