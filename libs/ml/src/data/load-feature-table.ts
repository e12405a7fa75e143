import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { dataRootLayout, LABEL_DEFAULTS, SpyglassError } from '@spyglass/core';
import { FEATURE_COLUMNS, labelColumns, labelWindowOf } from '@spyglass/features';
import type { FeatureTable } from './feature-table.js';
import { isForbiddenFeature } from './forbidden-features.js';

/**
 * Options of {@link loadFeatureTable}.
 *
 * @example
 * ```ts
 * const opts: LoadFeatureTableOptions = { root: 'data', from: '2025-01-02', to: '2025-03-31' };
 * const table = await loadFeatureTable(opts);
 * ```
 */
export interface LoadFeatureTableOptions {
  /** Data root; the dataset is `<root>/processed/features/date=YYYY-MM-DD/*.parquet`. */
  readonly root: string;
  /** First trading day to load, inclusive. */
  readonly from?: string;
  /** Last trading day to load, inclusive. */
  readonly to?: string;
  /**
   * Model input columns, in order. Default: processing's `FEATURE_COLUMNS` (the 66 engineered
   * features). `'numeric'`: every numeric column of the dataset that is not a forbidden feature,
   * sorted by name (for ad-hoc datasets).
   */
  readonly columns?: readonly string[] | 'numeric';
}

/**
 * A loaded table plus what was left out.
 *
 * @example
 * ```ts
 * const t: LoadedFeatureTable = await loadFeatureTable({ root: 'data' });
 * console.log(`${t.rows} rows, ${t.unlabeledRows} without a complete label window`);
 * ```
 */
export interface LoadedFeatureTable extends FeatureTable {
  /** Rows without a `target` (e.g. no complete forward window): not trainable, counted not loaded. */
  readonly unlabeledRows: number;
}

const NUMERIC = /^(FLOAT|DOUBLE|REAL|DECIMAL|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|BOOLEAN)/;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Reads the feature dataset written by processing's feature engineer into a {@link FeatureTable}
 * with DuckDB: rows ordered by timestamp then ticker, NULL features as NaN, the label columns
 * (`target`, `max_gain_<N>m`, `min_loss_<N>m` of the window the dataset was labelled with,
 * `time_to_max_min`) split out. Gains and losses stay
 * the fractions the dataset stores (0.2 = +20 %), the one unit of every ML API.
 *
 * @example
 * ```ts
 * const table = await loadFeatureTable({ root: 'data', from: '2025-03-03', to: '2025-12-31', columns: FEATURE_COLUMNS });
 * ```
 */
export async function loadFeatureTable(options: LoadFeatureTableOptions): Promise<LoadedFeatureTable> {
  const dir = dataRootLayout(options.root).processedDataset('features');
  if (!existsSync(dir)) {
    throw new SpyglassError('NOT_FOUND', `no feature dataset at ${dir}: run \`spyglass ml generate-features\` first`, { details: { dir } });
  }
  const glob = join(dir, 'date=*', '*.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const source = `read_parquet(${literal(glob)}, hive_partitioning = true, union_by_name = true)`;
    const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS() as Array<{ column_name: string; column_type: string }>;
    const types = new Map(described.map((r) => [r.column_name, r.column_type]));
    for (const required of ['target', 'timestamp', 'ticker', 'date']) {
      if (!types.has(required)) {
        throw new SpyglassError('SCHEMA_DRIFT', `${glob}: the feature dataset has no "${required}" column`, { details: { columns: [...types.keys()] } });
      }
    }
    const columns =
      options.columns === 'numeric'
        ? [...types].filter(([n, t]) => NUMERIC.test(t) && !isForbiddenFeature(n)).map(([n]) => n).sort()
        : (options.columns ?? FEATURE_COLUMNS);
    const missing = columns.filter((c) => !types.has(c));
    if (missing.length) {
      throw new SpyglassError('SCHEMA_DRIFT', `${glob}: feature column(s) ${missing.join(', ')} are missing from the dataset`, { details: { missing } });
    }
    const where = [
      ...(options.from ? [`CAST(date AS VARCHAR) >= ${literal(options.from)}`] : []),
      ...(options.to ? [`CAST(date AS VARCHAR) <= ${literal(options.to)}`] : []),
    ];
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const ts = /^TIMESTAMP/.test(types.get('timestamp')!) ? 'epoch_ms("timestamp")' : 'CAST("timestamp" AS DOUBLE)';
    const optional = (name: string) => (types.has(name) ? `CAST(${ident(name)} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)');
    // The gain and loss columns carry the window they were labelled with (`max_gain_60m`).
    const window = labelWindowOf(types.keys());
    const names = labelColumns(window ?? LABEL_DEFAULTS.windowMinutes);
    const counts = (await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE target IS NOT NULL) AS n, count(*) FILTER (WHERE target IS NULL) AS u FROM ${source} ${filter}`)).getRowObjectsJS()[0] as { n: bigint; u: bigint };
    const rows = Number(counts.n);
    const sql =
      `SELECT CAST(target AS UTINYINT), CAST(${ts} AS DOUBLE), CAST(ticker AS VARCHAR), CAST(date AS VARCHAR), ` +
      `${optional(names.maxGain)}, ${optional(names.minLoss)}, ${optional(names.timeToMax)}` +
      columns.map((c) => `, CAST(${ident(c)} AS FLOAT)`).join('') +
      ` FROM ${source} ${filter ? `${filter} AND` : 'WHERE'} target IS NOT NULL ORDER BY 2, 3`;
    return { ...(await readRows(conn, sql, rows, columns)), unlabeledRows: Number(counts.u), ...(window !== undefined ? { labelWindowMinutes: window } : {}) };
  } catch (e) {
    if (e instanceof SpyglassError) throw e;
    throw new SpyglassError('CORRUPT_FILE', `cannot read the feature dataset ${glob}: ${(e as Error).message}`, { cause: e, details: { glob } });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function readRows(conn: DuckDBConnection, sql: string, rows: number, columns: readonly string[]): Promise<FeatureTable> {
  const width = columns.length;
  const data = new Float32Array(rows * width);
  const label = new Uint8Array(rows);
  const timestamp = new Float64Array(rows);
  const maxGain = new Float64Array(rows);
  const minLoss = new Float64Array(rows);
  const timeToMax = new Float64Array(rows);
  const date = new Array<string>(rows);
  const ticker = new Array<string>(rows);
  const result = await conn.stream(sql);
  const num = (v: unknown) => (v === null ? Number.NaN : Number(v));
  let r = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const v = Array.from({ length: 7 + width }, (_, i) => chunk.getColumnVector(i));
    for (let i = 0; i < n; i++) {
      const row = r + i;
      label[row] = num(v[0]!.getItem(i));
      timestamp[row] = num(v[1]!.getItem(i));
      ticker[row] = String(v[2]!.getItem(i));
      date[row] = String(v[3]!.getItem(i));
      maxGain[row] = num(v[4]!.getItem(i));
      minLoss[row] = num(v[5]!.getItem(i));
      timeToMax[row] = num(v[6]!.getItem(i));
    }
    for (let c = 0; c < width; c++) {
      const vec = v[7 + c]!;
      for (let i = 0; i < n; i++) data[(r + i) * width + c] = num(vec.getItem(i));
    }
    r += n;
  }
  return { columns: [...columns], rows: r, data: r === rows ? data : data.subarray(0, r * width), label, timestamp, date, ticker, maxGain, minLoss, timeToMax };
}
