import { GetStocksAggregatesSortEnum, GetStocksAggregatesTimespanEnum } from '@massive.com/client-js';
import type { StockBar } from '@spyglass/core';
import { decodeStockBar } from '../wire/decode-bars.js';
import type { FetchResult } from '../wire/decode-result.js';
import type { DateBound } from './date-bound.js';
import { collectPages, type DecodedPage } from './decoded-page.js';
import type { MassiveRest, WirePage } from './massive-rest.js';
import { decodeBarPages, minuteAggregatePages } from './minute-aggregates.js';

/**
 * Stock minute bars (`/v2/aggs/ticker/{T}/range/1/minute/{from}/{to}`), ascending, all pages.
 *
 * @example
 * ```ts
 * const equities = new EquityClient(new MassiveRest({ apiKey, restBaseUrl: 'http://127.0.0.1:8080' }));
 * const { records, rejected } = await equities.minuteBars('SPY', '2025-03-04', '2025-03-04');
 * ```
 */
export class EquityClient {
  constructor(private readonly rest: MassiveRest, private readonly opts: { adjusted?: boolean; limit?: number } = {}) {}

  /** Raw wire pages, in order (for validation of the wire records before mapping). */
  pages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<WirePage> {
    return minuteAggregatePages(
      this.rest,
      ticker,
      from,
      to,
      this.opts.limit,
      (api, o, r) =>
        api.getStocksAggregates(
          { stocksTicker: ticker, multiplier: 1, timespan: GetStocksAggregatesTimespanEnum.Minute, from: r.from, to: r.to, adjusted: this.opts.adjusted ?? true, sort: GetStocksAggregatesSortEnum.Asc, limit: r.limit },
          o,
        ),
      signal,
    );
  }

  /** Pages decoded to {@link StockBar}s, malformed wire records kept as rejected. */
  async *barPages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<DecodedPage<StockBar>> {
    yield* decodeBarPages(this.rest.clock, this.pages(ticker, from, to, signal), (raw, ingestedAt) => decodeStockBar(raw, ticker, ingestedAt));
  }

  /** Every minute bar of `ticker` from `from` to `to` (inclusive dates), in timestamp order. */
  minuteBars(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): Promise<FetchResult<StockBar>> {
    return collectPages(this.barPages(ticker, from, to, signal));
  }
}
