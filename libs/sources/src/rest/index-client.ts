import { GetIndicesAggregatesSortEnum, GetIndicesAggregatesTimespanEnum, type DefaultApi } from '@massive.com/client-js';
import type { IndexBar } from '@spyglass/core';
import { decodeIndexBar } from '../wire/decode-bars.js';
import type { DecodeResult } from '../wire/decode-result.js';
import type { ClientCall } from './massive-rest.js';
import type { MinuteRange } from './minute-aggregates.js';
import { MinuteBarClient } from './minute-bar-client.js';

/**
 * Index minute bars (e.g. `I:VIX`): no volume, as the real index feed.
 *
 * @example
 * ```ts
 * const indices = new IndexClient(rest);
 * const { records } = await indices.minuteBars('I:VIX', '2025-03-04', '2025-03-04');
 * ```
 */
export class IndexClient extends MinuteBarClient<IndexBar> {
  protected request(api: DefaultApi, o: Parameters<ClientCall>[1], ticker: string, r: MinuteRange): Promise<unknown> {
    return api.getIndicesAggregates(
      { indicesTicker: ticker, multiplier: 1, timespan: GetIndicesAggregatesTimespanEnum.Minute, from: r.from, to: r.to, sort: GetIndicesAggregatesSortEnum.Asc, limit: r.limit },
      o,
    );
  }

  protected decode(raw: unknown, ticker: string, ingestedAt: number): DecodeResult<IndexBar> {
    return decodeIndexBar(raw, ticker, ingestedAt);
  }
}
