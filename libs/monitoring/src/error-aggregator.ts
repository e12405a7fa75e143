import { SpyglassError, systemClock, type Clock } from '@spyglass/core';

/**
 * One kept example of an error type.
 *
 * @example
 * ```ts
 * const s: ErrorSample = { at: Date.now(), message: 'socket hang up', context: { feed: 'stocks' } };
 * ```
 */
export interface ErrorSample {
  readonly at: number;
  readonly message: string;
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * Everything known about one error type.
 *
 * @example
 * ```ts
 * const t: ErrorTypeSummary | undefined = errors.get('RATE_LIMITED');
 * ```
 */
export interface ErrorTypeSummary {
  readonly type: string;
  /** All occurrences since the type was first seen (or re-admitted after eviction). */
  readonly count: number;
  /** Occurrences within the rate window. */
  readonly inWindow: number;
  /** Occurrences per minute over the rate window. */
  readonly ratePerMinute: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** The most recent samples, oldest first. */
  readonly samples: ErrorSample[];
}

/**
 * The aggregator's JSON view, sorted by count (highest first).
 *
 * @example
 * ```ts
 * const s: ErrorSummary = errors.summary(); // { session, total, evictedTypes, types: [...] }
 * ```
 */
export interface ErrorSummary {
  readonly session: string;
  readonly at: number;
  readonly total: number;
  /** Types dropped by the LRU bound, and the occurrences they had carried. */
  readonly evictedTypes: number;
  readonly evictedCount: number;
  readonly types: ErrorTypeSummary[];
}

/**
 * Options of {@link ErrorAggregator}.
 *
 * @example
 * ```ts
 * const opts: ErrorAggregatorOptions = { session: 'stream:SPY', maxTypes: 20, maxSamples: 3 };
 * ```
 */
export interface ErrorAggregatorOptions {
  readonly session: string;
  readonly clock?: Clock;
  /** Most types tracked at once; the least recently seen type is evicted beyond it. Default 50. */
  readonly maxTypes?: number;
  /** Samples kept per type. Default 5. */
  readonly maxSamples?: number;
  /** Window over which rates are computed. Default one hour. */
  readonly rateWindowMs?: number;
}

interface TypeState {
  count: number;
  firstSeen: number;
  lastSeen: number;
  samples: ErrorSample[];
  /** Occurrences per minute bucket (bucket = floor(t / 60 s)); at most one window of buckets. */
  buckets: Map<number, number>;
}

const MINUTE = 60_000;

/**
 * Classifies an error: a SpyglassError by its code, another Error by its name (`TypeError`), and
 * anything else as `NonError`. Callers that know better pass `type` to {@link ErrorAggregator.record}.
 *
 * @example
 * ```ts
 * errorType(new SpyglassError('RATE_LIMITED', '429')); // 'RATE_LIMITED'
 * ```
 */
export function errorType(error: unknown): string {
  if (error instanceof SpyglassError) return error.code;
  if (error instanceof Error) return error.name || 'Error';
  return 'NonError';
}

/**
 * Counts errors by type with bounded memory: an LRU over types, a few samples each, and per-minute
 * buckets for rates. First and last seen times tell a persistent fault from a blip.
 *
 * @example
 * ```ts
 * const errors = new ErrorAggregator({ session: 'stream:SPY', maxTypes: 20 });
 * try { await client.fetch(); } catch (e) { errors.record(e, { context: { ticker: 'SPY' } }); }
 * for (const t of errors.summary().types) console.log(t.type, t.count, t.ratePerMinute.toFixed(2));
 * ```
 */
export class ErrorAggregator {
  readonly session: string;
  private readonly clock: Clock;
  private readonly maxTypes: number;
  private readonly maxSamples: number;
  private readonly rateWindowMs: number;
  // Map iteration order is insertion order; re-inserting on every hit makes the first key the LRU.
  private readonly types = new Map<string, TypeState>();
  private total = 0;
  private evictedTypes = 0;
  private evictedCount = 0;

  constructor(options: ErrorAggregatorOptions) {
    const { maxTypes = 50, maxSamples = 5, rateWindowMs = 3_600_000 } = options;
    if (!Number.isInteger(maxTypes) || maxTypes < 1) {
      throw new SpyglassError('INVALID_ARGUMENT', `ErrorAggregator: maxTypes must be a positive integer, got ${maxTypes}`);
    }
    if (!Number.isInteger(maxSamples) || maxSamples < 0) {
      throw new SpyglassError('INVALID_ARGUMENT', `ErrorAggregator: maxSamples must be a non-negative integer, got ${maxSamples}`);
    }
    if (!(rateWindowMs >= MINUTE)) {
      throw new SpyglassError('INVALID_ARGUMENT', `ErrorAggregator: rateWindowMs must be at least one minute, got ${rateWindowMs}`);
    }
    this.session = options.session;
    this.clock = options.clock ?? systemClock;
    this.maxTypes = maxTypes;
    this.maxSamples = maxSamples;
    this.rateWindowMs = rateWindowMs;
  }

  /**
   * Records one error and returns the type it was counted under.
   *
   * @example
   * ```ts
   * errors.record(new Error('boom'), { type: 'parquet.write', context: { file: 'part-0.parquet' } });
   * ```
   */
  record(error: unknown, options: { type?: string; context?: Record<string, unknown> } = {}): string {
    const type = options.type ?? errorType(error);
    const now = this.clock.now();
    let state = this.types.get(type);
    if (state) {
      this.types.delete(type);
    } else {
      state = { count: 0, firstSeen: now, lastSeen: now, samples: [], buckets: new Map() };
      if (this.types.size >= this.maxTypes) this.evictOldest();
    }
    this.types.set(type, state);
    state.count++;
    state.lastSeen = now;
    this.total++;
    const bucket = Math.floor(now / MINUTE);
    state.buckets.set(bucket, (state.buckets.get(bucket) ?? 0) + 1);
    this.pruneBuckets(state, now);
    if (this.maxSamples > 0) {
      const message = error instanceof Error ? error.message : String(error);
      state.samples.push(options.context ? { at: now, message, context: options.context } : { at: now, message });
      if (state.samples.length > this.maxSamples) state.samples.shift();
    }
    return type;
  }

  /**
   * Occurrences per minute over the rate window, of one type or of all types together.
   *
   * @example
   * ```ts
   * if (errors.rate('RATE_LIMITED') > 10) limiter.slowDown();
   * ```
   */
  rate(type?: string): number {
    const now = this.clock.now();
    const states = type === undefined ? [...this.types.values()] : [this.types.get(type)].filter((s): s is TypeState => !!s);
    let n = 0;
    for (const s of states) n += this.inWindow(s, now);
    return n / (this.rateWindowMs / MINUTE);
  }

  /**
   * The summary of one type, or undefined when it is not tracked (never seen or evicted).
   *
   * @example
   * ```ts
   * errors.get('AUTH_FAILED')?.lastSeen;
   * ```
   */
  get(type: string): ErrorTypeSummary | undefined {
    const state = this.types.get(type);
    return state ? this.describe(type, state, this.clock.now()) : undefined;
  }

  /**
   * All tracked types, highest count first, plus totals and what the LRU bound evicted.
   *
   * @example
   * ```ts
   * console.log(JSON.stringify(errors.summary()));
   * ```
   */
  summary(): ErrorSummary {
    const now = this.clock.now();
    const types = [...this.types].map(([type, state]) => this.describe(type, state, now));
    types.sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen || a.type.localeCompare(b.type));
    return { session: this.session, at: now, total: this.total, evictedTypes: this.evictedTypes, evictedCount: this.evictedCount, types };
  }

  /**
   * Forgets everything (e.g. at the start of a new session).
   *
   * @example
   * ```ts
   * errors.reset();
   * ```
   */
  reset(): void {
    this.types.clear();
    this.total = 0;
    this.evictedTypes = 0;
    this.evictedCount = 0;
  }

  private describe(type: string, state: TypeState, now: number): ErrorTypeSummary {
    this.pruneBuckets(state, now);
    const inWindow = this.inWindow(state, now);
    return {
      type,
      count: state.count,
      inWindow,
      ratePerMinute: inWindow / (this.rateWindowMs / MINUTE),
      firstSeen: state.firstSeen,
      lastSeen: state.lastSeen,
      samples: state.samples.map((s) => ({ ...s })),
    };
  }

  private inWindow(state: TypeState, now: number): number {
    const from = Math.floor((now - this.rateWindowMs) / MINUTE);
    let n = 0;
    for (const [bucket, count] of state.buckets) if (bucket > from) n += count;
    return n;
  }

  private pruneBuckets(state: TypeState, now: number): void {
    const from = Math.floor((now - this.rateWindowMs) / MINUTE);
    for (const bucket of state.buckets.keys()) if (bucket <= from) state.buckets.delete(bucket);
  }

  private evictOldest(): void {
    const oldest = this.types.keys().next();
    if (oldest.done) return;
    this.evictedCount += this.types.get(oldest.value)!.count;
    this.evictedTypes++;
    this.types.delete(oldest.value);
  }
}
