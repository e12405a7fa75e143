import { SpyglassError } from '@spyglass/core';

/**
 * Columns that must never enter a model: labels and label metadata (they are the future), raw
 * OHLCV and prices of the bar itself (levels, not signals, and the label is computed from them),
 * and identifiers (they let trees memorise contracts and days). The one list the trainer enforces.
 *
 * @example
 * ```ts
 * FORBIDDEN_FEATURES.includes('max_gain_120m'); // true
 * ```
 */
export const FORBIDDEN_FEATURES: readonly string[] = Object.freeze([
  // labels and label metadata
  'target',
  'max_gain_120m',
  'max_gain_pct',
  'min_loss_120m',
  'time_to_max_min',
  // raw OHLCV of the SPY bar and of the option bar
  'open',
  'high',
  'low',
  'close',
  'volume',
  'vwap',
  'transactions',
  'opt_open',
  'opt_high',
  'opt_low',
  'opt_close',
  'opt_volume',
  'opt_vwap',
  'opt_transactions',
  'spy_open',
  'spy_high',
  'spy_low',
  'spy_close',
  'spy_volume',
  'spy_vwap',
  'spy_transactions',
  // identifiers and bookkeeping
  'timestamp',
  'date',
  'ticker',
  'row_id',
  'underlying',
  'expiration',
  'strike',
  'contract_type',
  'source',
  'ingested_at',
  'ingestedAt',
]);

// Any column matching these is a label or label metadata under another horizon or spelling.
const FORBIDDEN_PATTERNS: readonly RegExp[] = [/^target/, /^max_gain/, /^min_loss/, /^time_to_max/];

/**
 * True when `column` may not be a model input (listed in {@link FORBIDDEN_FEATURES} or a label-like name).
 *
 * @example
 * ```ts
 * isForbiddenFeature('max_gain_60m'); // true
 * isForbiddenFeature('rsi_14'); // false
 * ```
 */
export function isForbiddenFeature(column: string): boolean {
  return FORBIDDEN_FEATURES.includes(column) || FORBIDDEN_PATTERNS.some((p) => p.test(column));
}

/**
 * Throws `SpyglassError('INVALID_ARGUMENT')` naming every forbidden column in `columns`.
 *
 * @example
 * ```ts
 * assertNoForbiddenFeatures(['rsi_14', 'close']); // throws: close is raw OHLCV
 * ```
 */
export function assertNoForbiddenFeatures(columns: readonly string[]): void {
  const bad = columns.filter(isForbiddenFeature);
  if (bad.length) {
    throw new SpyglassError(
      'INVALID_ARGUMENT',
      `forbidden feature(s) ${bad.join(', ')}: labels, label metadata, raw OHLCV and identifiers can never enter the model`,
      { details: { forbidden: bad } },
    );
  }
}
