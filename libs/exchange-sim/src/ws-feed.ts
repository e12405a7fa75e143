import type { Clock } from '@spyglass/core';
import type { WebSocket } from 'ws';
import type { FaultInjector } from './fault-injector.js';
import type { SimBar, SimIndexBar } from './sim-bar.js';
import { round4 } from './sim-bar.js';
import type { SimMarketKind, SyntheticMarket } from './synthetic-market.js';

/** The three WebSocket clusters and their paths. */
export const WS_CLUSTERS: Readonly<Record<string, SimMarketKind>> = { '/stocks': 'stocks', '/options': 'options', '/indices': 'indices' };

/** Server-side settings a feed connection needs. */
export interface FeedSettings {
  readonly market: SyntheticMarket;
  readonly clock: Clock;
  /** 1 = real time, N = N× faster, 0 = as fast as possible (yielding between minutes). */
  readonly speed: number;
  readonly sessionDate: () => string;
  readonly faults: FaultInjector;
  readonly isValidKey: (key: string) => boolean;
  /** Reserves a connection slot for the key; false when the key is at its limit. */
  readonly acquire: (key: string, cluster: SimMarketKind) => boolean;
  readonly release: (key: string, cluster: SimMarketKind) => void;
  readonly onMessage: () => void;
}

const status = (s: string, message: string) => ({ ev: 'status', status: s, message });

/**
 * The real `max_connections` status message.
 *
 * @example
 * ```ts
 * socket.on('message', (m) => { if (String(m).includes(MAX_CONNECTIONS_MESSAGE)) console.error('connection limit'); });
 * ```
 */
export const MAX_CONNECTIONS_MESSAGE =
  'Maximum number of websocket connections exceeded. You have reached the connection limit for your account. Please contact support at https://massive.com/contact to increase your limit.';

/**
 * One client connection on a cluster: the `connected` → `auth` → `subscribe` protocol, then a replay
 * of the session date's minute aggregates (`AM`) for the subscribed symbols, paced by the clock.
 *
 * @example
 * ```ts
 * wss.on('connection', (ws) => new FeedConnection(ws, 'stocks', settings));
 * ```
 */
export class FeedConnection {
  private key: string | null = null;
  private readonly subs = new Set<string>();
  private replaying = false;
  private closed = false;
  private sent = 0;
  private held: string | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly ws: WebSocket,
    private readonly cluster: SimMarketKind,
    private readonly settings: FeedSettings,
  ) {
    this.send([status('connected', 'Connected Successfully')]);
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('close', () => this.onClose());
    ws.on('error', () => this.onClose());
  }

  private send(events: unknown[]): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(events));
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort(new Error('connection closed'));
    if (this.key !== null) this.settings.release(this.key, this.cluster);
  }

  private onMessage(text: string): void {
    let msg: { action?: unknown; params?: unknown };
    try {
      msg = JSON.parse(text) as { action?: unknown; params?: unknown };
    } catch {
      this.send([status('error', 'invalid message')]);
      return;
    }
    const params = typeof msg.params === 'string' ? msg.params : '';
    if (msg.action === 'auth') return this.auth(params);
    if (msg.action === 'subscribe' || msg.action === 'unsubscribe') {
      if (this.key === null) return this.send([status('error', 'not authorized')]);
      const channels = params.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      const events = channels.map((ch) => {
        if (msg.action === 'subscribe') this.subs.add(ch);
        else this.subs.delete(ch);
        return status('success', `${msg.action === 'subscribe' ? 'subscribed' : 'unsubscribed'} to: ${ch}`);
      });
      this.send(events);
      if (msg.action === 'subscribe' && !this.replaying) {
        this.replaying = true;
        void this.replay();
      }
      return;
    }
    this.send([status('error', `unknown action: ${String(msg.action)}`)]);
  }

  private auth(key: string): void {
    if (this.key !== null) return this.send([status('auth_success', 'authenticated')]);
    if (!this.settings.isValidKey(key)) {
      this.send([status('auth_failed', 'authentication failed')]);
      this.ws.close(1008, 'authentication failed');
      return;
    }
    if (!this.settings.acquire(key, this.cluster)) {
      this.send([status('max_connections', MAX_CONNECTIONS_MESSAGE)]);
      this.ws.close(1008, 'max_connections');
      return;
    }
    this.key = key;
    this.send([status('auth_success', 'authenticated')]);
  }

  private wants(sym: string): boolean {
    return this.subs.has(`AM.${sym}`) || this.subs.has('AM.*');
  }

  /** Replays the session minute by minute, paced by the clock (or yielding at speed 0). */
  private async replay(): Promise<void> {
    const { market, clock, speed } = this.settings;
    const date = this.settings.sessionDate();
    const session = market.session(date);
    if (!session) return;
    const spy = market.stockBars('SPY', date);
    const vix = market.indexBars('I:VIX', date);
    const contracts = this.cluster === 'options' ? market.optionContracts(date).map((c) => c.ticker) : [];
    // Option bars by minute, built on first use of each contract (a chain has hundreds).
    const optionIndex = new Map<string, Map<number, SimBar>>();
    const optionBarAt = (ticker: string, t: number): SimBar | undefined => {
      let byT = optionIndex.get(ticker);
      if (!byT) {
        byT = new Map(market.optionBars(ticker, date).map((b) => [b.t, b]));
        optionIndex.set(ticker, byT);
      }
      return byT.get(t);
    };
    const state = new Map<string, { op: number; av: number; pv: number }>();
    const started = clock.now();
    for (let m = 0; m < spy.length; m++) {
      if (speed > 0) {
        const due = started + ((m + 1) * 60_000) / speed;
        const wait = due - clock.now();
        try {
          if (wait > 0) await clock.sleep(wait, this.abort.signal);
        } catch {
          return;
        }
      } else await new Promise((r) => setImmediate(r));
      if (this.closed) return;
      const events: unknown[] = [];
      const t = spy[m]!.t;
      if (this.cluster === 'stocks' && this.wants('SPY')) events.push(this.stockEvent('SPY', spy[m]!, state));
      if (this.cluster === 'indices' && this.wants('I:VIX')) events.push(indexEvent('I:VIX', vix[m]!, vix[0]!.o));
      if (this.cluster === 'options') {
        for (const ticker of contracts) {
          if (!this.wants(ticker)) continue;
          const bar = optionBarAt(ticker, t);
          if (bar) events.push(this.stockEvent(ticker, bar, state));
        }
      }
      if (events.length > 0 && !this.emit(JSON.stringify(events))) return;
    }
    if (this.held !== null) this.deliver(this.held);
  }

  private stockEvent(sym: string, bar: SimBar, state: Map<string, { op: number; av: number; pv: number }>) {
    let s = state.get(sym);
    if (!s) {
      s = { op: bar.o, av: 0, pv: 0 };
      state.set(sym, s);
    }
    s.av += bar.v;
    s.pv += bar.vw * bar.v;
    return {
      ev: 'AM', sym, v: bar.v, av: s.av, op: s.op, vw: bar.vw, o: bar.o, c: bar.c, h: bar.h, l: bar.l,
      a: round4(s.pv / s.av), z: Math.max(1, Math.round(bar.v / bar.n)), s: bar.t, e: bar.t + 60_000,
    };
  }

  /** Sends one data message through the WebSocket faults; false when the connection was dropped. */
  private emit(text: string): boolean {
    const { faults } = this.settings;
    if (this.held === null && faults.fires('wsOutOfOrder')) {
      this.held = text;
      return true;
    }
    this.deliver(text);
    if (faults.fires('wsDuplicate')) this.deliver(text);
    if (this.held !== null) {
      const h = this.held;
      this.held = null;
      this.deliver(h);
    }
    const after = faults.options.wsDropAfter;
    const dropAfter = after !== undefined && this.sent >= after;
    if (dropAfter) faults.count('wsDrop');
    if (dropAfter || faults.fires('wsDrop')) {
      // An abrupt drop, as a network failure: no close frame.
      this.ws.terminate();
      this.onClose();
      return false;
    }
    return true;
  }

  private deliver(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.sent++;
    this.settings.onMessage();
    this.ws.send(text);
  }
}

function indexEvent(sym: string, bar: SimIndexBar, op: number) {
  return { ev: 'AM', sym, op, o: bar.o, c: bar.c, h: bar.h, l: bar.l, s: bar.t, e: bar.t + 60_000 };
}
