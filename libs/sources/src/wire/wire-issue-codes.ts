import { FieldReader } from '@spyglass/core';

/**
 * Every code a wire decoder puts in a rejected record's issues: the shape of what the API sent.
 * Semantic rules (OHLC consistency, session bounds) are the pipeline validator's `ValidationCode`s.
 *
 * | code | meaning |
 * | --- | --- |
 * | `WIRE_NOT_OBJECT` | the record is not a JSON object |
 * | `WIRE_FIELD_MISSING` | a required field is absent or null |
 * | `WIRE_FIELD_TYPE` | a field has the wrong type, is not finite or not whole, or a string is empty or outside its set |
 * | `WIRE_OUT_OF_RANGE` | a price not above zero, a volume or count below zero |
 * | `WIRE_INSIGHT_INVALID` | a news insight without ticker or a known sentiment |
 * | `CONTRACT_TICKER_MISMATCH` | a contract's fields disagree with its OCC ticker |
 *
 * @example
 * ```ts
 * import { decodeStockBar, WireIssueCode } from '@spyglass/sources';
 * const r = decodeStockBar({ t: 1741098600000, o: '585' }, 'SPY', Date.now());
 * !r.ok && r.issues.some((i) => i.code === WireIssueCode.WIRE_FIELD_TYPE); // true
 * ```
 */
export const WireIssueCode = {
  WIRE_NOT_OBJECT: 'WIRE_NOT_OBJECT',
  WIRE_FIELD_MISSING: 'WIRE_FIELD_MISSING',
  WIRE_FIELD_TYPE: 'WIRE_FIELD_TYPE',
  WIRE_OUT_OF_RANGE: 'WIRE_OUT_OF_RANGE',
  WIRE_INSIGHT_INVALID: 'WIRE_INSIGHT_INVALID',
  CONTRACT_TICKER_MISMATCH: 'CONTRACT_TICKER_MISMATCH',
} as const;

/** One of the documented {@link WireIssueCode} values. */
export type WireIssueCode = (typeof WireIssueCode)[keyof typeof WireIssueCode];

const WIRE_FIELD_CODES = {
  notObject: WireIssueCode.WIRE_NOT_OBJECT,
  missing: WireIssueCode.WIRE_FIELD_MISSING,
  wrongType: WireIssueCode.WIRE_FIELD_TYPE,
  outOfRange: WireIssueCode.WIRE_OUT_OF_RANGE,
};

// The shared reader speaking the wire vocabulary.
export const wireFieldReader = (raw: unknown): FieldReader => new FieldReader(raw, WIRE_FIELD_CODES);
