/**
 * Counters of an ingestion run. Every record that reached the wire is in exactly one of
 * `stored` (new to storage), `duplicates` (already stored or repeated on the wire) or `quarantined`.
 *
 * @example
 * ```ts
 * const { received, stored, duplicates, quarantined }: IngestCounts = summary;
 * console.assert(received === stored + duplicates + quarantined);
 * ```
 */
export interface IngestCounts {
  /** Records received from the source (good and malformed). */
  received: number;
  /** New rows written to storage. */
  stored: number;
  /** Records dropped as duplicates (in-flight LRU or already in the partition). */
  duplicates: number;
  /** Records written to quarantine with their issues. */
  quarantined: number;
}

/** Zeroed {@link IngestCounts}. */
export const emptyCounts = (): IngestCounts => ({ received: 0, stored: 0, duplicates: 0, quarantined: 0 });

/** Adds `b` into `a` and returns `a`. */
export function addCounts(a: IngestCounts, b: IngestCounts): IngestCounts {
  a.received += b.received;
  a.stored += b.stored;
  a.duplicates += b.duplicates;
  a.quarantined += b.quarantined;
  return a;
}
