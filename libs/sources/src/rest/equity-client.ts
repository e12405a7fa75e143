import { GetStocksAggregatesSortEnum, GetStocksAggregatesTimespanEnum } from '@massive.com/client-js';
import type { StockBar } from '@spyglass/core';
import { decodeStockBar } from '../wire/decode-bars.js';
import type { FetchResult } from '../wire/decode-result.js';
import { pathDate, type DateBound } from './date-bound.js';
import { collectPages, decodePage, type DecodedPage } from './decoded-page.js';
import type { MassiveRest, WirePage } from './massive-rest.js';

/**
 * The API's maximum `limit` for aggregates: fewer, larger pages.
 *
 * @example
 * ```ts
 * new EquityClient(rest, { limit: MAX_AGGREGATES_LIMIT });
 * ```
 */
export const MAX_AGGREGATES_LIMIT = 50_000;

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
    const f = pathDate(from, 'from');
    const t = pathDate(to, 'to');
    const limit = this.opts.limit ?? MAX_AGGREGATES_LIMIT;
    return this.rest.pages(
      `/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/minute/${f}/${t}`,
      (api, o) =>
        api.getStocksAggregates(
          { stocksTicker: ticker, multiplier: 1, timespan: GetStocksAggregatesTimespanEnum.Minute, from: f, to: t, adjusted: this.opts.adjusted ?? true, sort: GetStocksAggregatesSortEnum.Asc, limit },
          o,
        ),
      signal,
    );
  }

  /** Pages decoded to {@link StockBar}s, malformed wire records kept as rejected. */
  async *barPages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<DecodedPage<StockBar>> {
    for await (const page of this.pages(ticker, from, to, signal)) {
      const ingestedAt = this.rest.clock.now();
      yield decodePage(page, (raw) => decodeStockBar(raw, ticker, ingestedAt));
    }
  }

  /** Every minute bar of `ticker` from `from` to `to` (inclusive dates), in timestamp order. */
  minuteBars(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): Promise<FetchResult<StockBar>> {
    return collectPages(this.barPages(ticker, from, to, signal));
  }
}
