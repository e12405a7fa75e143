import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createServer, get as httpGet, type IncomingMessage, type ServerResponse } from 'node:http';
import { SpyglassError, hostHeaderAllowed, type Clock, type MarketCalendar } from '@spyglass/core';
import { listenHttp, type SchemaDriftState } from '@spyglass/monitoring';
import { DataOverviewReader } from './data-overview.js';
import { CoalescingCache } from './coalescing-cache.js';
import { dataState } from './data-state.js';
import { readReport } from './report-reader.js';
import { readChartBars } from './bars-api.js';
import { modelSummaryPath, scannerSummaryPath, validateModelSummary, validateScannerSummary } from '@spyglass/core';

/**
 * Options of {@link createDashboardServer}.
 *
 * @example
 * ```ts
 * const opts: DashboardServerOptions = { root: 'data', port: 8501 };
 * ```
 */
export interface DashboardServerOptions {
  /** The data root (`data` by default in the CLI). */
  readonly root: string;
  /** Interface to bind. Default `127.0.0.1`: the dashboard is local unless told otherwise. */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 8501 (the original Streamlit port). */
  readonly port?: number;
  readonly clock?: Clock;
  readonly calendar?: MarketCalendar;
  /** Datasets whose freshness is judged in market hours. Default stocks, options, indices. */
  readonly liveDatasets?: readonly string[];
  /** Schema-drift state per dataset (e.g. from storage's drift monitor). */
  readonly schemaDrift?: () => Promise<readonly SchemaDriftState[]> | readonly SchemaDriftState[];
  /**
   * An API answer is reused while the data root is unchanged, at most this long (its freshness
   * figures depend on the clock); default 5 s. Concurrent identical requests always share one computation.
   */
  readonly maxAgeMs?: number;
  /** The data root's modification state is checked at most this often; default 500 ms (0 = on every request not sharing a check). */
  readonly stateCheckMs?: number;
  /**
   * A live signals event stream (`spyglass stream-signals --sse-port` or the streamer's
   * `--signals-port`, e.g. `http://127.0.0.1:9465/signals`), relayed to the Signals tab at
   * `/api/signals/stream` (same origin, so the page's CSP stays `connect-src 'self'`).
   */
  readonly signalsUrl?: string;
}

/**
 * A running dashboard.
 *
 * @example
 * ```ts
 * const server: DashboardServer = await createDashboardServer({ root: 'data' }); await server.close();
 * ```
 */
export interface DashboardServer {
  /** e.g. `http://127.0.0.1:8501`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** How many times each API answer was computed (the rest were shared or reused). */
  computations(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

// The page is plain files next to src/ and dist/ alike, so no bundler or copy step is needed.
const ASSETS = new URL('../assets/', import.meta.url);
const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/charts.js': { file: 'charts.js', type: 'text/javascript; charset=utf-8' },
  '/price-charts.js': { file: 'price-charts.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};
// TradingView's lightweight-charts, served from node_modules (no CDN): the standalone build defines
// `window.LightweightCharts`, so the page needs no bundler or import map. Its `exports` only expose
// package.json and the ESM entry, so the file is found next to the package.json.
const LIGHTWEIGHT_CHARTS = join(dirname(createRequire(import.meta.url).resolve('lightweight-charts/package.json')), 'dist/lightweight-charts.standalone.production.js');
// The one inline <style> lightweight-charts injects: the TradingView attribution logo its licence
// asks for. Allowed by hash (exactly that text); a new version of the library with another style
// shows up as a CSP console error in the browser test.
const CHART_LOGO_STYLE = "'sha256-3pRED1tOXas1FXFoPb9TGCjmYe9XQsmO9OV23khV2nY='";
const SECURITY_HEADERS = {
  'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self' ${CHART_LOGO_STYLE}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** Relays the upstream event stream to one client; either side closing ends both. */
function relaySignals(upstreamUrl: string, req: IncomingMessage, res: ServerResponse): void {
  const upstream = httpGet(upstreamUrl, { headers: { accept: 'text/event-stream' } }, (up) => {
    if (up.statusCode !== 200) {
      up.resume();
      return json(res, 502, { error: `signals source ${upstreamUrl} answered ${up.statusCode}` });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...SECURITY_HEADERS });
    res.flushHeaders();
    up.pipe(res);
    up.on('end', () => res.end());
  });
  upstream.on('error', (e) => (res.headersSent ? res.end() : json(res, 502, { error: `signals source ${upstreamUrl} unreachable: ${e.message}` })));
  req.on('close', () => upstream.destroy());
}

/**
 * Serves the local dashboard: one HTML page, two small vanilla JS files drawing SVG charts, and the
 * JSON APIs behind its three tabs: `GET /api/data` (coverage, freshness, space, quarantine, schema
 * drift), `GET /api/scanner` (`reports/scanner/summary.json`) and `GET /api/model`
 * (`reports/ml/latest/summary.json`), and the live signals relay (`GET /api/signals`,
 * `GET /api/signals/stream`) when a signals URL is given. On a loopback host, requests naming another Host are refused
 * (DNS rebinding).
 *
 * @example
 * ```ts
 * const server = await createDashboardServer({ root: 'data', port: 8501 });
 * console.log(`dashboard at ${server.url}`);
 * process.on('SIGINT', () => void server.close());
 * ```
 */
export async function createDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const reader = new DataOverviewReader({
    root: options.root,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.calendar ? { calendar: options.calendar } : {}),
    ...(options.liveDatasets ? { liveDatasets: options.liveDatasets } : {}),
    ...(options.schemaDrift ? { schemaDrift: options.schemaDrift } : {}),
  });
  let port = 0;
  // One computation per route however many requests arrive together, reused while the data root is unchanged.
  const clock = options.clock ? { clock: options.clock } : {};
  const state = () => dataState(options.root);
  const cached = (compute: () => Promise<unknown>) =>
    new CoalescingCache<string>({ compute: async () => JSON.stringify(await compute()), state, maxAgeMs: options.maxAgeMs ?? 5_000, stateCheckMs: options.stateCheckMs ?? 500, ...clock });
  const api: Readonly<Record<string, CoalescingCache<string>>> = {
    '/api/data': cached(() => reader.read()),
    '/api/scanner': cached(() => readReport(scannerSummaryPath(options.root), validateScannerSummary)),
    '/api/model': cached(() => readReport(modelSummaryPath(options.root), validateModelSummary)),
  };
  const assets = new Map<string, Promise<Buffer>>();
  const assetBytes = (file: string): Promise<Buffer> => {
    let bytes = assets.get(file);
    if (!bytes) {
      bytes = readFile(new URL(file, ASSETS));
      bytes.catch(() => assets.delete(file));
      assets.set(file, bytes);
    }
    return bytes;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostHeaderAllowed(host, req.headers.host)) return json(res, 421, { error: `host '${req.headers.host ?? ''}' not served; use ${host}:${port}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(res, 405, { error: `method ${req.method} not allowed` });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { pathname } = url;
    const asset = STATIC[pathname];
    if (asset) return send(res, 200, asset.type, await assetBytes(asset.file));
    const cache = api[pathname];
    if (cache) return send(res, 200, 'application/json; charset=utf-8', await cache.get());
    switch (pathname) {
      case '/vendor/lightweight-charts.js':
        return send(res, 200, 'text/javascript; charset=utf-8', await readFile(LIGHTWEIGHT_CHARTS));
      case '/api/bars':
        try {
          return json(res, 200, await readChartBars(options.root, url.searchParams));
        } catch (e) {
          if (e instanceof SpyglassError && e.code === 'INVALID_ARGUMENT') return json(res, 400, { error: e.toJSON() });
          throw e;
        }
      case '/api/signals':
        return json(res, 200, { live: options.signalsUrl !== undefined, source: options.signalsUrl ?? null });
      case '/api/signals/stream':
        if (options.signalsUrl === undefined) return json(res, 404, { error: 'live signals are off: start the dashboard with a signals URL' });
        return relaySignals(options.signalsUrl, req, res);
      case '/favicon.ico':
        res.writeHead(204, SECURITY_HEADERS);
        return void res.end();
      default:
        return json(res, 404, { error: `no route ${pathname}` });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const body = e instanceof SpyglassError ? e.toJSON() : { message: e instanceof Error ? e.message : String(e) };
      if (!res.headersSent) json(res, 500, { error: body });
      else res.destroy();
    });
  });
  const listener = await listenHttp(server, { name: 'dashboard', host, port: options.port ?? 8501 });
  port = listener.port;
  return { ...listener, computations: () => Object.fromEntries(Object.entries(api).map(([k, c]) => [k, c.computations])) };
}
