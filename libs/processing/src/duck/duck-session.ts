import { DuckDBDataChunk, DuckDBDoubleVector, DuckDBInstance, DuckDBTableFunction, DuckDBTypeId, DOUBLE, BIGINT, VARCHAR, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { SpyglassError } from '@spyglass/core';

/**
 * A column stored inside a row-major matrix: value of row r at `data[r × stride + offset]`
 * (e.g. a feature of a rows × 66 matrix), for {@link DuckSession.scanColumns}.
 */
export interface StridedColumn {
  readonly data: Float64Array;
  readonly offset: number;
  readonly stride: number;
  readonly rows: number;
}

/** A column handed to or read from DuckDB: numbers as Float64Array (NaN = NULL), text as string arrays. */
export type ColumnData = Float64Array | (string | null)[];

/**
 * One in-memory DuckDB database for a processing run. Values cross between JavaScript and DuckDB
 * only through typed column helpers (about 20 ns a value read, 80 ns written, measured here),
 * because the generic row/object readers cost ~140 ns a value and dominated a year's run.
 */
export class DuckSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(threads = 2): Promise<DuckSession> {
    try {
      // No external file cache: it keeps every Parquet file a run reads (~2.5 MB a day of 24
      // contracts, never evicted below the memory limit), so a year's run grew to 1.1 GB RSS.
      const instance = await DuckDBInstance.create(':memory:', { threads: String(threads), enable_external_file_cache: 'false' });
      return new DuckSession(instance, await instance.connect());
    } catch (e) {
      throw new SpyglassError('STORAGE', `could not start DuckDB: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** Runs SQL; failures become `STORAGE` errors that quote the statement's start. */
  async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (e) {
      throw sqlError(sql, e);
    }
  }

  /** Runs a query and returns the named columns (doubles as Float64Array with NaN for NULL). */
  async columns(sql: string): Promise<{ rows: number; cols: Record<string, ColumnData> }> {
    let result;
    try {
      result = await this.connection.stream(sql);
    } catch (e) {
      throw sqlError(sql, e);
    }
    const names = result.columnNames();
    const typeIds = result.columnTypes().map((t) => t.typeId);
    const numeric = typeIds.map((id) => id !== DuckDBTypeId.VARCHAR);
    const parts: Record<string, unknown[][]> = Object.fromEntries(names.map((n) => [n, []]));
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      names.forEach((name, j) => {
        const v = chunk.getColumnVector(j);
        if (v instanceof DuckDBDoubleVector) {
          parts[name]!.push(doublesOf(v, n) as unknown as unknown[]);
        } else if (numeric[j]) {
          const out = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const x = v.getItem(i) as number | bigint | null;
            out[i] = x === null ? Number.NaN : Number(x);
          }
          parts[name]!.push(out as unknown as unknown[]);
        } else {
          const out = new Array<string | null>(n);
          for (let i = 0; i < n; i++) out[i] = v.getItem(i) as string | null;
          parts[name]!.push(out);
        }
      });
      rows += n;
    }
    const cols: Record<string, ColumnData> = {};
    names.forEach((name, j) => {
      if (numeric[j]) {
        const all = new Float64Array(rows);
        let off = 0;
        for (const p of parts[name] as unknown as Float64Array[]) {
          all.set(p, off);
          off += p.length;
        }
        cols[name] = all;
      } else {
        cols[name] = (parts[name] as (string | null)[][]).flat();
      }
    });
    return { rows, cols };
  }

  /**
   * Creates (or replaces) `table` from JavaScript columns. Float64Array columns become DOUBLE
   * (NaN → NULL) unless named in `bigint`, which become BIGINT (epoch ms); string arrays VARCHAR.
   */
  async createTable(table: string, cols: Record<string, ColumnData>, bigint: readonly string[] = []): Promise<void> {
    const names = Object.keys(cols);
    const types: DuckDBType[] = names.map((n) => (Array.isArray(cols[n]) ? VARCHAR : bigint.includes(n) ? BIGINT : DOUBLE));
    const ddl = names.map((n, j) => `"${n}" ${types[j] === VARCHAR ? 'VARCHAR' : types[j] === BIGINT ? 'BIGINT' : 'DOUBLE'}`).join(', ');
    await this.run(`CREATE OR REPLACE TEMP TABLE ${table} (${ddl})`);
    const rows = names.length === 0 ? 0 : cols[names[0]!]!.length;
    const appender = await this.connection.createAppender(table);
    try {
      for (let start = 0; start < rows; start += 2048) {
        const n = Math.min(2048, rows - start);
        const chunk = DuckDBDataChunk.create(types, n);
        names.forEach((name, j) => {
          const v = chunk.getColumnVector(j);
          const src = cols[name]!;
          if (Array.isArray(src)) {
            for (let i = 0; i < n; i++) v.setItem(i, src[start + i] ?? null);
          } else if (types[j] === BIGINT) {
            for (let i = 0; i < n; i++) {
              const x = src[start + i]!;
              v.setItem(i, Number.isNaN(x) ? null : BigInt(Math.round(x)));
            }
          } else {
            putDoubles(v as DuckDBDoubleVector, src, start, n);
            return;
          }
          v.flush();
        });
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private readonly scans = new Map<string, Record<string, Float64Array | StridedColumn>>();

  /**
   * Makes `cols` readable in SQL as the table function `name()` (DOUBLE columns, NaN → NULL, in
   * array order, one scanning thread) until the next call for the same name. Unlike
   * {@link createTable}, nothing is copied into DuckDB's storage: a query reading `name()` (e.g. a
   * `COPY … TO` Parquet, `POSITIONAL JOIN`ed to a table of the same order) pulls 2,048 rows at a
   * time straight from the arrays. Storing costs ~80 ns a value here, the scan a memcpy.
   */
  scanColumns(name: string, cols: Record<string, Float64Array | StridedColumn>): void {
    const known = this.scans.has(name);
    this.scans.set(name, cols);
    if (known) return;
    const scans = this.scans;
    let gather = new Float64Array(2048);
    const fn = DuckDBTableFunction.create({
      name,
      bindFunction: (bind) => {
        const src = scans.get(name)!;
        for (const col of Object.keys(src)) bind.addResultColumn(col, DOUBLE);
        const first = Object.values(src)[0];
        const rows = first === undefined ? 0 : first instanceof Float64Array ? first.length : first.rows;
        bind.setCardinality(rows, true);
        bind.setBindData({ src: Object.values(src), rows });
      },
      initFunction: (init) => {
        init.setMaxThreads(1);
        init.setInitData({ at: 0 });
      },
      mainFunction: (info, out) => {
        const { src, rows } = info.bindData as { src: (Float64Array | StridedColumn)[]; rows: number };
        const state = info.initData as { at: number };
        const start = state.at;
        const n = Math.min(2048, rows - start);
        out.rowCount = n;
        if (n <= 0) return;
        src.forEach((col, j) => {
          const v = out.getColumnVector(j) as DuckDBDoubleVector;
          if (col instanceof Float64Array) putDoubles(v, col, start, n);
          else {
            gather.length < n ? (gather = new Float64Array(2048)) : undefined;
            const { data, offset, stride } = col;
            for (let i = 0; i < n; i++) gather[i] = data[(start + i) * stride + offset]!;
            putDoubles(v, gather, 0, n);
          }
        });
        state.at = start + n;
      },
    });
    this.connection.registerTableFunction(fn);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * The values of a DOUBLE chunk vector (NULL → NaN) by a bulk copy of its buffer and a 32-bit view
 * of its validity mask: ~1 ns a value, where `getItem` (a BigInt mask test per value) costs ~20.
 */
// The vector's JS-side buffer (copied to and from DuckDB by the binding): typed private in node-api, public at run time.
const itemsOf = (v: DuckDBDoubleVector): Float64Array => (v as unknown as { items: Float64Array }).items;

/**
 * Writes `src[start, start + n)` into a chunk vector and flushes it: a bulk copy of the values and,
 * when there are NaNs, a validity mask built through a 32-bit view (NaN → NULL). node-api's
 * `setItem(i, null)` does BigInt arithmetic per NULL, which cost more than the copy.
 */
function putDoubles(v: DuckDBDoubleVector, src: Float64Array, start: number, n: number): void {
  itemsOf(v).set(src.subarray(start, start + n));
  let words: Uint32Array | null = null;
  for (let i = 0; i < n; i++) {
    const x = src[start + i]!;
    if (x === x) continue;
    if (words === null) words = new Uint32Array(Math.ceil(n / 64) * 2).fill(0xffffffff);
    words[i >>> 5]! &= ~(1 << (i & 31));
  }
  if (words !== null) (v as unknown as { validity: { data: BigUint64Array | null } }).validity.data = new BigUint64Array(words.buffer);
  v.flush();
}

function doublesOf(v: DuckDBDoubleVector, n: number): Float64Array {
  const out = itemsOf(v).slice(0, n);
  const mask = (v as unknown as { validity: { data: BigUint64Array | null } }).validity.data;
  if (mask !== null) {
    const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
    for (let w = 0; w < words.length && w * 32 < n; w++) {
      const bits = words[w]!;
      if (bits === 0xffffffff) continue;
      for (let b = 0; b < 32 && w * 32 + b < n; b++) if ((bits & (1 << b)) === 0) out[w * 32 + b] = Number.NaN;
    }
  }
  return out;
}

function sqlError(sql: string, e: unknown): SpyglassError {
  const head = sql.replace(/\s+/g, ' ').trim().slice(0, 160);
  return new SpyglassError('STORAGE', `DuckDB failed: ${e instanceof Error ? e.message : String(e)} (in: ${head}…)`, { cause: e, details: { sql: head } });
}

/** A SQL string literal (single quotes doubled). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A DuckDB list of file paths for `read_parquet`. */
export function sqlFileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}
