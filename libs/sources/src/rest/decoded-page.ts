import type { DecodeResult, FetchResult, RejectedRecord } from '../wire/decode-result.js';
import type { WirePage } from './massive-rest.js';

/**
 * One wire page next to its decoding: `records` mapped in wire order, `rejected` the wire records
 * that failed (raw value + issues), so nothing is dropped between the wire and the pipeline.
 *
 * @example
 * ```ts
 * for await (const p of equities.barPages('SPY', '2025-03-04', '2025-03-04')) {
 *   await sink.write(p.records);
 *   await quarantine.add(p.rejected);
 * }
 * ```
 */
export interface DecodedPage<T> {
  readonly page: WirePage;
  readonly records: T[];
  readonly rejected: RejectedRecord[];
}

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
