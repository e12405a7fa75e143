import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { type Clock, SpyglassError, nyDate, systemClock } from '@spyglass/core';
import { WebSocketServer } from 'ws';
import { writeJsonResponse, materializeBody } from './json-response-writer.js';
import { type ApiResponse, missingKey, notAuthorized, notFound, rateLimited, serverError, unknownKey } from './api-bodies.js';
import { FaultInjector, type FaultKind, type FaultOptions } from './fault-injector.js';
import type { MarketConfig } from './market-config.js';
import { type ApiProduct, matchRoute } from './rest-api.js';
import { SyntheticMarket } from './synthetic-market.js';
import type { SimMarketKind } from './synthetic-market.js';
import { FeedConnection, WS_CLUSTERS } from './ws-feed.js';

/**
 * Options of {@link createExchangeSim}.
 *
 * @example
 * ```ts
 * const options: ExchangeSimOptions = { seed: 42, port: 0, speed: 0, sessionDate: '2025-03-04', faults: { rate429: 0.1 } };
 * ```
 */
export interface ExchangeSimOptions extends Omit<MarketConfig, 'seed'> {
  /** Market seed (same seed, same bars). */
  readonly seed: number | string;
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; loopback by default. */
  readonly host?: string;
  /** Accepted API keys; by default any non-empty key is accepted. */
  readonly apiKeys?: readonly string[];
  /** Products a key may use; a key not listed here may use all (others answer 403 NOT_AUTHORIZED). */
  readonly entitlements?: Readonly<Record<string, readonly ApiProduct[]>>;
  /** Requests per minute per key (fixed one-minute windows on the clock); unlimited by default. */
  readonly rateLimitPerMinute?: number;
  /** WebSocket replay speed: 1 = real time, N = N× faster, 0 = as fast as possible (default 0). */
  readonly speed?: number;
  /** Session the WebSocket feed replays (default: the last trading day on or before the clock's date). */
  readonly sessionDate?: string;
  readonly faults?: FaultOptions;
  /** Seed of the fault draws (default 1); faults are deterministic per seed and request order. */
  readonly faultSeed?: number | string;
  /** Authenticated WebSocket connections per key and cluster (default 1, as the real plans). */
  readonly maxConnections?: number;
  /** Clock for rate-limit windows, default `as_of`/news dates, slow faults and replay pacing. */
  readonly clock?: Clock;
  /** Use an existing market (e.g. shared between tests) instead of building one from `seed`. */
  readonly market?: SyntheticMarket;
}

/**
 * Counters of {@link ExchangeSim.stats}.
 *
 * @example
 * ```ts
 * const { requests, faults } = sim.stats();
 * console.log(requests.aggs, faults.rate429);
 * ```
 */
export interface ExchangeSimStats {
  /** REST requests by route label (`aggs`, `open-close`, `options-contracts`, `news`, `unknown`). */
  readonly requests: Readonly<Record<string, number>>;
  /** REST responses by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Faults injected, by kind. */
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly wsConnections: number;
  readonly wsMessages: number;
}

/**
 * A running simulator.
 *
 * @example
 * ```ts
 * const sim: ExchangeSim = await createExchangeSim({ seed: 42 });
 * const rest = new MassiveRest({ apiKey: 'test', restBaseUrl: sim.url });
 * await sim.close();
 * ```
 */
export interface ExchangeSim {
  /** `http://127.0.0.1:<port>`: the REST base URL. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>`: append `/stocks`, `/options` or `/indices`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly market: SyntheticMarket;
  stats(): ExchangeSimStats;
  /** Stops accepting, closes every connection and resolves when the server is down. */
  close(): Promise<void>;
}

function respond(res: ServerResponse, r: ApiResponse, text?: string): void {
  const body = text ?? JSON.stringify(materializeBody(r));
  res.writeHead(r.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts the loopback exchange: the Massive REST endpoints and the `/stocks`, `/options`, `/indices`
 * WebSocket clusters on one port, over a seeded {@link SyntheticMarket}.
 *
 * @example
 * ```ts
 * const sim = await createExchangeSim({ seed: 42, port: 0 });
 * const res = await fetch(`${sim.url}/v2/aggs/ticker/SPY/range/1/minute/2025-03-04/2025-03-04?apiKey=demo`);
 * console.log((await res.json()).resultsCount); // 390
 * await sim.close();
 * ```
 */
export async function createExchangeSim(options: ExchangeSimOptions): Promise<ExchangeSim> {
  const clock = options.clock ?? systemClock;
  const market = options.market ?? new SyntheticMarket(options);
  const faults = new FaultInjector(options.faults ?? {}, options.faultSeed ?? 1);
  const host = options.host ?? '127.0.0.1';
  const keys = options.apiKeys ? new Set(options.apiKeys) : null;
  const isValidKey = (key: string): boolean => key.length > 0 && (keys === null || keys.has(key));
  const requests: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const windows = new Map<string, { start: number; count: number }>();
  const connections = new Map<string, number>();
  const sockets = new Set<Socket>();
  let requestCounter = 0;
  let wsConnections = 0;
  let wsMessages = 0;
  let baseUrl = '';
  const maxConnections = options.maxConnections ?? 1;

  const nextRequestId = (): string => createHash('md5').update(`${String(options.seed)}:${requestCounter++}`).digest('hex');

  const overLimit = (key: string): boolean => {
    const limit = options.rateLimitPerMinute;
    if (limit === undefined) return false;
    const now = clock.now();
    const w = windows.get(key);
    if (!w || now - w.start >= 60_000) {
      windows.set(key, { start: now, count: 1 });
      return false;
    }
    w.count++;
    return w.count > limit;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl);
    const route = matchRoute(url.pathname);
    const label = route?.label ?? 'unknown';
    requests[label] = (requests[label] ?? 0) + 1;
    const requestId = nextRequestId();
    const finish = (r: ApiResponse, text?: string): void => {
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      respond(res, r, text);
    };
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const key = url.searchParams.get('apiKey') ?? bearer ?? '';
    if (key === '') return finish(missingKey(requestId));
    if (!isValidKey(key)) return finish(unknownKey(requestId));
    if (!route) return finish(notFound(requestId, 'Not found'));
    const allowed = options.entitlements?.[key];
    if (allowed && !allowed.includes(route.product(url))) return finish(notAuthorized(requestId));
    if (overLimit(key)) return finish(rateLimited(requestId));

    if (faults.fires('reset')) {
      req.socket.destroy();
      return;
    }
    if (faults.fires('rate429')) return finish(rateLimited(requestId));
    if (faults.fires('server5xx')) return finish(serverError(requestId, [500, 502, 503][faults.stream('server5xx').int(3)]!));
    if (faults.fires('slow')) await clock.sleep(options.faults?.slowMs ?? 1000);

    let result: ApiResponse;
    try {
      result = route.handle(url, { market, baseUrl, now: () => clock.now(), requestId });
    } catch (cause) {
      const err = new SpyglassError('INVALID_ARGUMENT', `exchange-sim: ${url.pathname} failed`, { cause });
      result = { status: 500, body: { status: 'ERROR', request_id: requestId, error: err.message } };
    }
    if (result.status === 200 && faults.fires('truncated')) {
      const text = JSON.stringify(materializeBody(result));
      // Announce the full length and send part of it: the client sees a premature end of body.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      statuses[200] = (statuses[200] ?? 0) + 1;
      setImmediate(() => req.socket.destroy());
      return;
    }
    if (result.status === 200 && faults.fires('invalidJson')) {
      return finish(result, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    }
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    await writeJsonResponse(res, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((cause) => {
      if (!res.headersSent) respond(res, { status: 500, body: { status: 'ERROR', error: String(cause) } });
      else res.destroy(); // a page that failed mid-stream: the client sees a premature end, never a short page
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ noServer: true });
  const sessionDate = (): string => {
    if (options.sessionDate) return options.sessionDate;
    const today = nyDate(clock.now());
    return market.tradingDays(market.range.from, today).at(-1) ?? market.range.from;
  };
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const cluster = WS_CLUSTERS[path];
    if (!cluster) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wsConnections++;
      new FeedConnection(ws, cluster, {
        market,
        clock,
        speed: options.speed ?? 0,
        sessionDate,
        faults,
        isValidKey,
        acquire: (k: string, c: SimMarketKind) => {
          const id = `${k}|${c}`;
          const n = connections.get(id) ?? 0;
          if (n >= maxConnections) return false;
          connections.set(id, n + 1);
          return true;
        },
        release: (k: string, c: SimMarketKind) => {
          const id = `${k}|${c}`;
          connections.set(id, Math.max(0, (connections.get(id) ?? 1) - 1));
        },
        onMessage: () => {
          wsMessages++;
        },
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(new SpyglassError('NETWORK', `exchange-sim: cannot listen on ${host}:${options.port ?? 0}`, { cause })),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${hostInUrl}:${port}`;

  return {
    url: baseUrl,
    wsUrl: `ws://${hostInUrl}:${port}`,
    port,
    market,
    stats: () => ({ requests: { ...requests }, statuses: { ...statuses }, faults: { ...faults.injected }, wsConnections, wsMessages }),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
