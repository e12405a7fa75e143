import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostHeaderAllowed } from '@spyglass/core';
import type { Registry } from 'prom-client';
import { renderHealthText } from './health-render.js';
import { listenHttp } from './listen-http.js';
import type { HealthSnapshot } from './health-snapshot.js';

/**
 * Options of {@link createMetricsServer}.
 *
 * @example
 * ```ts
 * const opts: MetricsServerOptions = { port: 9464, registry: metrics.registry };
 * ```
 */
export interface MetricsServerOptions {
  /** Port to listen on; 0 picks a free one (tests). */
  readonly port: number;
  /** Interface to bind. Default `127.0.0.1`: metrics and health stay on the loopback unless told otherwise. */
  readonly host?: string;
  readonly registry: Registry;
  /** Produces the snapshot served at `/health`; without it `/health` answers 404. */
  readonly health?: () => HealthSnapshot | Promise<HealthSnapshot>;
  /**
   * A computed `/metrics` text or `/health` snapshot answers the requests of the next `cacheMs` too.
   * Default 250: collecting walks every open socket and file descriptor, so under a burst of
   * requests a fresh collection per request grows with the square of the burst. 0 = only requests
   * arriving while one is computed share it.
   */
  readonly cacheMs?: number;
  /** Time for `cacheMs`; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A listening metrics server.
 *
 * @example
 * ```ts
 * const server: MetricsServer = await createMetricsServer({ port: 0, registry }); await server.close();
 * ```
 */
export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** `compute`, with calls made while one runs, or within `cacheMs` after it settled, sharing its result. */
function coalesced<T>(compute: () => T | Promise<T>, reuse: { cacheMs: number; now: () => number }): () => Promise<T> {
  let current: { value: Promise<T>; settledAt?: number } | undefined;
  return () => {
    const settledAt = current?.settledAt;
    if (current && (settledAt === undefined || reuse.now() - settledAt < reuse.cacheMs)) return current.value;
    const entry: { value: Promise<T>; settledAt?: number } = { value: Promise.resolve().then(compute) };
    current = entry;
    // A failure is not reused: the next request computes again.
    entry.value.then(
      () => (entry.settledAt = reuse.now()),
      () => {
        if (current === entry) current = undefined;
      },
    );
    return entry.value;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Serves `GET /metrics` (Prometheus text format from `registry`) and `GET /health` (the health
 * snapshot as JSON; `?format=text` for the `spyglass health` text). `/health` answers 503 when the
 * snapshot is critical so a plain HTTP probe can alert on it. Requests arriving while a snapshot or
 * a scrape is being computed share it (coalescing), so a burst of probes costs one computation. On a loopback host, requests naming
 * another Host get 421 (DNS rebinding), as on the dashboard. The streamer daemon runs one of these.
 *
 * @example
 * ```ts
 * const metrics = createSpyglassMetrics();
 * const server = await createMetricsServer({ port: 9464, registry: metrics.registry, health: () => buildHealthSnapshot(inputs) });
 * console.log(`scrape ${server.url}/metrics`);
 * await server.close();
 * ```
 */
export async function createMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  // Concurrent scrapes and probes share one computation: 2,000 at once cost one snapshot, not 2,000.
  const reuse = { cacheMs: options.cacheMs ?? 250, now: options.now ?? Date.now };
  const metricsText = coalesced(() => options.registry.metrics(), reuse);
  const health = options.health ? coalesced(options.health, reuse) : undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // As the dashboard: a loopback server answers only loopback Host names (DNS rebinding).
    if (!hostHeaderAllowed(host, req.headers.host)) return send(res, 421, 'application/json', JSON.stringify({ error: `host '${req.headers.host ?? ''}' not served` }));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'application/json', JSON.stringify({ error: `method ${req.method} not allowed` }));
    }
    if (url.pathname === '/metrics') {
      return send(res, 200, options.registry.contentType, await metricsText());
    }
    if (url.pathname === '/health' && health) {
      const snapshot = await health();
      const status = snapshot.status === 'critical' ? 503 : 200;
      if (url.searchParams.get('format') === 'text') return send(res, status, 'text/plain; charset=utf-8', renderHealthText(snapshot));
      return send(res, status, 'application/json', JSON.stringify(snapshot));
    }
    send(res, 404, 'application/json', JSON.stringify({ error: `no route ${url.pathname}`, routes: ['/metrics', ...(options.health ? ['/health'] : [])] }));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
      else res.destroy();
    });
  });
  return listenHttp(server, { name: 'metrics server', host, port: options.port });
}
