import {
  GetOptionsAggregatesSortEnum,
  GetOptionsAggregatesTimespanEnum,
  ListOptionsContractsContractTypeEnum,
  ListOptionsContractsOrderEnum,
  ListOptionsContractsSortEnum,
} from '@massive.com/client-js';
import { SpyglassError, isSpyglassError, nyWallTime, type ContractType, type OptionBar, type OptionContract } from '@spyglass/core';
import { parseOccTicker } from '@spyglass/core';
import { decodeOptionBar } from '../wire/decode-bars.js';
import { decodeOptionContract } from '../wire/decode-contract.js';
import type { FetchResult } from '../wire/decode-result.js';
import { pathDate, type DateBound } from './date-bound.js';
import { collectPages, decodePage, type DecodedPage } from './decoded-page.js';
import { EquityClient } from './equity-client.js';
import type { MassiveRest, WirePage } from './massive-rest.js';
import { decodeBarPages, minuteAggregatePages } from './minute-aggregates.js';

/**
 * Filters of `/v3/reference/options/contracts`.
 *
 * @example
 * ```ts
 * const q: ContractQuery = { underlying: 'SPY', expiration: '2025-03-04', contractType: 'call', strikeGte: 595, strikeLte: 605 };
 * const { records } = await options.contracts(q);
 * ```
 */
export interface ContractQuery {
  readonly underlying: string;
  /** `YYYY-MM-DD`. */
  readonly expiration?: string;
  readonly contractType?: ContractType;
  readonly strikeGte?: number;
  readonly strikeLte?: number;
  /** Point-in-time listing `YYYY-MM-DD` (contracts as they existed that day, expired ones included). */
  readonly asOf?: string;
  /** Page size, at most 1000. */
  readonly limit?: number;
}

/**
 * The day's opening price of an underlying and where it came from.
 *
 * @example
 * ```ts
 * const { price, source }: OpeningPrice = await options.openingPrice('SPY', '2025-03-04'); // source 'open-close' or 'first-minute-bar'
 * ```
 */
export interface OpeningPrice {
  readonly price: number;
  readonly source: 'open-close' | 'first-minute-bar';
}

/**
 * Options data: contract discovery, option minute bars and the underlying's opening price.
 *
 * @example
 * ```ts
 * const options = new OptionsClient(rest);
 * const { price } = await options.openingPrice('SPY', '2025-03-04');
 * const { records } = await options.contracts({ underlying: 'SPY', expiration: '2025-03-04', strikeGte: price - 2, strikeLte: price + 2 });
 * const bars = await options.minuteBars(records[0].ticker, '2025-03-04', '2025-03-04');
 * ```
 */
export class OptionsClient {
  private readonly equities: EquityClient;

  constructor(private readonly rest: MassiveRest, private readonly opts: { limit?: number } = {}) {
    this.equities = new EquityClient(rest);
  }

  /** Raw wire pages of a contract listing, in order. */
  contractPages(q: ContractQuery, signal?: AbortSignal): AsyncGenerator<WirePage> {
    const limit = Math.min(q.limit ?? 1000, 1000);
    return this.rest.pages(
      `/v3/reference/options/contracts?underlying_ticker=${encodeURIComponent(q.underlying)}`,
      (api, o) =>
        api.listOptionsContracts(
          {
            underlyingTicker: q.underlying,
            expirationDate: q.expiration,
            contractType: q.contractType === undefined ? undefined : q.contractType === 'call' ? ListOptionsContractsContractTypeEnum.Call : ListOptionsContractsContractTypeEnum.Put,
            strikePriceGte: q.strikeGte,
            strikePriceLte: q.strikeLte,
            asOf: q.asOf,
            order: ListOptionsContractsOrderEnum.Asc,
            sort: ListOptionsContractsSortEnum.StrikePrice,
            limit,
          },
          o,
        ),
      signal,
    );
  }

  /** Contract listing pages decoded to {@link OptionContract}s. */
  async *decodedContractPages(q: ContractQuery, signal?: AbortSignal): AsyncGenerator<DecodedPage<OptionContract>> {
    for await (const page of this.contractPages(q, signal)) yield decodePage(page, decodeOptionContract);
  }

  /** Every contract matching the query, in the API's order (ascending strike). */
  contracts(q: ContractQuery, signal?: AbortSignal): Promise<FetchResult<OptionContract>> {
    return collectPages(this.decodedContractPages(q, signal));
  }

  /** Raw wire pages of an option's minute bars. Throws INVALID_ARGUMENT for a non-OCC ticker. */
  pages(optionTicker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<WirePage> {
    parseOccTicker(optionTicker);
    return minuteAggregatePages(
      this.rest,
      optionTicker,
      from,
      to,
      this.opts.limit,
      (api, o, r) =>
        api.getOptionsAggregates(
          { optionsTicker: optionTicker, multiplier: 1, timespan: GetOptionsAggregatesTimespanEnum.Minute, from: r.from, to: r.to, adjusted: true, sort: GetOptionsAggregatesSortEnum.Asc, limit: r.limit },
          o,
        ),
      signal,
    );
  }

  /** Option minute-bar pages decoded to {@link OptionBar}s (contract identity from the OCC ticker). */
  async *barPages(optionTicker: string, from: DateBound, to: DateBound, signal?: AbortSignal): AsyncGenerator<DecodedPage<OptionBar>> {
    const contract = parseOccTicker(optionTicker);
    yield* decodeBarPages(this.rest.clock, this.pages(optionTicker, from, to, signal), (raw, ingestedAt) => decodeOptionBar(raw, optionTicker, ingestedAt, contract));
  }

  /** Every minute bar of one option contract; a minute without a trade has no bar. */
  minuteBars(optionTicker: string, from: DateBound, to: DateBound, signal?: AbortSignal): Promise<FetchResult<OptionBar>> {
    return collectPages(this.barPages(optionTicker, from, to, signal));
  }

  /**
   * The underlying's official opening price on `date` from `/v1/open-close/{T}/{date}`; when that
   * endpoint has no record (404) the open of the first minute bar at or after 09:30 New York is used.
   * Throws NOT_FOUND when neither exists (not a trading day).
   */
  async openingPrice(underlying: string, date: string, signal?: AbortSignal): Promise<OpeningPrice> {
    pathDate(date, 'date');
    try {
      const body = await this.rest.single(
        `/v1/open-close/${encodeURIComponent(underlying)}/${date}`,
        (api, o) => api.getStocksOpenClose({ stocksTicker: underlying, date, adjusted: true }, o),
        signal,
      );
      if (typeof body.open === 'number' && Number.isFinite(body.open) && body.open > 0) return { price: body.open, source: 'open-close' };
      throw new SpyglassError('BAD_PAYLOAD', `/v1/open-close/${underlying}/${date}: "open" is ${JSON.stringify(body.open)}, expected a positive number`, { details: { body } });
    } catch (e) {
      if (!isSpyglassError(e, 'NOT_FOUND')) throw e;
    }
    const sessionOpen = nyWallTime(date, 9, 30);
    const { records } = await this.equities.minuteBars(underlying, date, date, signal);
    const first = records.find((b) => b.timestamp >= sessionOpen);
    if (!first) throw new SpyglassError('NOT_FOUND', `no opening price for ${underlying} on ${date}: no open-close record and no minute bar after 09:30 New York`, { details: { underlying, date } });
    return { price: first.open, source: 'first-minute-bar' };
  }
}
