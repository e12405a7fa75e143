import { SpyglassError, type ValidationIssue } from '@spyglass/core';

/**
 * The in-memory feature dataset every ML step works on: one row per option contract per minute,
 * features row-major in a Float32Array (NaN = missing) plus the label and per-row metadata.
 * `maxGain` / `minLoss` are the label columns `max_gain_<N>m` / `min_loss_<N>m` as stored: fractions
 * (e.g. `0.35` = +35 %, `-0.12` = −12 %), used by the backtest and the error analysis, never as features.
 *
 * @example
 * ```ts
 * const table: FeatureTable = {
 *   columns: ['rsi_14', 'iv'], rows: 1, data: new Float32Array([55, 0.2]), label: new Uint8Array([1]),
 *   timestamp: new Float64Array([Date.UTC(2025, 2, 3, 14, 31)]), date: ['2025-03-03'], ticker: ['O:SPY250303C00590000'],
 * };
 * ```
 */
export interface FeatureTable {
  readonly columns: readonly string[];
  readonly rows: number;
  /** `rows × columns.length`, row-major. */
  readonly data: Float32Array;
  /** 1 when the contract rose ≥ 20 % within 120 minutes (`target`). */
  readonly label: Uint8Array;
  /** Bar start, UTC epoch ms. */
  readonly timestamp: Float64Array;
  /** New York trading day of each row, `YYYY-MM-DD`. */
  readonly date: readonly string[];
  /** Option ticker of each row. */
  readonly ticker: readonly string[];
  /** `max_gain_<N>m`, a fraction (0.35 = +35 %; NaN where the window runs past the close). */
  readonly maxGain?: Float64Array;
  /** `min_loss_<N>m`, a fraction ≤ 0 (−0.12 = −12 %; NaN where unknown). */
  readonly minLoss?: Float64Array;
  /** `time_to_max_min`, minutes. */
  readonly timeToMax?: Float64Array;
  /** The labels' forward window in minutes, as the dataset's column names say (`max_gain_60m` → 60). */
  readonly labelWindowMinutes?: number;
}

/**
 * Checks a table's shape: array lengths match `rows`, labels are 0/1, dates are ISO days.
 *
 * @example
 * ```ts
 * const issues = validateFeatureTable(table);
 * if (issues.length) throw new Error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
 * ```
 */
export function validateFeatureTable(table: FeatureTable): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const expect = (path: string, actual: number, wanted: number): void => {
    if (actual !== wanted) issues.push({ code: 'LENGTH_MISMATCH', path: [path], message: `has ${actual} entries, expected ${wanted}` });
  };
  expect('data', table.data.length, table.rows * table.columns.length);
  expect('label', table.label.length, table.rows);
  expect('timestamp', table.timestamp.length, table.rows);
  expect('date', table.date.length, table.rows);
  expect('ticker', table.ticker.length, table.rows);
  if (table.maxGain) expect('maxGain', table.maxGain.length, table.rows);
  if (table.minLoss) expect('minLoss', table.minLoss.length, table.rows);
  if (table.timeToMax) expect('timeToMax', table.timeToMax.length, table.rows);
  const bad = table.label.findIndex((v) => v > 1);
  if (bad >= 0) issues.push({ code: 'BAD_LABEL', path: ['label', bad], message: `is ${table.label[bad]}, expected 0 or 1` });
  const badDate = table.date.findIndex((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d));
  if (badDate >= 0) issues.push({ code: 'BAD_DATE', path: ['date', badDate], message: `"${table.date[badDate]}" is not YYYY-MM-DD` });
  if (new Set(table.columns).size !== table.columns.length) {
    issues.push({ code: 'DUPLICATE_COLUMN', path: ['columns'], message: 'column names repeat' });
  }
  return issues;
}

/**
 * A new table holding the given rows, in the given order (features, labels and metadata alike).
 *
 * @example
 * ```ts
 * const firstTen = selectRows(table, Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function selectRows(table: FeatureTable, indices: ArrayLike<number>): FeatureTable {
  const cols = table.columns.length;
  const n = indices.length;
  const data = new Float32Array(n * cols);
  const label = new Uint8Array(n);
  const timestamp = new Float64Array(n);
  const date = new Array<string>(n);
  const ticker = new Array<string>(n);
  const pick = (src: Float64Array | undefined): Float64Array | undefined => {
    if (!src) return undefined;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = src[indices[i]!]!;
    return out;
  };
  for (let i = 0; i < n; i++) {
    const r = indices[i]!;
    data.set(table.data.subarray(r * cols, r * cols + cols), i * cols);
    label[i] = table.label[r]!;
    timestamp[i] = table.timestamp[r]!;
    date[i] = table.date[r]!;
    ticker[i] = table.ticker[r]!;
  }
  const maxGain = pick(table.maxGain);
  const minLoss = pick(table.minLoss);
  const timeToMax = pick(table.timeToMax);
  return {
    columns: table.columns,
    rows: n,
    data,
    label,
    timestamp,
    date,
    ticker,
    ...(maxGain ? { maxGain } : {}),
    ...(minLoss ? { minLoss } : {}),
    ...(timeToMax ? { timeToMax } : {}),
  };
}

/**
 * The table restricted to `columns` (in that order), e.g. the feature list stored in a model
 * artifact; the table itself when it already has exactly those columns.
 *
 * @example
 * ```ts
 * const forModel = selectColumns(table, artifact.featureColumns);
 * ```
 */
export function selectColumns(table: FeatureTable, columns: readonly string[]): FeatureTable {
  // Same columns in the same order: no 200 MB copy of a year of features.
  if (columns.length === table.columns.length && columns.every((c, i) => c === table.columns[i])) return table;
  const index = columns.map((c) => table.columns.indexOf(c));
  const missing = columns.filter((_, i) => index[i]! < 0);
  if (missing.length) {
    throw new SpyglassError('INVALID_ARGUMENT', `feature table lacks column(s) ${missing.join(', ')}`, {
      details: { missing, available: table.columns },
    });
  }
  const src = table.columns.length;
  const dst = columns.length;
  const data = new Float32Array(table.rows * dst);
  for (let r = 0; r < table.rows; r++) {
    for (let c = 0; c < dst; c++) data[r * dst + c] = table.data[r * src + index[c]!]!;
  }
  return { ...table, columns, data };
}

/**
 * The sorted distinct trading days of a table.
 *
 * @example
 * ```ts
 * tradingDays(table); // ['2025-03-03', '2025-03-04', …]
 * ```
 */
export function tradingDays(table: Pick<FeatureTable, 'date'>): string[] {
  return [...new Set(table.date)].sort();
}

/**
 * Row indices grouped by trading day, in row order.
 *
 * @example
 * ```ts
 * rowsByDay(table).get('2025-03-03'); // [0, 1, 2, …]
 * ```
 */
export function rowsByDay(table: Pick<FeatureTable, 'date' | 'rows'>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < table.rows; i++) {
    const d = table.date[i]!;
    let list = out.get(d);
    if (!list) out.set(d, (list = []));
    list.push(i);
  }
  return out;
}
