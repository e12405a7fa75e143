import { Rng, hashSeed } from './prng.js';

/**
 * Fault rates of the simulator, each kind independent with its own probability (0–1) and its own
 * random stream, so turning one kind on never changes when another fires.
 *
 * @example
 * ```ts
 * const faults: FaultOptions = { rate429: 0.2, truncatedRate: 0.05, wsDropAfter: 100 };
 * ```
 */
export interface FaultOptions {
  /** REST: answer 429 with the real rate-limit body. */
  readonly rate429?: number;
  /** REST: answer 500, 502 or 503. */
  readonly rate5xx?: number;
  /** REST: delay the response by `slowMs` with probability `slowRate`. */
  readonly slowRate?: number;
  readonly slowMs?: number;
  /** REST: send the first part of the JSON body and end the response. */
  readonly truncatedRate?: number;
  /** REST: send a 200 whose body is not JSON (an HTML error page, as proxies do). */
  readonly invalidJsonRate?: number;
  /** REST: destroy the socket without answering. */
  readonly resetRate?: number;
  /** WebSocket: drop the connection after a data message with this probability. */
  readonly wsDropRate?: number;
  /** WebSocket: drop the connection after this many data messages (each connection). */
  readonly wsDropAfter?: number;
  /** WebSocket: send a data message twice. */
  readonly wsDuplicateRate?: number;
  /** WebSocket: hold a data message back and send it after the next one. */
  readonly wsOutOfOrderRate?: number;
}

/**
 * The kinds of fault the simulator injects (keys of `stats().faults`).
 *
 * @example
 * ```ts
 * const throttled = sim.stats().faults[FaultKind.RATE_429];
 * ```
 */
export const FaultKind = {
  RATE_429: 'rate429',
  SERVER_5XX: 'server5xx',
  SLOW: 'slow',
  TRUNCATED: 'truncated',
  INVALID_JSON: 'invalidJson',
  RESET: 'reset',
  WS_DROP: 'wsDrop',
  WS_DUPLICATE: 'wsDuplicate',
  WS_OUT_OF_ORDER: 'wsOutOfOrder',
} as const;

/** One of {@link FaultKind}. */
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/**
 * Draws faults deterministically: the n-th draw of a kind depends only on the fault seed, the kind
 * and n, and counts what it injected.
 *
 * @example
 * ```ts
 * const f = new FaultInjector({ rate429: 0.5 }, 7);
 * f.fires('rate429'); // same answer for the same seed and call count
 * ```
 */
export class FaultInjector {
  private readonly streams = new Map<FaultKind, Rng>();
  readonly injected: Record<FaultKind, number> = {
    rate429: 0, server5xx: 0, slow: 0, truncated: 0, invalidJson: 0, reset: 0, wsDrop: 0, wsDuplicate: 0, wsOutOfOrder: 0,
  };

  constructor(
    readonly options: FaultOptions,
    private readonly seed: number | string,
  ) {}

  private rateOf(kind: FaultKind): number {
    const o = this.options;
    switch (kind) {
      case 'rate429': return o.rate429 ?? 0;
      case 'server5xx': return o.rate5xx ?? 0;
      case 'slow': return o.slowRate ?? 0;
      case 'truncated': return o.truncatedRate ?? 0;
      case 'invalidJson': return o.invalidJsonRate ?? 0;
      case 'reset': return o.resetRate ?? 0;
      case 'wsDrop': return o.wsDropRate ?? 0;
      case 'wsDuplicate': return o.wsDuplicateRate ?? 0;
      case 'wsOutOfOrder': return o.wsOutOfOrderRate ?? 0;
    }
  }

  /** The kind's own random stream (created on first use). */
  stream(kind: FaultKind): Rng {
    let rng = this.streams.get(kind);
    if (!rng) {
      rng = new Rng(hashSeed(this.seed, 'fault', kind));
      this.streams.set(kind, rng);
    }
    return rng;
  }

  /** Whether this occurrence of `kind` fires; counts it when it does. A rate of 0 draws nothing. */
  fires(kind: FaultKind): boolean {
    const rate = this.rateOf(kind);
    if (rate <= 0) return false;
    const hit = this.stream(kind).next() < rate;
    if (hit) this.injected[kind]++;
    return hit;
  }

  /** Records a fault injected for another reason than a rate (e.g. `wsDropAfter`). */
  count(kind: FaultKind): void {
    this.injected[kind]++;
  }
}
