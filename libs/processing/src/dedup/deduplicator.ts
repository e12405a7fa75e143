import { Dataset, SpyglassError } from '@spyglass/core';

/**
 * Extracts the de-duplication key of a record. Keys are compared as `Map` keys (SameValueZero), so
 * a string and a number never collide; a number key is cheaper to build and hash than a string.
 *
 * @example
 * ```ts
 * const byId: KeyOf<{ id: string }> = (r) => r.id;
 * ```
 */
export type KeyOf<T> = (record: T) => string | number;

// Bar keys as numbers: timestamp × TICKER_SLOTS + a small per-key-function ticker id is exact (below
// 2^53) for integer timestamps in [0, 2^43) ms (until the year 2248). Building `${ticker}|${ts}`
// for every bar (number-to-string, a cons string, hashing it) was the de-duplicator's main cost.
// The ticker table is bounded: once it holds TICKER_SLOTS tickers, later tickers keep string keys.
// Either way a (ticker, timestamp) pair always gets the same key from one key function: a ticker
// is given an id the first time it is seen (or never) and keeps it.
const TICKER_SLOTS = 1024;
const MAX_NUMERIC_TS = 2 ** 43;

function barKey(): KeyOf<{ readonly ticker?: string; readonly timestamp?: number }> {
  const ids = new Map<string, number>();
  return (r) => {
    const { ticker, timestamp } = r;
    if (typeof ticker === 'string' && typeof timestamp === 'number' && Number.isInteger(timestamp) && timestamp >= 0 && timestamp < MAX_NUMERIC_TS) {
      let id = ids.get(ticker);
      if (id === undefined && ids.size < TICKER_SLOTS) ids.set(ticker, (id = ids.size));
      if (id !== undefined) return timestamp * TICKER_SLOTS + id;
    }
    return `${ticker}|${timestamp}`;
  };
}

/**
 * The record key of each dataset: bars (stock, index and option alike) are keyed by ticker +
 * bar start, so an option's key is the compound (OCC contract, minute); news by article id (the
 * same article fetched for several tickers is one article); contracts by OCC ticker. A bar key is
 * a number (see `barKey`) unique to the pair within the returned function: use one key function
 * per {@link Deduplicator}.
 *
 * @example
 * ```ts
 * const key = recordKeyFor('options');
 * key({ ticker: 'O:SPY250304C00601000', timestamp: 1741098600000 }) === key({ ticker: 'O:SPY250304C00601000', timestamp: 1741098600000 }); // true
 * ```
 */
export function recordKeyFor(dataset: Dataset): KeyOf<{ readonly ticker?: string; readonly timestamp?: number; readonly id?: string }> {
  switch (dataset) {
    case Dataset.NEWS:
      return (r) => String(r.id);
    case Dataset.CONTRACTS:
      return (r) => String(r.ticker);
    default:
      return barKey();
  }
}

/**
 * Counters of one {@link Deduplicator}.
 *
 * @example
 * ```ts
 * const { duplicates, evicted }: DedupStats = dedup.stats();
 * ```
 */
export interface DedupStats {
  readonly seen: number;
  readonly duplicates: number;
  readonly evicted: number;
  readonly size: number;
  readonly capacity: number;
}

/**
 * Drops records whose key was seen recently: a bounded LRU of keys (a `Map` in recency order), so a
 * streaming process that runs for weeks holds at most `capacity` keys. A key seen again moves to the
 * front; the least recently seen key is evicted when full. Durable de-duplication is the storage
 * layer's merge on write; this filter only keeps repeated wire messages from reaching it.
 *
 * @example
 * ```ts
 * const dedup = new Deduplicator(recordKeyFor('stocks'), { capacity: 50_000 });
 * const fresh = dedup.filter(bars); // bars not seen among the last 50 000 keys
 * dedup.stats().duplicates;
 * ```
 */
export class Deduplicator<T> {
  private readonly keys = new Map<string | number, true>();
  private readonly capacity: number;
  private seenCount = 0;
  private duplicateCount = 0;
  private evictedCount = 0;

  constructor(
    private readonly keyOf: KeyOf<T>,
    options: { readonly capacity: number },
  ) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new SpyglassError('INVALID_ARGUMENT', `Deduplicator capacity must be a positive integer, got ${options.capacity}`, {
        details: { capacity: options.capacity },
      });
    }
    this.capacity = options.capacity;
  }

  /** True when the record is new (and remembers it); false when it is a duplicate. */
  admit(record: T): boolean {
    this.seenCount++;
    const key = this.keyOf(record);
    if (this.keys.has(key)) {
      this.duplicateCount++;
      this.keys.delete(key);
      this.keys.set(key, true);
      return false;
    }
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value as string | number;
      this.keys.delete(oldest);
      this.evictedCount++;
    }
    return true;
  }

  /** The records of `batch` that are new, in order (duplicates inside the batch removed too). */
  filter(batch: Iterable<T>): T[] {
    const out: T[] = [];
    for (const r of batch) if (this.admit(r)) out.push(r);
    return out;
  }

  /** True when the key of `record` is currently remembered (does not count or refresh it). */
  has(record: T): boolean {
    return this.keys.has(this.keyOf(record));
  }

  stats(): DedupStats {
    return { seen: this.seenCount, duplicates: this.duplicateCount, evicted: this.evictedCount, size: this.keys.size, capacity: this.capacity };
  }
}
