import type { DefaultApi } from '@massive.com/client-js';
import type { Clock } from '@spyglass/core';
import type { DecodeResult } from '../wire/decode-result.js';
import { pathDate, type DateBound } from './date-bound.js';
import { decodePage, type DecodedPage } from './decoded-page.js';
import type { ClientCall, MassiveRest, WirePage } from './massive-rest.js';

/**
 * The API's maximum `limit` for aggregates: fewer, larger pages.
 *
 * @example
 * ```ts
 * new EquityClient(rest, { limit: MAX_AGGREGATES_LIMIT });
 * ```
 */
export const MAX_AGGREGATES_LIMIT = 50_000;

/** The validated path dates and page size of one minute-aggregates request. */
export interface MinuteRange {
  readonly from: string;
  readonly to: string;
  readonly limit: number;
}

/**
 * Raw wire pages of `/v2/aggs/ticker/{T}/range/1/minute/{from}/{to}`. Stocks, indices and options
 * share this request; only the generated client's method (and its enums) differs, so `call` picks it.
 */
export function minuteAggregatePages(
  rest: MassiveRest,
  ticker: string,
  from: DateBound,
  to: DateBound,
  limit: number | undefined,
  call: (api: DefaultApi, requestOptions: Parameters<ClientCall>[1], range: MinuteRange) => Promise<unknown>,
  signal?: AbortSignal,
): AsyncGenerator<WirePage> {
  const range: MinuteRange = { from: pathDate(from, 'from'), to: pathDate(to, 'to'), limit: limit ?? MAX_AGGREGATES_LIMIT };
  return rest.pages(`/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/minute/${range.from}/${range.to}`, (api, o) => call(api, o, range), signal);
}

/** Decodes pages as they arrive; every record of a page is stamped with that page's arrival time. */
export async function* decodeBarPages<T>(clock: Clock, pages: AsyncIterable<WirePage>, decode: (raw: unknown, ingestedAt: number) => DecodeResult<T>): AsyncGenerator<DecodedPage<T>> {
  for await (const page of pages) {
    const ingestedAt = clock.now();
    yield decodePage(page, (raw) => decode(raw, ingestedAt));
  }
}
