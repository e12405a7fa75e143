/**
 * Every code a spyglass validator can put in a {@link ValidationIssue}. The map is the single
 * documented list: quarantine reports and dashboards group by these values.
 *
 * | code | meaning |
 * | --- | --- |
 * | `NOT_AN_OBJECT` | the input is not a plain object (null, array, string, number…) |
 * | `MISSING_FIELD` | a required field is absent, null or undefined |
 * | `WRONG_TYPE` | a field has the wrong JSON type (e.g. `"585.1"` for a price) |
 * | `NOT_FINITE` | a number is NaN or ±Infinity |
 * | `NON_POSITIVE_PRICE` | a price (or strike) is zero or negative |
 * | `OHLC_INCONSISTENT` | not `low ≤ open, close ≤ high` |
 * | `NEGATIVE_VOLUME` | volume or transaction count below zero |
 * | `NOT_INTEGER` | a count that must be whole (transactions, shares per contract) is fractional |
 * | `VWAP_OUT_OF_RANGE` | vwap present but outside `[low, high]` |
 * | `BAD_TIMESTAMP` | timestamp not an integer epoch-ms in 2000–2100, or not on a bar boundary |
 * | `OUTSIDE_SESSION` | bar start outside the NYSE session (extended hours configurable) or on a closed day |
 * | `BAD_TICKER` | ticker does not match its dataset's format (stock, `I:` index, `O:` OCC option) |
 * | `CONTRACT_MISMATCH` | an option's underlying/expiration/strike/type disagree with its OCC ticker |
 * | `BAD_DATE` | a `YYYY-MM-DD` field is malformed or not a calendar date |
 * | `BAD_ENUM` | a value outside its allowed set (contract type, sentiment, exercise style) |
 * | `EMPTY_STRING` | a required text field is empty or blank |
 * | `EXPIRED_CONTRACT` | an option bar dated after its contract's expiration |
 *
 * @example
 * ```ts
 * import { ValidationCode, validateStockBar } from '@spyglass/processing';
 * const issues = validateStockBar({ ticker: 'SPY' });
 * issues.some((i) => i.code === ValidationCode.MISSING_FIELD); // true
 * ```
 */
export const ValidationCode = {
  NOT_AN_OBJECT: 'NOT_AN_OBJECT',
  MISSING_FIELD: 'MISSING_FIELD',
  WRONG_TYPE: 'WRONG_TYPE',
  NOT_FINITE: 'NOT_FINITE',
  NON_POSITIVE_PRICE: 'NON_POSITIVE_PRICE',
  OHLC_INCONSISTENT: 'OHLC_INCONSISTENT',
  NEGATIVE_VOLUME: 'NEGATIVE_VOLUME',
  NOT_INTEGER: 'NOT_INTEGER',
  VWAP_OUT_OF_RANGE: 'VWAP_OUT_OF_RANGE',
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  OUTSIDE_SESSION: 'OUTSIDE_SESSION',
  BAD_TICKER: 'BAD_TICKER',
  CONTRACT_MISMATCH: 'CONTRACT_MISMATCH',
  BAD_DATE: 'BAD_DATE',
  BAD_ENUM: 'BAD_ENUM',
  EMPTY_STRING: 'EMPTY_STRING',
  EXPIRED_CONTRACT: 'EXPIRED_CONTRACT',
} as const;

/** One of the documented {@link ValidationCode} values. */
export type ValidationCode = (typeof ValidationCode)[keyof typeof ValidationCode];
