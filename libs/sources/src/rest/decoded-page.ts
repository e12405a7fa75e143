import { SpyglassError } from '@spyglass/core';
import type { DecodeResult, FetchResult, RejectedRecord } from '../wire/decode-result.js';
import type { WirePage } from './massive-rest.js';

/**
 * One wire page next to its decoding: `records` mapped in wire order, `rejected` the wire records
 * that failed (raw value + issues), so nothing is dropped between the wire and the pipeline.
 */
export interface DecodedPage<T> {
  readonly page: WirePage;
  readonly records: T[];
  readonly rejected: RejectedRecord[];
}

/** A date bound of a request: `YYYY-MM-DD` or UTC epoch ms (both accepted by the aggregates path). */
export type DateBound = string | number;

/** Decodes every result of a page with `decode`, splitting good records from rejected ones. */
export function decodePage<T>(page: WirePage, decode: (raw: unknown) => DecodeResult<T>): DecodedPage<T> {
  const records: T[] = [];
  const rejected: RejectedRecord[] = [];
  for (let i = 0; i < page.results.length; i++) {
    const r = decode(page.results[i]);
    if (r.ok) records.push(r.value);
    else rejected.push({ ok: false, raw: r.raw, issues: r.issues.map((x) => ({ ...x, path: ['results', i, ...x.path] })) });
  }
  return { page, records, rejected };
}

/**
 * Drains decoded pages into one {@link FetchResult}, keeping page order.
 *
 * @example
 * ```ts
 * const all = await collectPages(equities.barPages('SPY', '2025-03-04', '2025-03-05'));
 * ```
 */
export async function collectPages<T>(pages: AsyncIterable<DecodedPage<T>>): Promise<FetchResult<T>> {
  const records: T[] = [];
  const rejected: RejectedRecord[] = [];
  let n = 0;
  for await (const p of pages) {
    n++;
    for (const r of p.records) records.push(r);
    for (const r of p.rejected) rejected.push(r);
  }
  return { records, rejected, pages: n };
}

/** Renders a date bound for a URL path, rejecting anything the API would misread. */
export function pathDate(d: DateBound, name: string): string {
  if (typeof d === 'number') {
    if (!Number.isInteger(d) || d < 0) throw new SpyglassError('INVALID_ARGUMENT', `${name} ${d} must be a non-negative integer epoch ms`);
    return String(d);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) {
    throw new SpyglassError('INVALID_ARGUMENT', `${name} "${d}" must be YYYY-MM-DD or epoch ms`);
  }
  return d;
}
