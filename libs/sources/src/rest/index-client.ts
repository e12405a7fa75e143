import { GetIndicesAggregatesSortEnum, GetIndicesAggregatesTimespanEnum } from '@massive.com/client-js';
import type { IndexBar } from '@spyglass/core';
import { decodeIndexBar } from '../wire/decode-bars.js';
import type { FetchResult } from '../wire/decode-result.js';
import { pathDate, type DateBound } from './date-bound.js';
import { collectPages, decodePage, type DecodedPage } from './decoded-page.js';
import { MAX_AGGREGATES_LIMIT } from './equity-client.js';
import type { MassiveRest, WirePage } from './massive-rest.js';

/**
 * Index minute bars (e.g. `I:VIX`): no volume, as the real index feed.
 *
 * @example
 * ```ts
 * const indices = new IndexClient(rest);
 * const { records } = await indices.minuteBars('I:VIX', '2025-03-04', '2025-03-04');
 * ```
 */
export class IndexClient {
  constructor(private readonly rest: MassiveRest, private readonly opts: { limit?: number } = {}) {}

  /** Raw wire pages, in order. */
  pages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<WirePage> {
    const f = pathDate(from, 'from');
    const t = pathDate(to, 'to');
    const limit = this.opts.limit ?? MAX_AGGREGATES_LIMIT;
    return this.rest.pages(
      `/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/minute/${f}/${t}`,
      (api, o) =>
        api.getIndicesAggregates(
          { indicesTicker: ticker, multiplier: 1, timespan: GetIndicesAggregatesTimespanEnum.Minute, from: f, to: t, sort: GetIndicesAggregatesSortEnum.Asc, limit },
          o,
        ),
      signal,
    );
  }

  /** Pages decoded to {@link IndexBar}s, malformed wire records kept as rejected. */
  async *barPages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<DecodedPage<IndexBar>> {
    for await (const page of this.pages(ticker, from, to, signal)) {
      const ingestedAt = this.rest.clock.now();
      yield decodePage(page, (raw) => decodeIndexBar(raw, ticker, ingestedAt));
    }
  }

  /** Every minute bar of the index from `from` to `to`, in timestamp order. */
  minuteBars(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): Promise<FetchResult<IndexBar>> {
    return collectPages(this.barPages(ticker, from, to, signal));
  }
}
