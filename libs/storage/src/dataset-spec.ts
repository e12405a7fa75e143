import { SpyglassError } from '@spyglass/core';

/**
 * Logical column types a dataset may use, and how each lands in Parquet:
 * `float64` DOUBLE, `int64` INT64, `int32` INT32, `utf8` STRING, `bool` BOOLEAN,
 * `timestamp_ms` INT64 TIMESTAMP(MILLIS, UTC), `utf8_list` LIST<STRING>, `json` STRING holding JSON
 * (for nested values such as news insights, which other engines can still read as text).
 *
 * @example
 * ```ts
 * const t: ColumnType = 'timestamp_ms';
 * ```
 */
export type ColumnType = 'float64' | 'int64' | 'int32' | 'utf8' | 'bool' | 'timestamp_ms' | 'utf8_list' | 'json';

/**
 * Every {@link ColumnType}, for validation and table-driven tests.
 *
 * @example
 * ```ts
 * COLUMN_TYPES.includes('timestamp_ms'); // true
 * ```
 */
export const COLUMN_TYPES: readonly ColumnType[] = ['float64', 'int64', 'int32', 'utf8', 'bool', 'timestamp_ms', 'utf8_list', 'json'];

/**
 * One Parquet column and the record property it comes from.
 *
 * @example
 * ```ts
 * const col: ColumnSpec = { name: 'ingested_at', field: 'ingestedAt', type: 'timestamp_ms' };
 * ```
 */
export interface ColumnSpec {
  /** snake_case Parquet column name. */
  readonly name: string;
  /** camelCase record property. */
  readonly field: string;
  readonly type: ColumnType;
  /** When true, `null`/`undefined` values are stored as Parquet nulls; otherwise they are rejected. */
  readonly nullable?: boolean;
}

/**
 * A dataset: its columns, de-duplication key, hive partitioning and sort order.
 *
 * @example
 * ```ts
 * const spec: DatasetSpec = {
 *   name: 'stocks', layer: 'raw', key: ['ticker', 'timestamp'], partitionBy: ['ticker', 'date'], sortBy: ['timestamp'],
 *   columns: [{ name: 'ticker', field: 'ticker', type: 'utf8' }, { name: 'timestamp', field: 'timestamp', type: 'timestamp_ms' }],
 * };
 * ```
 */
export interface DatasetSpec {
  /** Directory name under the layer, e.g. `stocks` → `<root>/raw/stocks`. */
  readonly name: string;
  readonly layer: 'raw' | 'processed';
  readonly columns: readonly ColumnSpec[];
  /** Column names forming the de-duplication key; within a partition the last written row per key wins. */
  readonly key: readonly string[];
  /** Hive partition keys; `ticker` comes from the `ticker` column, `date` from {@link DatasetSpec.dateColumn}. */
  readonly partitionBy: readonly ['ticker', 'date'] | readonly ['date'];
  /** Column names rows are sorted by inside each partition file. */
  readonly sortBy: readonly string[];
  /**
   * Column the partition `date` comes from (default `timestamp`): a `timestamp_ms` column gives its
   * America/New_York calendar date, a `utf8` column must already hold `YYYY-MM-DD`.
   */
  readonly dateColumn?: string;
}

const SNAKE = /^[a-z][a-z0-9_]*$/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Validates a dataset spec and returns it frozen. Other libraries define their processed datasets
 * (consolidated bars, features…) with it, so a typo in a key or sort column fails at start-up.
 *
 * @throws SpyglassError `INVALID_ARGUMENT` naming the dataset and the offending column.
 * @example
 * ```ts
 * export const consolidatedSpec = defineDataset({
 *   name: 'consolidated', layer: 'processed', partitionBy: ['date'], key: ['ticker', 'timestamp'], sortBy: ['ticker', 'timestamp'],
 *   columns: [
 *     { name: 'ticker', field: 'ticker', type: 'utf8' },
 *     { name: 'timestamp', field: 'timestamp', type: 'timestamp_ms' },
 *     { name: 'close', field: 'close', type: 'float64' },
 *   ],
 * });
 * ```
 */
export function defineDataset(spec: DatasetSpec): DatasetSpec {
  const fail = (msg: string): never => {
    throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': ${msg}`, { details: { dataset: spec.name } });
  };
  if (!SNAKE.test(spec.name)) fail(`name must be snake_case`);
  if (spec.layer !== 'raw' && spec.layer !== 'processed') fail(`layer must be 'raw' or 'processed'`);
  if (spec.columns.length === 0) fail('has no columns');
  const byName = new Map<string, ColumnSpec>();
  const fields = new Set<string>();
  for (const c of spec.columns) {
    if (!SNAKE.test(c.name)) fail(`column '${c.name}' is not snake_case`);
    if (!IDENT.test(c.field)) fail(`column '${c.name}' has an invalid field '${c.field}'`);
    if (!COLUMN_TYPES.includes(c.type)) fail(`column '${c.name}' has unknown type '${String(c.type)}'`);
    if (byName.has(c.name)) fail(`column '${c.name}' is defined twice`);
    if (fields.has(c.field)) fail(`field '${c.field}' is mapped twice`);
    byName.set(c.name, c);
    fields.add(c.field);
  }
  if (spec.key.length === 0) fail('key is empty');
  for (const k of [...spec.key, ...spec.sortBy]) {
    const c = byName.get(k);
    if (!c) fail(`key/sort column '${k}' is not a column`);
    else if (c.type === 'utf8_list' || c.type === 'json') fail(`key/sort column '${k}' cannot be of type ${c.type}`);
  }
  const parts = spec.partitionBy as readonly string[];
  const partsOk = (parts.length === 2 && parts[0] === 'ticker' && parts[1] === 'date') || (parts.length === 1 && parts[0] === 'date');
  if (!partsOk) fail(`partitionBy must be ['ticker', 'date'] or ['date']`);
  if (parts[0] === 'ticker') {
    const t = byName.get('ticker');
    if (!t || t.type !== 'utf8' || t.nullable) fail(`partitioning by ticker needs a non-null utf8 'ticker' column`);
  }
  const dateColumn = spec.dateColumn ?? 'timestamp';
  const d = byName.get(dateColumn);
  if (!d || (d.type !== 'timestamp_ms' && d.type !== 'utf8') || d.nullable) {
    fail(`date column '${dateColumn}' must be a non-null timestamp_ms or utf8 column`);
  }
  return Object.freeze({ ...spec, dateColumn });
}

/** The column of `spec` called `name`, or an `INVALID_ARGUMENT` error naming the dataset. */
export function columnOf(spec: DatasetSpec, name: string): ColumnSpec {
  const c = spec.columns.find((x) => x.name === name);
  if (!c) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}' has no column '${name}'`, { details: { dataset: spec.name, column: name } });
  return c;
}
