// Parquet writer for flat tables of the column types spyglass's bar and feature datasets use
// (float64, int32, int64, timestamp_ms, utf8; nullable or not), straight from the Arrow arrays'
// typed memory to the file's bytes. parquet-wasm (arrow-rs) needed the table copied to IPC, into
// wasm memory and back, and spent as long again in its encoder: measured here, 2.2-2.7× DuckDB's
// time for a 1 M-row file. Other tables (lists, booleans, slices, several batches) still go through
// parquet-wasm.
//
// The format is what readers agree on: format version 1 data pages, SNAPPY, one row group per
// `rowGroupSize` rows and one data page per column chunk; dictionary encoding (PLAIN dictionary page,
// RLE/bit-packed indices) where a column has few distinct values, PLAIN otherwise; definition levels
// for nullable columns; column statistics (null count, min/max) and the `ARROW:schema` parquet-wasm
// embeds, so every reader gets the same Arrow types back (timestamps in UTC ms).
import { Type, tableToIPC, type Data, type Table } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { summarizeFooter } from './parquet-footer-summary.js';
import { snappyCompress } from './snappy-compress.js';
import { ByteBuffer } from './byte-buffer.js';
import { CompactWriter, TC_STRUCT } from './thrift-compact-writer.js';

// Parquet enums (parquet.thrift).
const PT_INT32 = 1;
const PT_INT64 = 2;
const PT_DOUBLE = 5;
const PT_BYTE_ARRAY = 6;
const ENC_PLAIN = 0;
const ENC_RLE = 3;
const ENC_RLE_DICTIONARY = 8;
const CODEC_UNCOMPRESSED = 0;
const CODEC_SNAPPY = 1;
const PAGE_DATA = 0;
const PAGE_DICTIONARY = 2;
const CT_UTF8 = 0;
const CT_TIMESTAMP_MILLIS = 9;

/** Above this many distinct values a column is written PLAIN (arrow-rs' 1 MiB dictionary page holds 2^17 doubles). */
const MAX_DICTIONARY = 1 << 17;

type Kind = 'float64' | 'int32' | 'int64' | 'timestamp_ms' | 'utf8';

interface ColumnPlan {
  readonly name: string;
  readonly kind: Kind;
  readonly nullable: boolean;
  readonly data: Data;
}

/** Options of {@link encodeParquetDirect}. */
export interface DirectEncodeOptions {
  readonly compression: 'snappy' | 'none';
  readonly rowGroupSize: number;
  readonly metadata?: ReadonlyMap<string, string>;
  readonly createdBy?: string;
}

function kindOf(data: Data): Kind | undefined {
  const t = data.type as { typeId: Type; precision?: number; bitWidth?: number; isSigned?: boolean; unit?: number; timezone?: string | null };
  switch (t.typeId) {
    case Type.Float: return t.precision === 2 ? 'float64' : undefined;
    case Type.Int: return t.isSigned && t.bitWidth === 32 ? 'int32' : t.isSigned && t.bitWidth === 64 ? 'int64' : undefined;
    // Only UTC timestamps: a zone-less one would need isAdjustedToUTC=false.
    case Type.Timestamp: return t.unit === 1 && t.timezone === 'UTC' ? 'timestamp_ms' : undefined;
    case Type.Utf8: return 'utf8';
    default: return undefined;
  }
}

/** The columns of `table` when the direct encoder can write it whole; undefined otherwise. */
function planOf(table: Table): ColumnPlan[] | undefined {
  if (table.batches.length !== 1 || table.numRows === 0) return undefined;
  const batch = table.batches[0]!;
  const plans: ColumnPlan[] = [];
  for (let k = 0; k < table.schema.fields.length; k++) {
    const field = table.schema.fields[k]!;
    const data = batch.data.children[k];
    if (!data || data.offset !== 0 || data.length !== table.numRows) return undefined;
    const kind = kindOf(data);
    if (!kind) return undefined;
    plans.push({ name: field.name, kind, nullable: field.nullable, data });
  }
  return plans;
}

// The Arrow schema parquet-wasm embeds (`ARROW:schema`), taken from a zero-row file it writes, once
// per distinct schema: readers restore the exact Arrow types (UTC zone, nullability) from it.
const arrowSchemas = new Map<string, string>();

function arrowSchemaOf(table: Table): string {
  const key = table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`).join('|');
  let s = arrowSchemas.get(key);
  if (s === undefined) {
    const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table.slice(0, 0), 'stream')), new WriterPropertiesBuilder().setCompression(Compression.UNCOMPRESSED).build());
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const len = view.getUint32(bytes.length - 8, true);
    s = summarizeFooter(bytes.subarray(bytes.length - 8 - len, bytes.length - 8)).metadata.get('ARROW:schema') ?? '';
    if (arrowSchemas.size >= 256) arrowSchemas.clear();
    arrowSchemas.set(key, s);
  }
  return s;
}

/** Bits needed for dictionary indices below `n` (at least 1). */
function bitWidthOf(n: number): number {
  let w = 1;
  while (1 << w < n) w++;
  return w;
}

/** Values [from, to) of `idx` as one bit-packed run (padded with zeros to a multiple of 8). */
function bitPackedRun(out: ByteBuffer, idx: Int32Array, from: number, to: number, width: number): void {
  const groups = Math.ceil((to - from) / 8);
  out.varint((groups << 1) | 1);
  const bytes = groups * width;
  out.ensure(bytes + 4);
  const b = out.buf;
  const base = out.pos;
  b.fill(0, base, base + bytes + 4);
  let bit = 0;
  for (let i = from; i < to; i++, bit += width) {
    // width <= 17, so a value shifted by up to 7 bits fits in 24 bits: three bytes.
    const x = idx[i]! << (bit & 7);
    const at = base + (bit >>> 3);
    b[at] |= x & 0xff;
    b[at + 1] |= (x >>> 8) & 0xff;
    b[at + 2] |= x >>> 16;
  }
  out.pos = base + bytes;
}

/** Dictionary indices in the RLE/bit-packed hybrid: long runs as RLE, the rest bit-packed. */
function encodeIndices(out: ByteBuffer, idx: Int32Array, count: number, width: number): void {
  const valueBytes = (width + 7) >> 3;
  let litStart = 0;
  let i = 0;
  while (i < count) {
    const v = idx[i]!;
    let j = i + 1;
    while (j < count && idx[j] === v) j++;
    if (j - i >= 16) {
      // A bit-packed run holds a multiple of 8 values: the run's first values complete it.
      const pad = (8 - ((i - litStart) & 7)) & 7;
      if (i + pad > litStart) bitPackedRun(out, idx, litStart, i + pad, width);
      out.varint((j - i - pad) << 1);
      for (let k = 0; k < valueBytes; k++) out.byte((v >>> (8 * k)) & 0xff);
      litStart = j;
    }
    i = j;
  }
  if (litStart < count) bitPackedRun(out, idx, litStart, count, width);
}

/** Definition levels (max level 1) of a V1 data page: a 4-byte length, then the hybrid encoding. */
function encodeDefLevels(out: ByteBuffer, data: Data, from: number, to: number, nulls: number): void {
  const n = to - from;
  const lenAt = out.pos;
  out.u32(0);
  const start = out.pos;
  if (nulls === 0 || !data.nullBitmap) {
    out.varint(n << 1);
    out.byte(1);
  } else {
    // Arrow's validity bitmap is LSB-first, which is exactly a bit-packed run of 1-bit levels.
    const groups = Math.ceil(n / 8);
    out.varint((groups << 1) | 1);
    const bits = data.nullBitmap;
    if ((from & 7) === 0) out.append(bits.subarray(from >> 3, (from >> 3) + groups));
    else {
      out.ensure(groups);
      const b = out.buf;
      b.fill(0, out.pos, out.pos + groups);
      for (let i = 0; i < n; i++) if ((bits[(from + i) >> 3] >> ((from + i) & 7)) & 1) b[out.pos + (i >> 3)] |= 1 << (i & 7);
      out.pos += groups;
    }
  }
  const len = out.pos - start;
  out.buf[lenAt] = len & 0xff;
  out.buf[lenAt + 1] = (len >>> 8) & 0xff;
  out.buf[lenAt + 2] = (len >>> 16) & 0xff;
  out.buf[lenAt + 3] = len >>> 24;
}

/** The non-null rows' indices of `data` in [from, to), or undefined when all are present. */
function presentRows(data: Data, from: number, to: number): Int32Array | undefined {
  if (data.nullCount === 0 || !data.nullBitmap) return undefined;
  const bits = data.nullBitmap;
  const out = new Int32Array(to - from);
  let k = 0;
  for (let i = from; i < to; i++) if ((bits[i >> 3] >> (i & 7)) & 1) out[k++] = i;
  return out.subarray(0, k);
}

interface Stats {
  readonly min?: Uint8Array;
  readonly max?: Uint8Array;
  readonly nullCount: number;
}

interface EncodedColumn {
  /** Dictionary page body (uncompressed) and its entry count, when dictionary-encoded. */
  readonly dictionary?: { readonly body: Uint8Array; readonly count: number };
  readonly body: Uint8Array;
  readonly physical: number;
  readonly stats: Stats;
}

const f64Scratch = new Float64Array(1);
const f64Bytes = new Uint8Array(f64Scratch.buffer);

function doubleBytes(v: number): Uint8Array {
  f64Scratch[0] = v;
  return f64Bytes.slice();
}

/**
 * Fixed-width values (float64, int32, int64 as 32-bit word pairs) of rows [from, to): dictionary
 * encoded when there are few distinct bit patterns, else PLAIN. `words` is 1 (int32) or 2.
 */
function encodeFixed(words32: Int32Array, words: 1 | 2, rows: Int32Array | undefined, from: number, to: number): { dict?: { body: Uint8Array; count: number; values: Int32Array }; indices?: Int32Array; plain?: Int32Array } {
  // The present values' words, contiguous (a view when there are no nulls).
  let src: Int32Array;
  if (!rows) src = words32.subarray(from * words, to * words);
  else {
    src = new Int32Array(rows.length * words);
    if (words === 1) for (let k = 0; k < rows.length; k++) src[k] = words32[rows[k]!]!;
    else
      for (let k = 0; k < rows.length; k++) {
        src[2 * k] = words32[2 * rows[k]!]!;
        src[2 * k + 1] = words32[2 * rows[k]! + 1]!;
      }
  }
  const count = src.length / words;
  const cap = Math.min(MAX_DICTIONARY, count >> 1);
  if (cap >= 1) {
    const built = words === 2 ? dictionary64(src, count, cap) : dictionary32(src, count, cap);
    if (built) return built;
  }
  return { plain: src };
}

function slotsFor(cap: number): Int32Array {
  let size = 16;
  while (size < cap * 2) size <<= 1;
  return new Int32Array(size);
}

/** Dictionary of word pairs; undefined when more than `cap` are distinct. */
function dictionary64(src: Int32Array, count: number, cap: number): { dict: { body: Uint8Array; count: number; values: Int32Array }; indices: Int32Array } | undefined {
  const slots = slotsFor(cap);
  const mask = slots.length - 1;
  const dict = new Int32Array(cap * 2);
  const indices = new Int32Array(count);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const lo = src[2 * k]!;
    const hi = src[2 * k + 1]!;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const s = slots[h]!;
      if (s === 0) {
        if (n === cap) return undefined;
        dict[2 * n] = lo;
        dict[2 * n + 1] = hi;
        slots[h] = ++n;
        indices[k] = n - 1;
        break;
      }
      if (dict[2 * s - 2] === lo && dict[2 * s - 1] === hi) {
        indices[k] = s - 1;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  const values = dict.subarray(0, 2 * n);
  return { dict: { body: new Uint8Array(values.buffer, values.byteOffset, values.byteLength), count: n, values }, indices };
}

/** Dictionary of 32-bit words; undefined when more than `cap` are distinct. */
function dictionary32(src: Int32Array, count: number, cap: number): { dict: { body: Uint8Array; count: number; values: Int32Array }; indices: Int32Array } | undefined {
  const slots = slotsFor(cap);
  const mask = slots.length - 1;
  const dict = new Int32Array(cap);
  const indices = new Int32Array(count);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const v = src[k]!;
    let h = Math.imul(v, 0x9e3779b1);
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const s = slots[h]!;
      if (s === 0) {
        if (n === cap) return undefined;
        dict[n] = v;
        slots[h] = ++n;
        indices[k] = n - 1;
        break;
      }
      if (dict[s - 1] === v) {
        indices[k] = s - 1;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  const values = dict.subarray(0, n);
  return { dict: { body: new Uint8Array(values.buffer, values.byteOffset, values.byteLength), count: n, values }, indices };
}

/** min/max of float64 values held as word pairs (NaN skipped; zero as -0 for min, +0 for max, as the spec asks). */
function doubleStats(v: Int32Array): { min?: Uint8Array; max?: Uint8Array } {
  const f = new Float64Array(v.buffer, v.byteOffset, v.length >> 1);
  let min = Infinity;
  let max = -Infinity;
  let any = false;
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    if (x !== x) continue;
    any = true;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (!any) return {};
  return { min: doubleBytes(min === 0 ? -0 : min), max: doubleBytes(max === 0 ? 0 : max) };
}

function int64Stats(v: Int32Array): { min: Uint8Array; max: Uint8Array } | Record<string, never> {
  if (v.length === 0) return {};
  let minI = 0;
  let maxI = 0;
  for (let i = 1; i < v.length >> 1; i++) {
    const hi = v[2 * i + 1]!;
    const lo = v[2 * i]! >>> 0;
    const mh = v[2 * minI + 1]!;
    if (hi < mh || (hi === mh && lo < v[2 * minI]! >>> 0)) minI = i;
    const xh = v[2 * maxI + 1]!;
    if (hi > xh || (hi === xh && lo > v[2 * maxI]! >>> 0)) maxI = i;
  }
  const bytes = (i: number) => new Uint8Array(new Int32Array([v[2 * i]!, v[2 * i + 1]!]).buffer);
  return { min: bytes(minI), max: bytes(maxI) };
}

function int32Stats(v: Int32Array): { min: Uint8Array; max: Uint8Array } | Record<string, never> {
  if (v.length === 0) return {};
  let min = v[0]!;
  let max = v[0]!;
  for (let i = 1; i < v.length; i++) {
    const x = v[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min: new Uint8Array(new Int32Array([min]).buffer), max: new Uint8Array(new Int32Array([max]).buffer) };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function encodeColumn(plan: ColumnPlan, from: number, to: number): EncodedColumn {
  const { data } = plan;
  const n = to - from;
  const rows = presentRows(data, from, to);
  const present = rows ? rows.length : n;
  const nullCount = n - present;
  const body = new ByteBuffer(64 + n);
  if (plan.nullable) encodeDefLevels(body, data, from, to, nullCount);
  if (plan.kind === 'utf8') return encodeStrings(plan, body, rows, from, to, nullCount);
  const values = data.values as Float64Array | Int32Array | BigInt64Array;
  const words = plan.kind === 'int32' ? 1 : 2;
  const words32 = new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
  const enc = encodeFixed(words32, words, rows, from, to);
  const statsOf = (v: Int32Array) => (plan.kind === 'float64' ? doubleStats(v) : plan.kind === 'int32' ? int32Stats(v) : int64Stats(v));
  const physical = plan.kind === 'float64' ? PT_DOUBLE : plan.kind === 'int32' ? PT_INT32 : PT_INT64;
  if (enc.dict) {
    const width = bitWidthOf(enc.dict.count);
    body.byte(width);
    encodeIndices(body, enc.indices!, present, width);
    return { dictionary: { body: enc.dict.body, count: enc.dict.count }, body: body.result(), physical, stats: { ...statsOf(enc.dict.values), nullCount } };
  }
  const plain = enc.plain!;
  body.append(new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength));
  return { body: body.result(), physical, stats: { ...statsOf(plain), nullCount } };
}

/** utf8 values: dictionary encoded unless most are distinct; min/max in byte order. */
function encodeStrings(plan: ColumnPlan, body: ByteBuffer, rows: Int32Array | undefined, from: number, to: number, nullCount: number): EncodedColumn {
  const offsets = plan.data.valueOffsets as Int32Array;
  const bytes = plan.data.values as Uint8Array;
  const count = rows ? rows.length : to - from;
  const row = (k: number) => (rows ? rows[k]! : from + k);
  const ids = new Map<string, number>();
  const entries: number[] = [];
  const indices = new Int32Array(count);
  const cap = Math.min(MAX_DICTIONARY, count >> 1);
  let prevStart = -1;
  let prevEnd = -1;
  let prevId = -1;
  let k = 0;
  for (; k < count; k++) {
    const r = row(k);
    const s = offsets[r]!;
    const e = offsets[r + 1]!;
    if (prevId >= 0 && e - s === prevEnd - prevStart) {
      // Runs (a partition's ticker) compare bytes with the previous value instead of hashing.
      let same = true;
      for (let i = 0; i < e - s; i++) if (bytes[s + i] !== bytes[prevStart + i]) { same = false; break; }
      if (same) {
        indices[k] = prevId;
        continue;
      }
    }
    const key = latin1(bytes, s, e);
    let id = ids.get(key);
    if (id === undefined) {
      if (ids.size >= cap) break;
      ids.set(key, (id = ids.size));
      entries.push(r);
    }
    indices[k] = prevId = id;
    prevStart = s;
    prevEnd = e;
  }
  // min/max over the distinct values (all of them when written PLAIN).
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  const consider = (r: number) => {
    const v = bytes.subarray(offsets[r]!, offsets[r + 1]!);
    if (!min || compareBytes(v, min) < 0) min = v;
    if (!max || compareBytes(v, max) > 0) max = v;
  };
  const stats = (): Stats => ({ ...(min ? { min: min.slice(), max: max!.slice() } : {}), nullCount });
  if (k === count && count > 0) {
    let dictBytes = 0;
    for (const r of entries) dictBytes += 4 + offsets[r + 1]! - offsets[r]!;
    const dict = new ByteBuffer(dictBytes);
    for (const r of entries) {
      dict.u32(offsets[r + 1]! - offsets[r]!);
      dict.append(bytes.subarray(offsets[r]!, offsets[r + 1]!));
      consider(r);
    }
    const width = bitWidthOf(entries.length);
    body.byte(width);
    encodeIndices(body, indices, count, width);
    return { dictionary: { body: dict.result(), count: entries.length }, body: body.result(), physical: PT_BYTE_ARRAY, stats: stats() };
  }
  for (let j = 0; j < count; j++) {
    const r = row(j);
    body.u32(offsets[r + 1]! - offsets[r]!);
    body.append(bytes.subarray(offsets[r]!, offsets[r + 1]!));
    consider(r);
  }
  return { body: body.result(), physical: PT_BYTE_ARRAY, stats: stats() };
}

// A Map key for a byte string: one char per byte is enough to tell values apart.
function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
  return out;
}

interface ChunkMeta {
  readonly plan: ColumnPlan;
  readonly physical: number;
  readonly encodings: readonly number[];
  readonly numValues: number;
  readonly uncompressed: number;
  readonly compressed: number;
  readonly dataPageOffset: number;
  readonly dictionaryPageOffset?: number;
  readonly stats: Stats;
}

function pageHeader(type: number, uncompressed: number, compressed: number, numValues: number, encoding: number): Uint8Array {
  const w = new CompactWriter();
  w.i32(1, type);
  w.i32(2, uncompressed);
  w.i32(3, compressed);
  if (type === PAGE_DATA) {
    w.struct(5);
    w.i32(1, numValues);
    w.i32(2, encoding);
    w.i32(3, ENC_RLE);
    w.i32(4, ENC_RLE);
    w.end();
  } else {
    w.struct(7);
    w.i32(1, numValues);
    w.i32(2, encoding);
    w.end();
  }
  w.end();
  return w.result().slice();
}

function writeSchema(w: CompactWriter, plans: readonly ColumnPlan[]): void {
  w.listHeader(2, TC_STRUCT, plans.length + 1);
  w.struct();
  w.string(4, 'arrow_schema');
  w.i32(5, plans.length);
  w.end();
  for (const p of plans) {
    w.struct();
    w.i32(1, p.kind === 'float64' ? PT_DOUBLE : p.kind === 'int32' ? PT_INT32 : p.kind === 'utf8' ? PT_BYTE_ARRAY : PT_INT64);
    w.i32(3, p.nullable ? 1 : 0);
    w.string(4, p.name);
    if (p.kind === 'utf8') {
      w.i32(6, CT_UTF8);
      w.struct(10);
      w.struct(1); // STRING
      w.end();
      w.end();
    } else if (p.kind === 'timestamp_ms') {
      w.i32(6, CT_TIMESTAMP_MILLIS);
      w.struct(10);
      w.struct(8); // TIMESTAMP
      w.bool(1, true); // isAdjustedToUTC
      w.struct(2); // unit
      w.struct(1); // MILLIS
      w.end();
      w.end();
      w.end();
      w.end();
    }
    w.end();
  }
}

function writeStats(w: CompactWriter, s: Stats, legacy: boolean): void {
  w.struct(12);
  if (legacy && s.max && s.min) {
    // The deprecated fields too, for older readers (same signed order for numbers).
    w.binary(1, s.max);
    w.binary(2, s.min);
  }
  w.i64(3, s.nullCount);
  if (s.max && s.min) {
    w.binary(5, s.max);
    w.binary(6, s.min);
  }
  w.end();
}

/**
 * Encodes `table` as Parquet bytes when every column is of a type this writer handles, else
 * returns undefined (the caller uses parquet-wasm).
 */
export function encodeParquetDirect(table: Table, opts: DirectEncodeOptions): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  const ok = encodeParquetDirectTo(table, opts, (b) => {
    parts.push(b);
    size += b.length;
  });
  if (!ok) return undefined;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Like {@link encodeParquetDirect}, but hands the file's bytes to `sink` in order as each page is
 * encoded (every chunk is a buffer of its own), so a writer can put a row group's pages on disk
 * while the next are encoded. Returns false, having called `sink` not at all, when the table is
 * not one this writer handles.
 */
export function encodeParquetDirectTo(table: Table, opts: DirectEncodeOptions, sink: (chunk: Uint8Array) => void): boolean {
  const plans = planOf(table);
  if (!plans) return false;
  const arrowSchema = arrowSchemaOf(table);
  const codec = opts.compression === 'snappy' ? CODEC_SNAPPY : CODEC_UNCOMPRESSED;
  const compress = (b: Uint8Array) => (codec === CODEC_SNAPPY ? snappyCompress(b) : b);
  let offset = 0;
  const push = (b: Uint8Array) => {
    sink(b);
    offset += b.length;
  };
  push(new Uint8Array([0x50, 0x41, 0x52, 0x31]));
  const groups: Array<{ rows: number; chunks: ChunkMeta[]; start: number }> = [];
  const n = table.numRows;
  const size = Math.max(1, opts.rowGroupSize);
  for (let from = 0; from < n; from += size) {
    const to = Math.min(n, from + size);
    const chunks: ChunkMeta[] = [];
    const start = offset;
    for (const plan of plans) {
      const enc = encodeColumn(plan, from, to);
      const chunkStart = offset;
      let uncompressed = 0;
      let dictionaryPageOffset: number | undefined;
      if (enc.dictionary) {
        dictionaryPageOffset = offset;
        const packed = compress(enc.dictionary.body);
        const header = pageHeader(PAGE_DICTIONARY, enc.dictionary.body.length, packed.length, enc.dictionary.count, ENC_PLAIN);
        push(header);
        push(packed);
        uncompressed += header.length + enc.dictionary.body.length;
      }
      const dataPageOffset = offset;
      const packed = compress(enc.body);
      const header = pageHeader(PAGE_DATA, enc.body.length, packed.length, to - from, enc.dictionary ? ENC_RLE_DICTIONARY : ENC_PLAIN);
      push(header);
      push(packed);
      uncompressed += header.length + enc.body.length;
      chunks.push({
        plan,
        physical: enc.physical,
        encodings: enc.dictionary ? [ENC_PLAIN, ENC_RLE, ENC_RLE_DICTIONARY] : [ENC_PLAIN, ENC_RLE],
        numValues: to - from,
        uncompressed,
        compressed: offset - chunkStart,
        dataPageOffset,
        ...(dictionaryPageOffset === undefined ? {} : { dictionaryPageOffset }),
        stats: enc.stats,
      });
    }
    groups.push({ rows: to - from, chunks, start });
  }

  const w = new CompactWriter();
  w.i32(1, 1);
  writeSchema(w, plans);
  w.i64(3, n);
  w.listHeader(4, TC_STRUCT, groups.length);
  groups.forEach((g, ordinal) => {
    w.struct();
    w.listHeader(1, TC_STRUCT, g.chunks.length);
    let total = 0;
    let totalCompressed = 0;
    for (const c of g.chunks) {
      total += c.uncompressed;
      totalCompressed += c.compressed;
      w.struct();
      w.i64(2, c.dictionaryPageOffset ?? c.dataPageOffset);
      w.struct(3);
      w.i32(1, c.physical);
      w.i32List(2, c.encodings as number[]);
      w.stringList(3, [c.plan.name]);
      w.i32(4, codec);
      w.i64(5, c.numValues);
      w.i64(6, c.uncompressed);
      w.i64(7, c.compressed);
      w.i64(9, c.dataPageOffset);
      if (c.dictionaryPageOffset !== undefined) w.i64(11, c.dictionaryPageOffset);
      writeStats(w, c.stats, c.plan.kind !== 'utf8');
      w.end();
      w.end();
    }
    w.i64(2, total);
    w.i64(3, g.rows);
    w.i64(5, g.start);
    w.i64(6, totalCompressed);
    w.fieldHeader(7, 4); // i16 ordinal
    w.zigzag(ordinal);
    w.end();
  });
  const kv: Array<[string, string]> = [...(opts.metadata ?? new Map<string, string>())];
  if (arrowSchema) kv.push(['ARROW:schema', arrowSchema]);
  if (kv.length > 0) {
    w.listHeader(5, TC_STRUCT, kv.length);
    for (const [k, v] of kv) {
      w.struct();
      w.string(1, k);
      w.string(2, v);
      w.end();
    }
  }
  w.string(6, opts.createdBy ?? 'spyglass');
  // Column orders: TYPE_DEFINED_ORDER for every column, so readers trust min_value/max_value.
  w.listHeader(7, TC_STRUCT, plans.length);
  for (let i = 0; i < plans.length; i++) {
    w.struct();
    w.struct(1);
    w.end();
    w.end();
  }
  w.end();
  const footerLength = w.pos;
  w.u32(footerLength);
  w.append(new Uint8Array([0x50, 0x41, 0x52, 0x31]));
  push(w.result());
  return true;
}
