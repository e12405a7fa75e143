import { safeParseOccTicker, type IndexBar, type OccContract, type OptionBar, type StockBar } from '@spyglass/core';
import type { DecodeResult } from '../wire/decode-result.js';
import { decodeStreamIndexBar, decodeStreamOptionBar, decodeStreamStockBar } from '../wire/decode-ws-aggregate.js';

// A minute's burst of a 258-contract chain is one WebSocket message: its decode is on every bar's
// path to a probability. The wire decoders build a FieldReader, an issue list and two spread
// copies per bar (≈ 11 µs a bar in the live benchmark's profile, as much as the feature update).
// These fast paths accept only a clean aggregate — every field of the type and range the wire
// decoder requires — and build the same record directly; anything else goes to the wire decoder,
// so a bad message is rejected with exactly its issues.

const price = (v: unknown): v is number => typeof v === 'number' && v > 0 && v < Number.POSITIVE_INFINITY;
const count = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v < Number.POSITIVE_INFINITY;
const ticker = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.trim() !== '';
const start = (v: unknown): v is number => typeof v === 'number' && v >= 0 && Number.isInteger(v);

interface Aggregate {
  readonly sym?: unknown;
  readonly s?: unknown;
  readonly o?: unknown;
  readonly h?: unknown;
  readonly l?: unknown;
  readonly c?: unknown;
  readonly v?: unknown;
  readonly vw?: unknown;
}

function clean(raw: unknown): raw is Aggregate {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const m = raw as Aggregate;
  return ticker(m.sym) && start(m.s) && price(m.o) && price(m.h) && price(m.l) && price(m.c);
}

/**
 * {@link decodeStreamStockBar} with a fast path for clean aggregates (same record, same rejects).
 *
 * @example
 * ```ts
 * fastStockBar({ ev: 'AM', sym: 'SPY', v: 4110, vw: 585.1, o: 585, c: 585.2, h: 585.3, l: 584.9, s: 1741098600000, e: 1741098660000 }, Date.now());
 * ```
 */
export function fastStockBar(raw: unknown, ingestedAt: number): DecodeResult<StockBar> {
  if (!clean(raw)) return decodeStreamStockBar(raw, ingestedAt);
  const m = raw;
  const vw = m.vw;
  if (!count(m.v) || (vw !== undefined && vw !== null && !count(vw))) return decodeStreamStockBar(raw, ingestedAt);
  return {
    ok: true,
    value: { ticker: m.sym as string, timestamp: m.s as number, open: m.o as number, high: m.h as number, low: m.l as number, close: m.c as number, volume: m.v, vwap: (vw as number | null | undefined) ?? null, transactions: null, ingestedAt },
  };
}

/**
 * {@link decodeStreamIndexBar} with a fast path for clean aggregates.
 *
 * @example
 * ```ts
 * fastIndexBar({ ev: 'AM', sym: 'I:VIX', o: 21.3, c: 21.4, h: 21.5, l: 21.2, s: 1741098600000, e: 1741098660000 }, Date.now());
 * ```
 */
export function fastIndexBar(raw: unknown, ingestedAt: number): DecodeResult<IndexBar> {
  if (!clean(raw)) return decodeStreamIndexBar(raw, ingestedAt);
  const m = raw;
  return { ok: true, value: { ticker: m.sym as string, timestamp: m.s as number, open: m.o as number, high: m.h as number, low: m.l as number, close: m.c as number, ingestedAt } };
}

/**
 * An options-cluster decoder with a fast path: the OCC identity of each symbol is parsed once and
 * remembered (a chain's few hundred symbols repeat every minute); a symbol that does not parse, or
 * an unclean aggregate, goes to {@link decodeStreamOptionBar}. One per stream (the cache is bounded).
 *
 * @example
 * ```ts
 * const decode = fastOptionBarDecoder();
 * decode({ ev: 'AM', sym: 'O:SPY250304C00601000', v: 2, o: 1.2, c: 1.3, h: 1.3, l: 1.2, s: 1741098600000, e: 1741098660000 }, Date.now());
 * ```
 */
export function fastOptionBarDecoder(capacity = 20_000): (raw: unknown, ingestedAt: number) => DecodeResult<OptionBar> {
  const occ = new Map<string, OccContract | null>();
  return (raw, ingestedAt) => {
    if (!clean(raw)) return decodeStreamOptionBar(raw, ingestedAt);
    const m = raw;
    const vw = m.vw;
    if (!count(m.v) || (vw !== undefined && vw !== null && !count(vw))) return decodeStreamOptionBar(raw, ingestedAt);
    const sym = m.sym as string;
    let c = occ.get(sym);
    if (c === undefined) {
      const parsed = safeParseOccTicker(sym, ['sym']);
      c = parsed.ok ? parsed.value : null;
      if (occ.size >= capacity) occ.clear();
      occ.set(sym, c);
    }
    if (c === null) return decodeStreamOptionBar(raw, ingestedAt);
    return {
      ok: true,
      value: {
        ticker: sym,
        timestamp: m.s as number,
        open: m.o as number,
        high: m.h as number,
        low: m.l as number,
        close: m.c as number,
        volume: m.v,
        vwap: (vw as number | null | undefined) ?? null,
        transactions: null,
        ingestedAt,
        underlying: c.underlying,
        expiration: c.expiration,
        strike: c.strike,
        contractType: c.contractType,
      },
    };
  };
}
