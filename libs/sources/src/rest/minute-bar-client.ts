import type { DefaultApi } from '@massive.com/client-js';
import type { DecodeResult, FetchResult } from '../wire/decode-result.js';
import type { DateBound } from './date-bound.js';
import { collectPages, type DecodedPage } from './decoded-page.js';
import type { ClientCall, MassiveRest, WirePage } from './massive-rest.js';
import { decodeBarPages, minuteAggregatePages, type MinuteRange } from './minute-aggregates.js';

/**
 * The minute-bar client of one asset class: raw pages, decoded pages and every bar of a range.
 * Stocks and indices differ only in the generated client's method and the wire decoder, which a
 * subclass gives as {@link MinuteBarClient.request} and {@link MinuteBarClient.decode}.
 *
 * @example
 * ```ts
 * const bars: MinuteBarClient<StockBar> = new EquityClient(rest);
 * const { records, rejected } = await bars.minuteBars('SPY', '2025-03-04', '2025-03-04');
 * ```
 */
export abstract class MinuteBarClient<T> {
  constructor(protected readonly rest: MassiveRest, protected readonly opts: { readonly limit?: number } = {}) {}

  /** The generated client's aggregates call for this asset class. */
  protected abstract request(api: DefaultApi, requestOptions: Parameters<ClientCall>[1], ticker: string, range: MinuteRange): Promise<unknown>;

  /** One wire record to a bar of this asset class. */
  protected abstract decode(raw: unknown, ticker: string, ingestedAt: number): DecodeResult<T>;

  /** Raw wire pages, in order (for validation of the wire records before mapping). */
  pages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<WirePage> {
    return minuteAggregatePages(this.rest, ticker, from, to, this.opts.limit, (api, o, r) => this.request(api, o, ticker, r), signal);
  }

  /** Pages decoded to bars, malformed wire records kept as rejected. */
  async *barPages(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<DecodedPage<T>> {
    yield* decodeBarPages(this.rest.clock, this.pages(ticker, from, to, signal), (raw, ingestedAt) => this.decode(raw, ticker, ingestedAt));
  }

  /** Every minute bar of `ticker` from `from` to `to` (inclusive dates), in timestamp order. */
  minuteBars(ticker: string, from: DateBound, to: DateBound, signal?: AbortSignal): Promise<FetchResult<T>> {
    return collectPages(this.barPages(ticker, from, to, signal));
  }
}
