import type { IndexBar, OptionBar, StockBar } from '@spyglass/core';
import { safeParseOccTicker } from '@spyglass/core';
import type { DecodeResult } from './decode-result.js';
import type { FieldReader } from '@spyglass/core';
import { wireFieldReader } from './wire-issue-codes.js';

/**
 * A WebSocket aggregate (`ev: "AM"` per minute, `"A"` per second): `s`/`e` are the window start and
 * end in epoch ms; index aggregates carry no volume fields.
 *
 * @example
 * ```ts
 * const wire: WireStreamAggregate = { ev: 'AM', sym: 'SPY', o: 600, h: 600.5, l: 599.8, c: 600.2, s: Date.UTC(2025, 2, 4, 14, 30), e: Date.UTC(2025, 2, 4, 14, 31), v: 12_000 };
 * decodeStreamStockBar(wire, Date.now());
 * ```
 */
export interface WireStreamAggregate {
  readonly ev: 'AM' | 'A';
  readonly sym: string;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly s: number;
  readonly e: number;
  readonly v?: number;
  readonly av?: number;
  readonly op?: number;
  readonly vw?: number;
  readonly a?: number;
  readonly z?: number;
}

function readCommon(r: FieldReader) {
  return {
    ticker: r.string('sym') ?? '',
    timestamp: r.number('s', { integer: true, min: 0 }) ?? NaN,
    open: r.number('o', { positive: true }) ?? NaN,
    high: r.number('h', { positive: true }) ?? NaN,
    low: r.number('l', { positive: true }) ?? NaN,
    close: r.number('c', { positive: true }) ?? NaN,
  };
}

/**
 * Maps a stocks-cluster `AM` message to a {@link StockBar} (`transactions` is null: the stream has no `n`).
 *
 * @example
 * ```ts
 * decodeStreamStockBar({ ev: 'AM', sym: 'SPY', v: 4110, vw: 585.1, o: 585, c: 585.2, h: 585.3, l: 584.9, s: 1741098600000, e: 1741098660000 }, Date.now());
 * ```
 */
export function decodeStreamStockBar(raw: unknown, ingestedAt: number): DecodeResult<StockBar> {
  const r = wireFieldReader(raw);
  const common = readCommon(r);
  const volume = r.number('v', { min: 0 }) ?? NaN;
  const vwap = r.number('vw', { optional: true, min: 0 }) ?? null;
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  return { ok: true, value: { ...common, volume, vwap, transactions: null, ingestedAt } };
}

/**
 * Maps an options-cluster `AM` message to an {@link OptionBar} (identity from the OCC `sym`).
 *
 * @example
 * ```ts
 * decodeStreamOptionBar({ ev: 'AM', sym: 'O:SPY250304C00601000', v: 2, o: 1.2, c: 1.3, h: 1.3, l: 1.2, s: 1741098600000, e: 1741098660000 }, Date.now());
 * ```
 */
export function decodeStreamOptionBar(raw: unknown, ingestedAt: number): DecodeResult<OptionBar> {
  const stock = decodeStreamStockBar(raw, ingestedAt);
  const sym = raw && typeof raw === 'object' ? (raw as { sym?: unknown }).sym : undefined;
  const occ = safeParseOccTicker(String(sym), ['sym']);
  if (!occ.ok) return { ok: false, raw, issues: [...(stock.ok ? [] : stock.issues), ...occ.issues] };
  if (!stock.ok) return stock;
  const { underlying, expiration, strike, contractType } = occ.value;
  return { ok: true, value: { ...stock.value, underlying, expiration, strike, contractType } };
}

/**
 * Maps an indices-cluster `AM` message to an {@link IndexBar}.
 *
 * @example
 * ```ts
 * decodeStreamIndexBar({ ev: 'AM', sym: 'I:VIX', o: 21.3, c: 21.4, h: 21.5, l: 21.2, s: 1741098600000, e: 1741098660000 }, Date.now());
 * ```
 */
export function decodeStreamIndexBar(raw: unknown, ingestedAt: number): DecodeResult<IndexBar> {
  const r = wireFieldReader(raw);
  const common = readCommon(r);
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  return { ok: true, value: { ...common, ingestedAt } };
}
