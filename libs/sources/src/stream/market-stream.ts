import WebSocket from 'ws';
import { SpyglassError, backoffDelay, systemClock, type Clock, type IndexBar, type OptionBar, type RetryOptions, type RetryPolicy, type StockBar } from '@spyglass/core';
import type { DecodeResult } from '../wire/decode-result.js';
import { fastIndexBar, fastOptionBarDecoder, fastStockBar } from './aggregate-fast-path.js';
import { EventQueue } from './event-queue.js';
import type { RecordStream, StreamEvent } from './stream-event.js';

/**
 * The production WebSocket origin (real-time); `wss://delayed.massive.com` is the delayed feed.
 *
 * @example
 * ```ts
 * createStockStream({ apiKey, wsBaseUrl: DEFAULT_WS_BASE_URL, subscriptions: ['AM.SPY'] });
 * ```
 */
export const DEFAULT_WS_BASE_URL = 'wss://socket.massive.com';

/**
 * The three clusters spyglass streams.
 *
 * @example
 * ```ts
 * const cluster: StreamCluster = 'indices'; // connects to `${wsBaseUrl}/indices`
 * ```
 */
export type StreamCluster = 'stocks' | 'options' | 'indices';

/**
 * Reconnection backoff: core's retry-policy shape; `maxAttempts` counts consecutive connections
 * that delivered no data (a connection that streamed bars resets the count).
 *
 * @example
 * ```ts
 * createStockStream({ apiKey, subscriptions: ['AM.SPY'], reconnect: { ...defaultReconnectPolicy, maxAttempts: 20 } });
 * ```
 */
export const defaultReconnectPolicy: RetryPolicy = Object.freeze({ maxAttempts: 10, initialDelayMs: 500, backoffBase: 2, maxDelayMs: 30_000, jitter: 0.2 });

/**
 * Options of a market stream.
 *
 * @example
 * ```ts
 * const opts: MarketStreamOptions = { apiKey, wsBaseUrl: sim.wsUrl, subscriptions: ['AM.SPY'], stallTimeoutMs: 120_000 };
 * const stream = createStockStream(opts);
 * ```
 */
export interface MarketStreamOptions {
  readonly apiKey: string;
  /** WebSocket origin; the cluster path (`/stocks`, `/options`, `/indices`) is appended. */
  readonly wsBaseUrl?: string;
  /** Channels, e.g. `['AM.SPY']`, `['AM.O:SPY250304C00601000']`, `['AM.I:VIX']`, `['AM.*']`. */
  readonly subscriptions: readonly string[];
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly reconnect?: RetryPolicy;
  /** No message for this long on a live connection = stalled: reconnect. Null disables (e.g. overnight). Default 120 s. */
  readonly stallTimeoutMs?: number | null;
  /**
   * TCP connect plus WebSocket upgrade must finish within this many ms, or the attempt fails with
   * TIMEOUT and counts towards `reconnect.maxAttempts` (`sources.yaml` `massive.ws.connectTimeoutMs`).
   * Default 10 000, the config's default.
   */
  readonly connectTimeoutMs?: number;
  /** Events buffered before the socket is paused (back-pressure). Default 10 000. */
  readonly queueCapacity?: number;
  readonly logger?: RetryOptions['logger'];
}

/**
 * Counters of a stream's life.
 *
 * @example
 * ```ts
 * const { reconnects, duplicates }: MarketStreamStats = stream.stats;
 * ```
 */
export interface MarketStreamStats {
  connections: number;
  reconnects: number;
  bars: number;
  rejected: number;
  duplicates: number;
  pauses: number;
}

type Decode<T> = (raw: unknown, ingestedAt: number) => DecodeResult<T>;

const DEDUP_WINDOW = 50_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 2_000;
// ws's own text for an expired handshakeTimeout: the one error it raises that means "too slow".
const WS_HANDSHAKE_TIMEOUT = 'Opening handshake has timed out';

/**
 * A Massive WebSocket stream on `ws`: connects, authenticates, subscribes, and on a drop reconnects
 * with backoff, re-authenticates and re-subscribes, then yields a `reconnected` event with the gap to
 * back-fill. A stall (silence longer than `stallTimeoutMs`) forces a reconnect. Events flow through a
 * bounded queue that pauses the socket when the consumer falls behind. `auth_failed`,
 * `max_connections` and exhausted reconnects end the iteration with a typed SpyglassError
 * (AUTH_FAILED, MAX_CONNECTIONS, RETRIES_EXHAUSTED) — never a silent stop. Exact duplicate messages
 * (same symbol and window start) are counted and skipped; order is the server's.
 *
 * @example
 * ```ts
 * const stream = createStockStream({ apiKey, wsBaseUrl: 'ws://127.0.0.1:8080', subscriptions: ['AM.SPY'] });
 * for await (const ev of stream) {
 *   if (ev.type === 'bar') console.log(ev.bar.ticker, ev.bar.close);
 *   if (ev.type === 'reconnected') await backfill(ev.gapFrom, ev.gapTo);
 * }
 * ```
 */
export class MarketStream<T extends { ticker: string; timestamp: number }> implements RecordStream<T> {
  readonly stats: MarketStreamStats = { connections: 0, reconnects: 0, bars: 0, rejected: 0, duplicates: 0, pauses: 0 };
  private readonly clock: Clock;
  private readonly queue: EventQueue<StreamEvent<T>>;
  private readonly subs: Set<string>;
  private readonly closing = new AbortController();
  private readonly seen = new Set<string>();
  private socket: WebSocket | undefined;
  private authenticated = false;
  private started = false;
  private lastBarStart: number | undefined;
  private lastDropAt: number | undefined;
  private running: Promise<void> | undefined;

  constructor(
    readonly cluster: StreamCluster,
    private readonly options: MarketStreamOptions,
    private readonly decode: Decode<T>,
  ) {
    if (!options.apiKey) throw new SpyglassError('CONFIG', 'MarketStream: apiKey is empty');
    this.clock = options.clock ?? systemClock;
    this.subs = new Set(options.subscriptions);
    this.queue = new EventQueue<StreamEvent<T>>(
      options.queueCapacity ?? 10_000,
      () => {
        this.stats.pauses++;
        this.socket?.pause();
      },
      () => this.socket?.resume(),
    );
  }

  /** The WebSocket URL of this cluster (no secret in it: the key goes in the auth message). */
  get url(): string {
    return `${(this.options.wsBaseUrl ?? DEFAULT_WS_BASE_URL).replace(/\/$/, '')}/${this.cluster}`;
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent<T>> {
    this.start();
    return {
      next: () => this.queue.next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /** Connects (idempotent); iteration calls it for you. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.running = this.run().catch((e: unknown) => this.queue.end(e));
  }

  /** Adds channels; sent at once when connected and re-sent after every reconnect. */
  subscribe(channels: readonly string[]): void {
    const fresh = channels.filter((c) => !this.subs.has(c));
    fresh.forEach((c) => this.subs.add(c));
    if (fresh.length > 0 && this.authenticated) this.send({ action: 'subscribe', params: fresh.join(',') });
  }

  /** Removes channels. */
  unsubscribe(channels: readonly string[]): void {
    const gone = channels.filter((c) => this.subs.delete(c));
    if (gone.length > 0 && this.authenticated) this.send({ action: 'unsubscribe', params: gone.join(',') });
  }

  /** Closes the socket and ends the iteration normally after the queued events. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    const ws = this.socket;
    if (ws) {
      // A socket paused by back-pressure never reads the server's close frame, and ws would wait out
      // its 30 s close timeout: read on (the ended queue takes nothing more), and cut a server that
      // does not answer the close within the grace.
      ws.resume();
      ws.close(1000, 'client closing');
      const grace = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      grace.unref?.();
      ws.once('close', () => clearTimeout(grace));
    }
    this.queue.end();
    await this.running;
  }

  private async run(): Promise<void> {
    const policy = this.options.reconnect ?? defaultReconnectPolicy;
    let failures = 0;
    let lastError: SpyglassError | undefined;
    for (let connection = 0; !this.closing.signal.aborted; connection++) {
      const outcome = await this.connectOnce(connection > 0);
      if (this.closing.signal.aborted) break;
      if (outcome.fatal) throw outcome.fatal;
      lastError = outcome.error;
      failures = outcome.wasLive ? 1 : failures + 1;
      if (failures >= policy.maxAttempts) {
        throw new SpyglassError('RETRIES_EXHAUSTED', `${this.url}: gave up after ${failures} failed connection attempts; last error ${lastError.code}: ${lastError.message}`, {
          cause: lastError,
          details: { url: this.url, attempts: failures },
        });
      }
      this.queue.push({ type: 'error', error: lastError });
      const delayMs = backoffDelay(policy, failures, this.options.random);
      this.options.logger?.warn({ url: this.url, attempt: failures, delayMs, code: lastError.code }, 'market stream: reconnecting');
      try {
        await this.clock.sleep(delayMs, this.closing.signal);
      } catch {
        break;
      }
    }
    this.queue.end();
  }

  /** One connection's life. Resolves when it ends; `fatal` = do not reconnect. */
  private connectOnce(isReconnect: boolean): Promise<{ fatal?: SpyglassError; error: SpyglassError; wasLive: boolean }> {
    return new Promise((resolve) => {
      const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const ws = new WebSocket(this.url, { handshakeTimeout: connectTimeoutMs });
      this.socket = ws;
      this.authenticated = false;
      let wasLive = false;
      let fatal: SpyglassError | undefined;
      let error: SpyglassError = new SpyglassError('NETWORK', `${this.url}: connection closed`);
      let lastMessageAt = this.clock.now();
      const connectionDone = new AbortController();
      this.stats.connections++;

      const watchStall = async () => {
        const stallMs = this.options.stallTimeoutMs === undefined ? 120_000 : this.options.stallTimeoutMs;
        if (stallMs === null) return;
        const tick = Math.max(10, Math.floor(stallMs / 4));
        for (;;) {
          try {
            await this.clock.sleep(tick, connectionDone.signal);
          } catch {
            return;
          }
          // A paused socket is our own back-pressure, not a silent server.
          if (ws.isPaused) {
            lastMessageAt = this.clock.now();
            continue;
          }
          if (this.clock.now() - lastMessageAt > stallMs) {
            error = new SpyglassError('STALLED', `${this.url}: no message for ${this.clock.now() - lastMessageAt} ms (limit ${stallMs} ms); reconnecting`);
            ws.terminate();
            return;
          }
        }
      };

      ws.on('open', () => {
        // The consumer may still be behind from the previous connection: keep the back-pressure on.
        if (this.queue.isFull) ws.pause();
        void watchStall();
      });
      ws.on('message', (data) => {
        // Every bar of a message is stamped with its receipt, before the parse: a minute's burst of
        // hundreds of contracts arrives as one message, and its parse is part of the bars' latency.
        const receivedAt = this.clock.now();
        lastMessageAt = receivedAt;
        const text = data.toString();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          this.reject(text, 'WS_BAD_JSON', `message is not JSON: ${(e as Error).message}`);
          return;
        }
        for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
          const status = this.handle(msg, ws, isReconnect, receivedAt);
          // Only delivered data proves a connection healthy: a silent one keeps counting towards maxAttempts.
          if (status === 'bar') wasLive = true;
          else if (status instanceof SpyglassError) {
            fatal = status;
            ws.close(1000, 'fatal status');
          }
        }
      });
      ws.on('error', (e) => {
        error =
          e.message === WS_HANDSHAKE_TIMEOUT
            ? new SpyglassError('TIMEOUT', `${this.url}: no WebSocket upgrade within ${connectTimeoutMs} ms (sources.yaml massive.ws.connectTimeoutMs); the server accepted the connection but did not answer`, {
                cause: e,
                details: { url: this.url, connectTimeoutMs },
              })
            : new SpyglassError('NETWORK', `${this.url}: ${e.message}`, { cause: e });
      });
      ws.on('unexpected-response', (_req, res) => {
        error = new SpyglassError(res.statusCode === 401 ? 'AUTH_FAILED' : 'NETWORK', `${this.url}: HTTP ${res.statusCode} on upgrade`);
        if (res.statusCode === 401 || res.statusCode === 403) fatal = error;
        ws.terminate();
      });
      ws.on('close', (code, reason) => {
        connectionDone.abort();
        this.authenticated = false;
        this.lastDropAt = this.clock.now();
        if (error.code === 'NETWORK' && !fatal) error = new SpyglassError('NETWORK', `${this.url}: connection closed (code ${code}${reason.length ? `, ${reason.toString()}` : ''})`);
        resolve({ fatal, error, wasLive });
      });
    });
  }

  /** Handles one parsed message; returns 'bar' for a data message (new or duplicate), or a fatal error. */
  private handle(msg: unknown, ws: WebSocket, isReconnect: boolean, receivedAt: number): 'bar' | SpyglassError | undefined {
    const m = msg as { ev?: unknown; status?: unknown; message?: unknown } | null;
    if (!m || typeof m !== 'object') {
      this.reject(msg, 'WS_BAD_MESSAGE', 'message is not an object');
      return undefined;
    }
    if (m.ev === 'status') {
      const status = String(m.status);
      const message = String(m.message ?? '');
      this.queue.push({ type: 'status', status, message });
      if (status === 'connected') ws.send(JSON.stringify({ action: 'auth', params: this.options.apiKey }));
      else if (status === 'auth_success') {
        this.authenticated = true;
        if (this.subs.size > 0) ws.send(JSON.stringify({ action: 'subscribe', params: [...this.subs].join(',') }));
        if (isReconnect) {
          this.stats.reconnects++;
          const gapFrom = this.lastBarStart === undefined ? (this.lastDropAt ?? this.clock.now()) : this.lastBarStart + 60_000;
          this.queue.push({ type: 'reconnected', attempt: this.stats.reconnects, gapFrom, gapTo: this.clock.now() });
        }
        return undefined;
      } else if (status === 'auth_failed') {
        return new SpyglassError('AUTH_FAILED', `${this.url}: authentication failed (${message}); not retried`);
      } else if (status === 'max_connections') {
        return new SpyglassError('MAX_CONNECTIONS', `${this.url}: ${message || 'maximum number of connections exceeded'}; close other sessions using this key`);
      }
      return undefined;
    }
    if (m.ev === 'AM' || m.ev === 'A') {
      const r = this.decode(msg, receivedAt);
      if (!r.ok) {
        this.stats.rejected++;
        this.queue.push({ type: 'rejected', rejected: r });
        return undefined;
      }
      const key = `${r.value.ticker}|${r.value.timestamp}|${String(m.ev)}`;
      if (this.seen.has(key)) {
        this.stats.duplicates++;
        return 'bar';
      }
      this.seen.add(key);
      if (this.seen.size > DEDUP_WINDOW) this.seen.delete(this.seen.values().next().value as string);
      if (this.lastBarStart === undefined || r.value.timestamp > this.lastBarStart) this.lastBarStart = r.value.timestamp;
      this.stats.bars++;
      this.queue.push({ type: 'bar', bar: r.value });
      return 'bar';
    }
    this.reject(msg, 'WS_UNKNOWN_EVENT', `unexpected event type ${JSON.stringify(m.ev)}`);
    return undefined;
  }

  private reject(raw: unknown, code: string, message: string): void {
    this.stats.rejected++;
    this.queue.push({ type: 'rejected', rejected: { ok: false, raw, issues: [{ code, path: [], message }] } });
  }

  private send(msg: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }
}

/**
 * A stocks-cluster stream of {@link StockBar}s.
 *
 * @example
 * ```ts
 * const s = createStockStream({ apiKey, wsBaseUrl: 'ws://127.0.0.1:8080', subscriptions: ['AM.SPY'] });
 * ```
 */
export function createStockStream(options: MarketStreamOptions): MarketStream<StockBar> {
  return new MarketStream<StockBar>('stocks', options, fastStockBar);
}

/**
 * An options-cluster stream of {@link OptionBar}s.
 *
 * @example
 * ```ts
 * const s = createOptionStream({ apiKey, subscriptions: ['AM.O:SPY250304C00601000'] });
 * ```
 */
export function createOptionStream(options: MarketStreamOptions): MarketStream<OptionBar> {
  return new MarketStream<OptionBar>('options', options, fastOptionBarDecoder());
}

/**
 * An indices-cluster stream of {@link IndexBar}s.
 *
 * @example
 * ```ts
 * const s = createIndexStream({ apiKey, subscriptions: ['AM.I:VIX'] });
 * ```
 */
export function createIndexStream(options: MarketStreamOptions): MarketStream<IndexBar> {
  return new MarketStream<IndexBar>('indices', options, fastIndexBar);
}
