import type { ValidationIssue } from '@spyglass/core';

/**
 * A wire record that could not be mapped: the untouched `raw` value and every reason. Adapters hand
 * these back next to the good records (never dropping them), so the pipeline can quarantine them
 * with their reason codes.
 *
 * @example
 * ```ts
 * const { records, rejected } = await equities.minuteBars('SPY', '2025-03-04', '2025-03-04');
 * for (const r of rejected as RejectedRecord[]) console.warn(r.issues[0]?.code, r.raw);
 * ```
 */
export interface RejectedRecord {
  readonly ok: false;
  readonly raw: unknown;
  readonly issues: readonly ValidationIssue[];
}

/**
 * Result of decoding one wire record.
 *
 * @example
 * ```ts
 * const r: DecodeResult<StockBar> = decodeStockBar({ t: 1, o: 1, h: 1, l: 1, c: 1, v: 0 }, 'SPY', Date.now());
 * if (!r.ok) quarantine(r.raw, r.issues);
 * ```
 */
export type DecodeResult<T> = { readonly ok: true; readonly value: T } | RejectedRecord;

/**
 * What a REST adapter returns for a whole request: mapped records in wire order, the rejected wire
 * records with their issues, and the number of pages fetched.
 *
 * @example
 * ```ts
 * const { records, rejected } = await equities.minuteBars('SPY', '2025-03-04', '2025-03-04');
 * ```
 */
export interface FetchResult<T> {
  readonly records: T[];
  readonly rejected: RejectedRecord[];
  readonly pages: number;
}
