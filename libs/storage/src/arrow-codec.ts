import {
  Bool, DataType, Field, Float64, Int, Int32, Int64, List, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Type, Utf8,
  makeData, type Data,
} from 'apache-arrow';
import { SpyglassError } from '@spyglass/core';
import type { ColumnSpec, ColumnType, DatasetSpec } from './dataset-spec.js';

const TWO_32 = 4_294_967_296;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The Arrow type a column is written as. `json` is text in the file. */
export function arrowTypeOf(type: ColumnType): DataType {
  switch (type) {
    case 'float64': return new Float64();
    case 'int64': return new Int64();
    case 'int32': return new Int32();
    case 'utf8':
    case 'json': return new Utf8();
    case 'bool': return new Bool();
    case 'timestamp_ms': return new TimestampMillisecond('UTC');
    case 'utf8_list': return new List(new Field('item', new Utf8(), false));
  }
}

/**
 * The {@link ColumnType} name of an Arrow type as read back from a file, or Arrow's own name for
 * types spyglass never writes (so drift reports show what is actually there). `json` reads as `utf8`.
 */
export function columnTypeOfArrow(t: DataType): string {
  switch (t.typeId) {
    case Type.Float: return (t as Float64).precision === 2 ? 'float64' : String(t);
    case Type.Int: {
      const i = t as Int;
      if (i.isSigned && i.bitWidth === 64) return 'int64';
      if (i.isSigned && i.bitWidth === 32) return 'int32';
      return String(t);
    }
    case Type.Utf8:
    case Type.LargeUtf8: return 'utf8';
    case Type.Bool: return 'bool';
    case Type.Timestamp: return (t as TimestampMillisecond).unit === 1 ? 'timestamp_ms' : String(t);
    case Type.List: return (t as List).valueType.typeId === Type.Utf8 ? 'utf8_list' : String(t);
    default: return String(t);
  }
}

/** The physical type name a spec column reads back as (see {@link columnTypeOfArrow}). */
export function physicalTypeOf(type: ColumnType): string {
  return type === 'json' ? 'utf8' : type;
}

function badValue(spec: DatasetSpec, col: ColumnSpec, row: number, value: unknown, why: string): SpyglassError {
  return new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': row ${row}, column '${col.name}' (field '${col.field}'): ${why}, got ${JSON.stringify(value) ?? String(value)}`, {
    details: { dataset: spec.name, column: col.name, field: col.field, row },
  });
}

/** Grows a byte buffer as strings are appended, with an ASCII fast path (tickers, ids, URLs). */
class Utf8Builder {
  bytes: Uint8Array;
  pos = 0;
  readonly offsets: Int32Array;
  private prev: string | undefined;
  private prevStart = 0;

  constructor(count: number, guess: number) {
    this.offsets = new Int32Array(count + 1);
    this.bytes = new Uint8Array(Math.max(64, guess));
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + extra));
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  /** Appends string `s` as entry `i` (entries must be appended in order). */
  push(i: number, s: string): void {
    const start = this.pos;
    if (s === this.prev) {
      // Repeated values (a partition's ticker) copy the previous bytes instead of re-encoding.
      const len = start - this.prevStart;
      this.ensure(len);
      this.bytes.copyWithin(start, this.prevStart, start);
      this.prevStart = start;
      this.pos = start + len;
    } else {
      const n = s.length;
      this.ensure(n * 3);
      const b = this.bytes;
      let j = 0;
      for (; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c > 127) break;
        b[start + j] = c;
      }
      this.pos = j === n ? start + n : start + encoder.encodeInto(s, b.subarray(start)).written;
      this.prev = s;
      this.prevStart = start;
    }
    this.offsets[i + 1] = this.pos;
  }

  /** Marks entry `i` empty (a null). */
  skip(i: number): void {
    this.offsets[i + 1] = this.pos;
  }

  data(length: number, nullBitmap?: Uint8Array, nullCount = 0): Data<Utf8> {
    return makeData({ type: new Utf8(), length, valueOffsets: this.offsets, data: this.bytes.subarray(0, this.pos), nullBitmap, nullCount });
  }
}

function newValidity(n: number): Uint8Array {
  return new Uint8Array((n + 7) >> 3).fill(0xff);
}

function encodeColumn(spec: DatasetSpec, col: ColumnSpec, rows: readonly object[]): Data {
  const n = rows.length;
  const field = col.field;
  let validity: Uint8Array | undefined;
  let nulls = 0;
  const isNull = (i: number, v: unknown): boolean => {
    if (v !== null && v !== undefined) return false;
    if (!col.nullable) throw badValue(spec, col, i, v, 'value is required');
    validity ??= newValidity(n);
    validity[i >> 3] &= ~(1 << (i & 7));
    nulls++;
    return true;
  };
  const value = (i: number): unknown => (rows[i] as Record<string, unknown>)[field];
  switch (col.type) {
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (typeof v === 'number') out[i] = v;
        else if (!isNull(i, v)) throw badValue(spec, col, i, v, 'expected a number');
      }
      return makeData({ type: new Float64(), length: n, data: out, nullBitmap: validity, nullCount: nulls });
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (typeof v === 'number' && (v | 0) === v) out[i] = v;
        else if (!isNull(i, v)) throw badValue(spec, col, i, v, 'expected a 32-bit integer');
      }
      return makeData({ type: new Int32(), length: n, data: out, nullBitmap: validity, nullCount: nulls });
    }
    case 'int64':
    case 'timestamp_ms': {
      // Written as little-endian (lo, hi) int32 pairs: far faster than BigInt() per value.
      const words = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (typeof v === 'number' && Number.isSafeInteger(v)) {
          const hi = Math.floor(v / TWO_32);
          words[2 * i] = (v - hi * TWO_32) | 0;
          words[2 * i + 1] = hi;
        } else if (!isNull(i, v)) throw badValue(spec, col, i, v, 'expected a safe integer');
      }
      const data = new BigInt64Array(words.buffer);
      return col.type === 'int64'
        ? makeData({ type: new Int64(), length: n, data, nullBitmap: validity, nullCount: nulls })
        : makeData({ type: new TimestampMillisecond('UTC'), length: n, data, nullBitmap: validity, nullCount: nulls });
    }
    case 'bool': {
      const out = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (v === true) out[i >> 3] |= 1 << (i & 7);
        else if (v !== false && !isNull(i, v)) throw badValue(spec, col, i, v, 'expected a boolean');
      }
      return makeData({ type: new Bool(), length: n, data: out, nullBitmap: validity, nullCount: nulls });
    }
    case 'utf8':
    case 'json': {
      const b = new Utf8Builder(n, n * 8);
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (col.type === 'json' && v !== null && v !== undefined) b.push(i, JSON.stringify(v));
        else if (typeof v === 'string') b.push(i, v);
        else if (isNull(i, v)) b.skip(i);
        else throw badValue(spec, col, i, v, 'expected a string');
      }
      return b.data(n, validity, nulls);
    }
    case 'utf8_list': {
      const offsets = new Int32Array(n + 1);
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const v = value(i);
        if (Array.isArray(v)) {
          for (const s of v) {
            if (typeof s !== 'string') throw badValue(spec, col, i, v, 'expected an array of strings');
            items.push(s);
          }
        } else if (!isNull(i, v)) throw badValue(spec, col, i, v, 'expected an array of strings');
        offsets[i + 1] = items.length;
      }
      const child = new Utf8Builder(items.length, items.length * 8);
      items.forEach((s, j) => child.push(j, s));
      const type = arrowTypeOf('utf8_list') as List<Utf8>;
      return makeData({ type, length: n, valueOffsets: offsets, child: child.data(items.length), nullBitmap: validity, nullCount: nulls });
    }
  }
}

/**
 * Builds an Arrow table from records, column by column into typed arrays (no per-value Arrow builders).
 *
 * @throws SpyglassError `INVALID_ARGUMENT` naming the row, column and value that does not fit.
 */
export function recordsToTable(spec: DatasetSpec, rows: readonly object[]): Table {
  const fields = spec.columns.map((c) => new Field(c.name, arrowTypeOf(c.type), c.nullable === true));
  const children = spec.columns.map((c) => encodeColumn(spec, c, rows));
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: rows.length, children, nullCount: 0 });
  return new Table([new RecordBatch(schema, struct)]);
}

type Getter = (i: number) => unknown;

function validityGetter(data: Data, get: Getter): Getter {
  if (!data.nullBitmap || data.nullCount === 0) return get;
  const bits = data.nullBitmap;
  const off = data.offset;
  return (i) => ((bits[(i + off) >> 3] >> ((i + off) & 7)) & 1 ? get(i) : null);
}

function stringsGetter(data: Data): Getter {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const off = data.offset;
  let prev: string | undefined;
  let prevStart = -1;
  let prevEnd = -1;
  return (i) => {
    const s = offsets[i + off];
    const e = offsets[i + off + 1];
    if (prev !== undefined && e - s === prevEnd - prevStart) {
      // Runs of the same value (ticker, publisher) reuse the previous string instead of decoding.
      let same = true;
      for (let k = 0; k < e - s; k++) if (bytes[s + k] !== bytes[prevStart + k]) { same = false; break; }
      if (same) return prev;
    }
    let str = '';
    let ascii = e - s <= 64;
    if (ascii) {
      for (let k = s; k < e; k++) {
        const c = bytes[k];
        if (c > 127) { ascii = false; break; }
        str += String.fromCharCode(c);
      }
    }
    if (!ascii) str = decoder.decode(bytes.subarray(s, e));
    prev = str;
    prevStart = s;
    prevEnd = e;
    return str;
  };
}

function columnGetter(col: ColumnSpec, data: Data): Getter {
  const off = data.offset;
  switch (col.type) {
    case 'float64':
    case 'int32': {
      const v = data.values as Float64Array | Int32Array;
      return validityGetter(data, (i) => v[i + off]);
    }
    case 'int64':
    case 'timestamp_ms': {
      const v = data.values as BigInt64Array;
      const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      return validityGetter(data, (i) => w[2 * (i + off) + 1] * TWO_32 + (w[2 * (i + off)] >>> 0));
    }
    case 'bool': {
      const v = data.values as Uint8Array;
      return validityGetter(data, (i) => ((v[(i + off) >> 3] >> ((i + off) & 7)) & 1) === 1);
    }
    case 'utf8':
      return validityGetter(data, stringsGetter(data));
    case 'json': {
      const get = stringsGetter(data);
      return validityGetter(data, (i) => JSON.parse(get(i) as string));
    }
    case 'utf8_list': {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0];
      const get = stringsGetter(child);
      return validityGetter(data, (i) => {
        const out: string[] = [];
        for (let k = offsets[i + off]; k < offsets[i + off + 1]; k++) out.push(get(k) as string);
        return out;
      });
    }
  }
}

/**
 * Converts one record batch to records, for the given columns (all present in the batch). Columns a
 * batch lacks (files written before a column was added) become `null` when the column is nullable.
 */
export function batchToRecords<R>(columns: readonly ColumnSpec[], batch: RecordBatch): R[] {
  const n = batch.numRows;
  const getters: Array<[string, Getter]> = [];
  for (const c of columns) {
    const child = batch.getChild(c.name);
    getters.push([c.field, child ? columnGetter(c, child.data[0]) : () => null]);
  }
  const out = new Array<R>(n);
  const m = getters.length;
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = {};
    for (let k = 0; k < m; k++) r[getters[k][0]] = getters[k][1](i);
    out[i] = r as R;
  }
  return out;
}
