import { GetStocksAggregatesSortEnum, GetStocksAggregatesTimespanEnum, type DefaultApi } from '@massive.com/client-js';
import type { StockBar } from '@spyglass/core';
import { decodeStockBar } from '../wire/decode-bars.js';
import type { DecodeResult } from '../wire/decode-result.js';
import type { ClientCall, MassiveRest } from './massive-rest.js';
import type { MinuteRange } from './minute-aggregates.js';
import { MinuteBarClient } from './minute-bar-client.js';

/**
 * Stock minute bars (`/v2/aggs/ticker/{T}/range/1/minute/{from}/{to}`), ascending, all pages.
 *
 * @example
 * ```ts
 * const equities = new EquityClient(new MassiveRest({ apiKey, restBaseUrl: 'http://127.0.0.1:8080' }));
 * const { records, rejected } = await equities.minuteBars('SPY', '2025-03-04', '2025-03-04');
 * ```
 */
export class EquityClient extends MinuteBarClient<StockBar> {
  constructor(rest: MassiveRest, private readonly stockOpts: { adjusted?: boolean; limit?: number } = {}) {
    super(rest, stockOpts);
  }

  protected request(api: DefaultApi, o: Parameters<ClientCall>[1], ticker: string, r: MinuteRange): Promise<unknown> {
    return api.getStocksAggregates(
      { stocksTicker: ticker, multiplier: 1, timespan: GetStocksAggregatesTimespanEnum.Minute, from: r.from, to: r.to, adjusted: this.stockOpts.adjusted ?? true, sort: GetStocksAggregatesSortEnum.Asc, limit: r.limit },
      o,
    );
  }

  protected decode(raw: unknown, ticker: string, ingestedAt: number): DecodeResult<StockBar> {
    return decodeStockBar(raw, ticker, ingestedAt);
  }
}
