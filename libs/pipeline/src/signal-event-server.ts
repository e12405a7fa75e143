import { createServer, type ServerResponse } from 'node:http';
import { listenHttp, loopbackHostProblem } from '@spyglass/monitoring';
import type { LiveSignalRecord } from './live-signal-engine.js';

/**
 * A running `/signals` Server-Sent Events endpoint.
 *
 * @example
 * ```ts
 * const sse: SignalEventServer = await createSignalEventServer({ port: 0 });
 * engine.onSignal((s) => sse.publish(s));
 * console.log(`curl -N ${sse.url}/signals`);
 * ```
 */
export interface SignalEventServer {
  /** Base URL, e.g. `http://127.0.0.1:9465`. */
  readonly url: string;
  readonly port: number;
  /** Sends a signal to every connected client (`event: signal`, one JSON object per event). */
  publish(signal: LiveSignalRecord): void;
  /** Clients connected now. */
  clients(): number;
  close(): Promise<void>;
}

/**
 * Serves live signals as Server-Sent Events on `GET /signals` (loopback by default, with the same
 * Host check as the other loopback servers against DNS rebinding). A client that connects gets the
 * signals published from then on, plus a comment every `keepAliveMs` so proxies keep it open; a slow
 * client is dropped rather than buffered without bound.
 *
 * @example
 * ```ts
 * const sse = await createSignalEventServer({ port: 9465 });
 * engine.onSignal((s) => sse.publish(s));
 * // in a browser: new EventSource('http://127.0.0.1:9465/signals').addEventListener('signal', (e) => show(JSON.parse(e.data)));
 * ```
 */
export async function createSignalEventServer(options: { readonly port: number; readonly host?: string; readonly keepAliveMs?: number }): Promise<SignalEventServer> {
  const host = options.host ?? '127.0.0.1';
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const refused = loopbackHostProblem(host, req.headers.host);
    const reply = (status: number, error: string) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error }));
    };
    if (refused !== undefined) return reply(421, refused);
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== '/signals') return reply(404, `no route ${pathname}; live signals are at /signals`);
    if (req.method !== 'GET') return reply(405, `method ${req.method} not allowed`);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': spyglass live signals\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  });
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, options.keepAliveMs ?? 15_000);
  keepAlive.unref?.();
  const listener = await listenHttp(server, { name: 'signal event server', host, port: options.port });
  return {
    url: listener.url,
    port: listener.port,
    publish: (signal) => {
      const frame = `event: signal\ndata: ${JSON.stringify(signal)}\n\n`;
      for (const c of clients) {
        // A client that cannot keep up (over 1 MiB unsent) is dropped: it reconnects and carries on.
        if (c.writableLength > 1 << 20) {
          clients.delete(c);
          c.destroy();
        } else c.write(frame);
      }
    },
    clients: () => clients.size,
    close: async () => {
      clearInterval(keepAlive);
      for (const c of clients) c.end();
      clients.clear();
      await listener.close();
    },
  };
}
