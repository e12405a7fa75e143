import { Dataset, type ValidationIssue } from '@spyglass/core';
import type { BarValidationOptions } from './bar-checks.js';
import { validateIndexBar, validateOptionBar, validateStockBar } from './validate-bars.js';
import { validateContract, validateNewsArticle } from './validate-reference.js';

/**
 * A validator bound to one dataset: `validate` returns the record's issues (`[]` when valid).
 *
 * @example
 * ```ts
 * const v = validatorFor('stocks', { session: { calendar: nyse } });
 * const bad = records.filter((r) => v.validate(r).length > 0);
 * ```
 */
export interface Validator {
  readonly dataset: Dataset;
  validate(input: unknown): ValidationIssue[];
}

/**
 * The validator of a stored dataset (`stocks`, `options`, `indices`, `news`, `contracts`), with the
 * bar options applied to the three bar datasets.
 *
 * @example
 * ```ts
 * validatorFor('options').validate({ ticker: 'O:SPY' }).length > 0; // true
 * ```
 */
export function validatorFor(dataset: Dataset, options: BarValidationOptions = {}): Validator {
  switch (dataset) {
    case Dataset.STOCK_BARS:
      return { dataset, validate: (input) => validateStockBar(input, options) };
    case Dataset.OPTION_BARS:
      return { dataset, validate: (input) => validateOptionBar(input, options) };
    case Dataset.INDEX_BARS:
      return { dataset, validate: (input) => validateIndexBar(input, options) };
    case Dataset.NEWS:
      return { dataset, validate: (input) => validateNewsArticle(input) };
    case Dataset.CONTRACTS:
      return { dataset, validate: (input) => validateContract(input) };
  }
}

/**
 * A record rejected by validation, with every reason.
 *
 * @example
 * ```ts
 * const r: Rejected = { record: { close: NaN }, issues: validateStockBar({ close: NaN }) };
 * ```
 */
export interface Rejected {
  readonly record: unknown;
  readonly issues: readonly ValidationIssue[];
}

/**
 * Splits a batch into valid records (typed) and rejected ones (with their issues), so a pipeline
 * can persist the first and quarantine the second: nothing is dropped.
 *
 * @example
 * ```ts
 * const { valid, rejected } = partitionValid<StockBar>(payload, validatorFor('stocks'));
 * await quarantine.add('stocks', rejected);
 * ```
 */
export function partitionValid<T>(records: Iterable<unknown>, validator: Validator): { valid: T[]; rejected: Rejected[] } {
  const valid: T[] = [];
  const rejected: Rejected[] = [];
  for (const record of records) {
    const issues = validator.validate(record);
    if (issues.length === 0) valid.push(record as T);
    else rejected.push({ record, issues });
  }
  return { valid, rejected };
}
