import { GetIndicesAggregatesSortEnum, GetIndicesAggregatesTimespanEnum } from '@massive.com/client-js';
import type { IndexBar } from '@spyglass/core';
import { decodeIndexBar } from '../wire/decode-bars.js';
import type { FetchResult } from '../wire/decode-result.js';
import type { DateBound } from './date-bound.js';
import { collectPages, type DecodedPage } from './decoded-page.js';
import type { MassiveRest, WirePage } from './massive-rest.js';
import { decodeBarPages, minuteAggregatePages } from './minute-aggregates.js';

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
    return minuteAggregatePages(
      this.rest,
      ticker,
      from,
      to,
      this.opts.limit,
      (api, o, r) =>
        api.getIndicesAggregates(
          { indicesTicker: ticker, multiplier: 1, timespan: GetIndicesAggregatesTimespanEnum.Minute, from: r.from, to: r.to, sort: GetIndicesAggregatesSortEnum.Asc, limit: r.limit },
          o,
        ),
      signal,
    );
  }

  /** Pages decoded to {@link IndexBar}s, malformed wire records kept as rejected. */
  async *barPages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<DecodedPage<IndexBar>> {
    yield* decodeBarPages(this.rest.clock, this.pages(ticker, from, to, signal), (raw, ingestedAt) => decodeIndexBar(raw, ticker, ingestedAt));
  }

  /** Every minute bar of the index from `from` to `to`, in timestamp order. */
  minuteBars(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): Promise<FetchResult<IndexBar>> {
    return collectPages(this.barPages(ticker, from, to, signal));
  }
}
