import type { IndexBar, OptionBar, StockBar } from '@spyglass/core';
import { safeParseOccTicker, type OccContract } from '@spyglass/core';
import type { DecodeResult } from './decode-result.js';
import type { FieldReader } from '@spyglass/core';
import { wireFieldReader } from './wire-issue-codes.js';

/**
 * One REST aggregate as the Massive API sends it (`/v2/aggs/...` `results[i]`): `t` is the bar START
 * in epoch ms; index bars have no `v`, `vw` or `n`.
 *
 * @example
 * ```ts
 * const wire: WireAggregate = { t: Date.UTC(2025, 2, 4, 14, 30), o: 600, h: 600.5, l: 599.8, c: 600.2, v: 12_000, vw: 600.1, n: 140 };
 * decodeStockBar(wire, 'SPY', Date.now());
 * ```
 */
export interface WireAggregate {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v?: number;
  readonly vw?: number;
  readonly n?: number;
}

// Shape checks only (types, presence, positive prices): OHLC consistency and session bounds are the
// pipeline validator's job, so that every semantic rule lives in one place with its reason code.
function readOhlc(r: FieldReader) {
  return {
    timestamp: r.number('t', { integer: true, min: 0 }) ?? NaN,
    open: r.number('o', { positive: true }) ?? NaN,
    high: r.number('h', { positive: true }) ?? NaN,
    low: r.number('l', { positive: true }) ?? NaN,
    close: r.number('c', { positive: true }) ?? NaN,
  };
}

// Hot path: one pass of typeof checks and no allocation beyond the bar itself; only a record that
// fails it goes through the FieldReader, which collects every issue. `x > 0 && x < Infinity` is also
// false for NaN, so no separate isFinite call is needed.
type Agg = { t?: unknown; o?: unknown; h?: unknown; l?: unknown; c?: unknown; v?: unknown; vw?: unknown; n?: unknown };
const pos = (x: unknown): x is number => typeof x === 'number' && x > 0 && x < Infinity;
const nonNeg = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x < Infinity;

function cleanOhlc(a: Agg): boolean {
  return Number.isInteger(a.t) && (a.t as number) >= 0 && pos(a.o) && pos(a.h) && pos(a.l) && pos(a.c);
}

function cleanVolume(a: Agg): boolean {
  return nonNeg(a.v) && (a.vw === undefined || a.vw === null || nonNeg(a.vw)) && (a.n === undefined || a.n === null || (Number.isInteger(a.n) && (a.n as number) >= 0));
}

/**
 * Maps a wire aggregate of a stock to a {@link StockBar}, or rejects it with every issue.
 *
 * @example
 * ```ts
 * decodeStockBar({ t: 1741098600000, o: 585.1, h: 585.3, l: 584.9, c: 585.2, v: 1200, vw: 585.15, n: 31 }, 'SPY', Date.now());
 * ```
 */
export function decodeStockBar(raw: unknown, ticker: string, ingestedAt: number): DecodeResult<StockBar> {
  if (raw !== null && typeof raw === 'object') {
    const a = raw as Agg;
    if (cleanOhlc(a) && cleanVolume(a)) {
      return {
        ok: true,
        value: { ticker, timestamp: a.t as number, open: a.o as number, high: a.h as number, low: a.l as number, close: a.c as number,
          volume: a.v as number, vwap: (a.vw as number | undefined) ?? null, transactions: (a.n as number | undefined) ?? null, ingestedAt },
      };
    }
  }
  const r = wireFieldReader(raw);
  const ohlc = readOhlc(r);
  const volume = r.number('v', { min: 0 }) ?? NaN;
  const vwap = r.number('vw', { optional: true, min: 0 }) ?? null;
  const transactions = r.number('n', { optional: true, integer: true, min: 0 }) ?? null;
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  return { ok: true, value: { ticker, ...ohlc, volume, vwap, transactions, ingestedAt } };
}

/**
 * Maps a wire aggregate of an option to an {@link OptionBar}; the contract identity comes from the
 * OCC ticker (pass `contract` when already parsed, to skip re-parsing per bar).
 *
 * @example
 * ```ts
 * decodeOptionBar({ t: 1741098600000, o: 1.2, h: 1.3, l: 1.1, c: 1.25, v: 40 }, 'O:SPY250304C00601000', Date.now());
 * ```
 */
export function decodeOptionBar(raw: unknown, optionTicker: string, ingestedAt: number, contract?: OccContract): DecodeResult<OptionBar> {
  const occ = contract ? { ok: true as const, value: contract } : safeParseOccTicker(optionTicker);
  const stock = decodeStockBar(raw, optionTicker, ingestedAt);
  if (!occ.ok) return { ok: false, raw, issues: [...occ.issues, ...(stock.ok ? [] : stock.issues)] };
  if (!stock.ok) return stock;
  const { underlying, expiration, strike, contractType } = occ.value;
  return { ok: true, value: { ...stock.value, underlying, expiration, strike, contractType } };
}

/**
 * Maps a wire aggregate of an index (e.g. `I:VIX`) to an {@link IndexBar}; volume fields, which the
 * real index feed never sends, are ignored if present.
 *
 * @example
 * ```ts
 * decodeIndexBar({ t: 1741098600000, o: 21.3, h: 21.5, l: 21.2, c: 21.4 }, 'I:VIX', Date.now());
 * ```
 */
export function decodeIndexBar(raw: unknown, ticker: string, ingestedAt: number): DecodeResult<IndexBar> {
  if (raw !== null && typeof raw === 'object' && cleanOhlc(raw as Agg)) {
    const a = raw as Agg;
    return { ok: true, value: { ticker, timestamp: a.t as number, open: a.o as number, high: a.h as number, low: a.l as number, close: a.c as number, ingestedAt } };
  }
  const r = wireFieldReader(raw);
  const ohlc = readOhlc(r);
  if (r.issues.length > 0) return { ok: false, raw, issues: r.issues };
  return { ok: true, value: { ticker, ...ohlc, ingestedAt } };
}
