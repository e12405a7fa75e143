/**
 * One problem found by a validator: a stable machine `code`, the `path` to the offending field
 * (e.g. `['bars', 12, 'high']` or `'high'`), and a message for people. Validators return lists of
 * these instead of throwing, so a caller can quarantine a record with every reason at once.
 *
 * @example
 * ```ts
 * const issues: ValidationIssue[] = [{ code: 'OHLC_INCONSISTENT', path: ['low'], message: 'low 5.2 > open 5.1' }];
 * ```
 */
export interface ValidationIssue {
  readonly code: string;
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}
