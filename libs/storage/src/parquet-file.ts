import { openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { Compression, ParquetFile, Table as WasmTable, WriterPropertiesBuilder, readParquet, writeParquet } from 'parquet-wasm';
import { SpyglassError } from '@spyglass/core';
import { columnTypeOfArrow } from './arrow-codec.js';

/**
 * Compression codec of written Parquet files.
 *
 * @example
 * ```ts
 * const c: ParquetCompression = 'snappy';
 * ```
 */
export type ParquetCompression = 'snappy' | 'zstd' | 'none';

const CODECS: Record<ParquetCompression, Compression> = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  none: Compression.UNCOMPRESSED,
};

/** Options of {@link encodeParquet}. */
export interface EncodeOptions {
  readonly compression?: ParquetCompression;
  /** Rows per row group (default 1,048,576: one group for a day of minute bars). */
  readonly rowGroupSize?: number;
  /** Key/value pairs stored in the file footer (their order in the file is not stable: more than one entry makes the bytes vary). */
  readonly metadata?: ReadonlyMap<string, string>;
}

/**
 * Encodes an Arrow table as Parquet bytes (SNAPPY by default).
 *
 * @example
 * ```ts
 * const bytes = encodeParquet(recordsToTable(rawDatasetSpecs.stocks, bars), { compression: 'zstd' });
 * ```
 */
export function encodeParquet(table: Table, opts: EncodeOptions = {}): Uint8Array {
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[opts.compression ?? 'snappy'])
    .setMaxRowGroupSize(opts.rowGroupSize ?? 1 << 20)
    .setCreatedBy('spyglass');
  if (opts.metadata && opts.metadata.size > 0) builder = builder.setKeyValueMetadata(new Map(opts.metadata));
  // writeParquet takes ownership of the wasm table (and frees it).
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), builder.build());
}

function corrupt(file: string, cause: unknown): SpyglassError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SpyglassError('CORRUPT_FILE', `${file}: not a readable Parquet file (${why})`, { cause, details: { file } });
}

async function fileIdentity(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'STORAGE';
    throw new SpyglassError(code, `${file}: cannot open (${(cause as Error).message})`, { cause, details: { file } });
  }
}

/**
 * Runs `fn` on the opened file (footer reads only: see {@link readParquetTable} on data pages). A file-backed Blob fails if the file is replaced under it (a writer
 * renamed a new version in), which is not corruption: then the read is retried on the new file.
 */
async function withParquet<T>(file: string, fn: (pf: ParquetFile) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const before = await fileIdentity(file);
    let pf: ParquetFile | undefined;
    try {
      // A file-backed Blob: parquet-wasm fetches the footer and the requested column chunks only.
      pf = await ParquetFile.fromFile(await openAsBlob(file));
      return await fn(pf);
    } catch (cause) {
      if (attempt < 3 && (await fileIdentity(file).catch(() => before)) !== before) continue;
      throw corrupt(file, cause);
    } finally {
      pf?.free();
    }
  }
}

/** Options of {@link readParquetTable}. */
export interface ReadTableOptions {
  /** Column names to keep (projection); all when omitted. Names missing from the file are ignored. */
  readonly columns?: readonly string[];
  /** Rows per Arrow record batch (default 1,048,576). */
  readonly batchSize?: number;
}

/**
 * Reads a Parquet file (or some of its columns) into an Arrow table.
 *
 * The whole file is decoded with parquet-wasm's synchronous reader and the projection applied on
 * the Arrow side. Measured here (parquet-wasm 0.8.0): its async `ParquetFile.read({ columns })` is
 * faster for narrow projections but PANICS on a damaged data page (an uncaught wasm `unreachable`
 * and a promise that never settles), while the synchronous reader returns an error; a corrupt
 * partition must fail with `CORRUPT_FILE`, not crash the process. Partition files are one ticker-day,
 * so reading them whole is cheap, and the sync reader is also the faster one for full reads.
 *
 * @throws SpyglassError `CORRUPT_FILE` naming the file when it is truncated or damaged, `NOT_FOUND`
 *   when it does not exist.
 * @example
 * ```ts
 * const t = await readParquetTable('data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', { columns: ['timestamp', 'close'] });
 * ```
 */
export async function readParquetTable(file: string, opts: ReadTableOptions = {}): Promise<Table> {
  let bytes: Uint8Array;
  try {
    // One open file descriptor: a writer renaming a new version in meanwhile does not affect it.
    bytes = await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'STORAGE';
    throw new SpyglassError(code, `${file}: cannot read (${(cause as Error).message})`, { cause, details: { file } });
  }
  let table: Table;
  try {
    // intoIPCStream consumes the wasm table, releasing its memory.
    table = tableFromIPC(readParquet(bytes, { batchSize: opts.batchSize ?? 1 << 20 }).intoIPCStream());
  } catch (cause) {
    throw corrupt(file, cause);
  }
  if (!opts.columns) return table;
  const present = new Set(table.schema.fields.map((f) => f.name));
  return table.select(opts.columns.filter((c) => present.has(c)));
}

/**
 * One column of a Parquet file's schema, with its spyglass type name.
 *
 * @example
 * ```ts
 * const c: ParquetColumnInfo = { name: 'close', type: 'float64', nullable: false };
 * ```
 */
export interface ParquetColumnInfo {
  readonly name: string;
  /** A {@link ColumnType} name, or Arrow's name for types spyglass does not write (e.g. `Float32`). */
  readonly type: string;
  readonly nullable: boolean;
}

/**
 * What a Parquet footer says about a file, without reading any data page.
 *
 * @example
 * ```ts
 * const info = await readParquetInfo(file);
 * console.log(info.rows, info.uncompressedBytes / info.compressedBytes);
 * ```
 */
export interface ParquetInfo {
  readonly columns: readonly ParquetColumnInfo[];
  readonly rows: number;
  readonly rowGroups: number;
  /** Sum of the column chunks' uncompressed sizes. */
  readonly uncompressedBytes: number;
  /** Sum of the column chunks' compressed sizes. */
  readonly compressedBytes: number;
  readonly metadata: ReadonlyMap<string, string>;
}

/**
 * Reads schema and sizes from a Parquet file's footer only (no data read): used by the schema drift
 * monitor and the space report.
 *
 * @throws SpyglassError `CORRUPT_FILE` naming the file.
 * @example
 * ```ts
 * const { columns } = await readParquetInfo('data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet');
 * ```
 */
export async function readParquetInfo(file: string): Promise<ParquetInfo> {
  return withParquet(file, async (pf) => {
    const schema = tableFromIPC(pf.schema().intoIPCStream()).schema;
    const md = pf.metadata();
    let uncompressedBytes = 0;
    let compressedBytes = 0;
    for (const rg of md.rowGroups()) {
      for (const c of rg.columns()) {
        uncompressedBytes += c.uncompressedSize();
        compressedBytes += c.compressedSize();
      }
    }
    const fmd = md.fileMetadata();
    const kv = new Map<string, string>();
    for (const [k, v] of fmd.keyValueMetadata()) if (k !== 'ARROW:schema') kv.set(String(k), String(v));
    const info: ParquetInfo = {
      columns: schema.fields.map((f) => ({ name: f.name, type: columnTypeOfArrow(f.type), nullable: f.nullable })),
      rows: fmd.numRows(),
      rowGroups: md.numRowGroups(),
      uncompressedBytes,
      compressedBytes,
      metadata: kv,
    };
    return info;
  });
}
