import { closeSync, fstatSync, openAsBlob, openSync, readFileSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { Compression, ParquetFile, Table as WasmTable, WriterPropertiesBuilder, readParquet, writeParquet } from 'parquet-wasm';
import { SpyglassError } from '@spyglass/core';
import { columnTypeOfArrow } from './arrow-codec.js';
import { encodeParquetDirect, encodeParquetDirectTo } from './parquet-encoder.js';
import { planProjection } from './parquet-footer-projection.js';
import { summarizeFooter, type FooterSummary } from './parquet-footer-summary.js';

/**
 * Compression codec of written Parquet files.
 *
 * @example
 * ```ts
 * const c: ParquetCompression = 'snappy';
 * ```
 */
export type ParquetCompression = 'snappy' | 'zstd' | 'gzip' | 'brotli' | 'lz4' | 'none' | 'uncompressed';

const CODECS: Record<ParquetCompression, Compression> = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  gzip: Compression.GZIP,
  brotli: Compression.BROTLI,
  // LZ4 (Hadoop framing) is deprecated in the Parquet spec; LZ4_RAW is what readers agree on.
  lz4: Compression.LZ4_RAW,
  none: Compression.UNCOMPRESSED,
  uncompressed: Compression.UNCOMPRESSED,
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
  const compression = opts.compression ?? 'snappy';
  if (compression === 'snappy' || compression === 'none' || compression === 'uncompressed') {
    // Flat tables of spyglass's column types: the direct encoder (see parquet-encoder), no copies into wasm.
    const direct = encodeParquetDirect(table, {
      compression: compression === 'snappy' ? 'snappy' : 'none',
      rowGroupSize: opts.rowGroupSize ?? 1 << 20,
      ...(opts.metadata ? { metadata: opts.metadata } : {}),
    });
    if (direct) return direct;
  }
  // parquet-wasm's defaults otherwise (dictionaries, page statistics). Measured: without float
  // dictionaries a day of minute bars encodes ~40 % faster, but 2-column reads of a 1 M-row
  // multi-ticker file took 2-3x longer (prices repeat across tickers there), so they stay.
  let builder = new WriterPropertiesBuilder()
    .setCompression(CODECS[opts.compression ?? 'snappy'])
    .setMaxRowGroupSize(opts.rowGroupSize ?? 1 << 20)
    .setCreatedBy('spyglass');
  if (opts.metadata && opts.metadata.size > 0) builder = builder.setKeyValueMetadata(new Map(opts.metadata));
  // writeParquet takes ownership of the wasm table (and frees it).
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), builder.build());
}

/**
 * {@link encodeParquet} handing the bytes to `sink` as they are encoded (page by page with the direct
 * encoder, all at once through parquet-wasm), so the caller can write the file while it is encoded.
 * The bytes are exactly those encodeParquet returns.
 *
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * encodeParquetTo(recordsToTable(rawDatasetSpecs.stocks, bars), {}, (c) => chunks.push(c));
 * ```
 */
export function encodeParquetTo(table: Table, opts: EncodeOptions, sink: (chunk: Uint8Array) => void): void {
  const compression = opts.compression ?? 'snappy';
  if (compression === 'snappy' || compression === 'none' || compression === 'uncompressed') {
    const direct = encodeParquetDirectTo(
      table,
      { compression: compression === 'snappy' ? 'snappy' : 'none', rowGroupSize: opts.rowGroupSize ?? 1 << 20, ...(opts.metadata ? { metadata: opts.metadata } : {}) },
      sink,
    );
    if (direct) return;
  }
  sink(encodeParquet(table, opts));
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
 * Uses parquet-wasm's synchronous reader on the file's bytes. Measured here (parquet-wasm 0.8.0):
 * the async `ParquetFile.read({ columns })` PANICS on a damaged data page (an uncaught wasm
 * `unreachable` and a promise that never settles) where the synchronous reader returns an error,
 * and a corrupt partition must fail with `CORRUPT_FILE`, not crash the process; the synchronous
 * reader is also the faster one for full reads. It ignores `columns`, so a projection hands it the
 * file with a rewritten footer that lists only the wanted columns (see parquet-footer-projection).
 *
 * @throws SpyglassError `CORRUPT_FILE` naming the file when it is truncated or damaged, `NOT_FOUND`
 *   when it does not exist.
 * @example
 * ```ts
 * const t = await readParquetTable('data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', { columns: ['timestamp', 'close'] });
 * ```
 */
export async function readParquetTable(file: string, opts: ReadTableOptions = {}): Promise<Table> {
  // Synchronous file calls: partition files are small and in the page cache, and a thread-pool
  // round trip per call cost more than the read itself over thousands of partitions. One
  // descriptor throughout, so a writer renaming a new version in meanwhile does not affect it.
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'STORAGE';
    throw new SpyglassError(code, `${file}: cannot read (${(cause as Error).message})`, { cause, details: { file } });
  }
  let bytes: Uint8Array;
  try {
    if (opts.columns) {
      let projected: Uint8Array | undefined;
      try {
        projected = readProjected(fd, opts.columns);
      } catch {
        projected = undefined;
      }
      if (projected) {
        try {
          return selectPresent(tableFromIPC(readParquet(projected, { batchSize: opts.batchSize ?? 1 << 20 }).intoIPCStream()), opts.columns);
        } catch {
          // Decide on the full file below: it is either corrupt (CORRUPT_FILE) or readable.
        }
      }
    }
    bytes = readFileSync(fd);
  } catch (cause) {
    throw new SpyglassError('STORAGE', `${file}: cannot read (${(cause as Error).message})`, { cause, details: { file } });
  } finally {
    closeSync(fd);
  }
  const decode = (b: Uint8Array) => tableFromIPC(readParquet(b, { batchSize: opts.batchSize ?? 1 << 20 }).intoIPCStream());
  let table: Table;
  try {
    // intoIPCStream consumes the wasm table, releasing its memory.
    table = decode(bytes);
  } catch (cause) {
    throw corrupt(file, cause);
  }
  return opts.columns ? selectPresent(table, opts.columns) : table;
}

/**
 * The bytes the reader needs for a projection: the kept column chunks at their original offsets
 * (the rest of the buffer is never looked at) and a footer listing only them. Undefined when the
 * projection keeps every column; throws on a footer it cannot parse.
 */
function readProjected(fd: number, columns: readonly string[]): Uint8Array | undefined {
  const { size } = fstatSync(fd);
  if (size < 12) throw new Error('too small');
  const tail = Buffer.alloc(8);
  readExactly(fd, tail, 0, 8, size - 8);
  if (tail.toString('latin1', 4) !== 'PAR1') throw new Error('no magic');
  const footerLen = tail.readUInt32LE(0);
  const footerStart = size - 8 - footerLen;
  if (footerStart < 4) throw new Error('bad footer length');
  const footer = Buffer.alloc(footerLen);
  readExactly(fd, footer, 0, footerLen, footerStart);
  const plan = planProjection(footer, columns);
  if (!plan) return undefined;
  // Not zero-filled: only the ranges read below are ever referenced by the new footer.
  const out = Buffer.allocUnsafe(footerStart + plan.footer.length + 8);
  for (const [start, end] of plan.ranges) {
    if (start < 4 || end > footerStart || end < start) throw new Error('column chunk outside the data region');
    readExactly(fd, out, start, end - start, start);
  }
  out.write('PAR1', 0, 'latin1');
  out.set(plan.footer, footerStart);
  out.writeUInt32LE(plan.footer.length, footerStart + plan.footer.length);
  out.write('PAR1', footerStart + plan.footer.length + 4, 'latin1');
  return out;
}

function readExactly(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) throw new Error('file ends early');
    done += n;
  }
}

function selectPresent(table: Table, columns: readonly string[]): Table {
  const present = new Set(table.schema.fields.map((f) => f.name));
  return table.select(columns.filter((c) => present.has(c)));
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
 * monitor, the space report and the dashboard, over thousands of files. Reads the last 8 bytes
 * (footer length and magic), then the footer itself, and parses its Thrift directly; the columns
 * come from the Arrow schema the writer embedded (`ARROW:schema`). Files without one (written by
 * other tools) go through parquet-wasm.
 *
 * @throws SpyglassError `CORRUPT_FILE` naming the file, `NOT_FOUND` when it does not exist.
 * @example
 * ```ts
 * const { columns } = await readParquetInfo('data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet');
 * ```
 */
export async function readParquetInfo(file: string): Promise<ParquetInfo> {
  const footer = readFooterBytes(file);
  let summary: FooterSummary;
  try {
    summary = summarizeFooter(footer);
  } catch (cause) {
    throw corrupt(file, cause);
  }
  const arrowSchema = summary.metadata.get('ARROW:schema');
  let columns = arrowSchema === undefined ? undefined : columnsOfArrowSchema(arrowSchema);
  if (!columns) {
    // No usable Arrow schema (files of other writers): parquet-wasm maps the Parquet schema, once
    // per distinct schema; the sizes still come from the footer read above.
    const key = `parquet:${summary.schemaKey}`;
    columns = schemaColumns.get(key);
    if (!columns) {
      const info = await readParquetInfoWasm(file);
      rememberColumns(key, info.columns);
      return info;
    }
  }
  const metadata = new Map(summary.metadata);
  metadata.delete('ARROW:schema');
  return { columns, rows: summary.rows, rowGroups: summary.rowGroups, uncompressedBytes: summary.uncompressedBytes, compressedBytes: summary.compressedBytes, metadata };
}

/** The FileMetaData bytes of a Parquet file: two small reads at its end, on one descriptor. */
function readFooterBytes(file: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'STORAGE';
    throw new SpyglassError(code, `${file}: cannot read (${(cause as Error).message})`, { cause, details: { file } });
  }
  try {
    const { size } = fstatSync(fd);
    if (size < 12) throw corrupt(file, new Error(`${size} bytes is too small for Parquet`));
    const tail = Buffer.alloc(8);
    readExactly(fd, tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4) !== 'PAR1') throw corrupt(file, new Error('no PAR1 magic at the end'));
    const length = tail.readUInt32LE(0);
    if (length > size - 12) throw corrupt(file, new Error(`footer length ${length} exceeds the file`));
    const footer = Buffer.alloc(length);
    readExactly(fd, footer, 0, length, size - 8 - length);
    return footer;
  } catch (e) {
    if (e instanceof SpyglassError) throw e;
    throw new SpyglassError('STORAGE', `${file}: cannot read (${(e as Error).message})`, { cause: e, details: { file } });
  } finally {
    closeSync(fd);
  }
}

// Every file of a dataset embeds the same schema: decode each distinct one once (bounded, as a
// long-running dashboard meets only a handful).
const schemaColumns = new Map<string, readonly ParquetColumnInfo[] | undefined>();

function rememberColumns(key: string, columns: readonly ParquetColumnInfo[] | undefined): void {
  if (schemaColumns.size >= 256) schemaColumns.clear();
  schemaColumns.set(key, columns);
}

/** Columns of a base64 Arrow IPC schema message; undefined when it cannot be decoded. */
function columnsOfArrowSchema(base64: string): readonly ParquetColumnInfo[] | undefined {
  const key = `arrow:${base64}`;
  if (schemaColumns.has(key)) return schemaColumns.get(key);
  const columns = decodeArrowSchema(base64);
  rememberColumns(key, columns);
  return columns;
}

function decodeArrowSchema(base64: string): ParquetColumnInfo[] | undefined {
  try {
    const schema = tableFromIPC(Buffer.from(base64, 'base64')).schema;
    if (schema.fields.length === 0) return undefined;
    return schema.fields.map((f) => ({ name: f.name, type: columnTypeOfArrow(f.type), nullable: f.nullable }));
  } catch {
    return undefined;
  }
}

/** {@link readParquetInfo} through parquet-wasm: for files without an embedded Arrow schema. */
export async function readParquetInfoWasm(file: string): Promise<ParquetInfo> {
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
