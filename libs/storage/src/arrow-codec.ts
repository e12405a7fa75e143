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


type NumericKind = 'float64' | 'int32' | 'int64';
type FusedFill = (rows: readonly object[], outs: ReadonlyArray<Float64Array | Int32Array>, nulls: ReadonlyArray<number[]>) => number;
const fusedFills = new Map<string, FusedFill>();

const FILL_STEP: Record<NumericKind, (o: string, otherwise: string) => string> = {
  float64: (o, otherwise) => `if (typeof v === 'number') ${o}[i] = v; else ${otherwise}`,
  int32: (o, otherwise) => `if (typeof v === 'number' && (v | 0) === v) ${o}[i] = v; else ${otherwise}`,
  // (lo, hi) int32 words of a little-endian int64: far faster than BigInt() per value.
  int64: (o, otherwise) => `if (typeof v === 'number' && Number.isSafeInteger(v)) { const hi = Math.floor(v / 4294967296); ${o}[2 * i] = (v - hi * 4294967296) | 0; ${o}[2 * i + 1] = hi; } else ${otherwise}`,
};

function numericKind(type: ColumnType): NumericKind | undefined {
  return type === 'float64' ? 'float64' : type === 'int32' ? 'int32' : type === 'int64' || type === 'timestamp_ms' ? 'int64' : undefined;
}

/**
 * One generated loop copying every numeric field of each record straight into its typed array:
 * the property names are in the source, so loads hit inline caches (records of a dataset share a
 * shape), no boxed numbers are made, and each record is visited once (computed-key access per
 * value and column was 5–10× slower). Returns the first row it cannot take whole (a null or a bad
 * value), or -1; the general per-column loops carry on from there.
 */
function fusedFill(cols: ReadonlyArray<{ field: string; kind: NumericKind; nullable: boolean }>): FusedFill {
  const id = cols.map((c) => `${c.kind}:${c.field}:${c.nullable}`).join(',');
  let f = fusedFills.get(id);
  if (!f) {
    const decl = cols.map((_, k) => `const o${k} = outs[${k}], z${k} = nulls[${k}];`).join(' ');
    // A nullable column notes its null rows; anything else unexpected stops the loop.
    const steps = cols
      .map((c, k) => `v = r[${JSON.stringify(c.field)}]; ${FILL_STEP[c.kind](`o${k}`, c.nullable ? `if (v === null || v === undefined) z${k}.push(i); else return i;` : 'return i;')}`)
      .join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    f = new Function(`return function fill(rows, outs, nulls) { ${decl} const n = rows.length; for (let i = 0; i < n; i++) { const r = rows[i]; let v;\n${steps}\n} return -1; }`)() as FusedFill;
    fusedFills.set(id, f);
  }
  return f;
}

interface Prefilled {
  readonly out: Float64Array | Int32Array;
  /** Rows before `from` that are null. */
  readonly nulls: readonly number[];
  /** First row the fused loop did not fill. */
  readonly from: number;
}

function newValidity(n: number): Uint8Array {
  return new Uint8Array((n + 7) >> 3).fill(0xff);
}

function encodeColumn(spec: DatasetSpec, col: ColumnSpec, rows: readonly object[], pre?: Prefilled): Data {
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
  if (pre) for (const i of pre.nulls) if (i < pre.from) isNull(i, null);
  switch (col.type) {
    case 'float64': {
      const out = (pre?.out as Float64Array | undefined) ?? new Float64Array(n);
      for (let i = pre?.from ?? 0; i < n; i++) {
        const v = value(i);
        if (typeof v === 'number') out[i] = v;
        else if (!isNull(i, v)) throw badValue(spec, col, i, v, 'expected a number');
      }
      return makeData({ type: new Float64(), length: n, data: out, nullBitmap: validity, nullCount: nulls });
    }
    case 'int32': {
      const out = (pre?.out as Int32Array | undefined) ?? new Int32Array(n);
      for (let i = pre?.from ?? 0; i < n; i++) {
        const v = value(i);
        if (typeof v === 'number' && (v | 0) === v) out[i] = v;
        else if (!isNull(i, v)) throw badValue(spec, col, i, v, 'expected a 32-bit integer');
      }
      return makeData({ type: new Int32(), length: n, data: out, nullBitmap: validity, nullCount: nulls });
    }
    case 'int64':
    case 'timestamp_ms': {
      // Written as little-endian (lo, hi) int32 pairs: far faster than BigInt() per value.
      const words = (pre?.out as Int32Array | undefined) ?? new Int32Array(2 * n);
      for (let i = pre?.from ?? 0; i < n; i++) {
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
 * @example
 * ```ts
 * const table = recordsToTable(rawDatasetSpecs.stocks, bars);
 * await writeFileAtomic('bars.parquet', encodeParquet(table));
 * ```
 */
export function recordsToTable(spec: DatasetSpec, rows: readonly object[]): Table {
  const fields = spec.columns.map((c) => new Field(c.name, arrowTypeOf(c.type), c.nullable === true));
  const n = rows.length;
  const numeric = spec.columns.flatMap((c) => {
    const kind = numericKind(c.type);
    if (!kind) return [];
    const out = kind === 'float64' ? new Float64Array(n) : new Int32Array(kind === 'int64' ? 2 * n : n);
    return [{ name: c.name, field: c.field, kind, nullable: c.nullable === true, out, nulls: [] as number[] }];
  });
  const stop = numeric.length > 0 ? fusedFill(numeric)(rows, numeric.map((c) => c.out), numeric.map((c) => c.nulls)) : -1;
  const pre = new Map(numeric.map((c) => [c.name, { out: c.out, nulls: c.nulls, from: stop < 0 ? n : stop }]));
  const children = spec.columns.map((c) => encodeColumn(spec, c, rows, pre.get(c.name)));
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: rows.length, children, nullCount: 0 });
  return new Table([new RecordBatch(schema, struct)]);
}

type Getter = (i: number) => unknown;

// Arrow JS slices a Data's value and offset buffers to the slice but keeps bitmaps (validity,
// booleans) whole and records the start in `data.offset`: only bit lookups add the offset.

function validityGetter(data: Data, get: Getter): Getter {
  if (!data.nullBitmap || data.nullCount === 0) return get;
  const bits = data.nullBitmap;
  const off = data.offset;
  return (i) => ((bits[(i + off) >> 3] >> ((i + off) & 7)) & 1 ? get(i) : null);
}

function stringsGetter(data: Data): Getter {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  let prev: string | undefined;
  let prevStart = -1;
  let prevEnd = -1;
  return (i) => {
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
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
      return validityGetter(data, (i) => v[i]);
    }
    case 'int64':
    case 'timestamp_ms': {
      const v = data.values as BigInt64Array;
      const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      return validityGetter(data, (i) => w[2 * i + 1]! * TWO_32 + (w[2 * i]! >>> 0));
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
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) out.push(get(k) as string);
        return out;
      });
    }
  }
}

// One generated builder per field list and column representation: the record is an object literal
// of a fixed shape (several times faster to build and to use than objects grown by computed-key
// assignment) whose values are plain indexed loads from typed arrays and arrays decoded column by
// column beforehand; no call per value, and each load site sees one array type. Field names are
// validated identifiers (defineDataset) and are quoted with JSON.stringify besides.
type RecordBuilder = (n: number, cols: readonly unknown[], masks: readonly (Uint8Array | undefined)[]) => unknown[];
const builders = new Map<string, RecordBuilder>();

/** How a decoded column is held: `t` a typed array, `m` a typed array with a null mask, `a` an array of values, `z` absent (null). */
type Held = 't' | 'm' | 'a' | 'z';

function rowBuilder(fields: readonly string[], held: readonly Held[]): RecordBuilder {
  const id = `${fields.join(',')}|${held.join('')}`;
  let b = builders.get(id);
  if (!b) {
    const decl = held.map((h, k) => (h === 'z' ? '' : `const c${k} = cols[${k}];${h === 'm' ? ` const m${k} = masks[${k}];` : ''}`)).join(' ');
    const value = (h: Held, k: number) => (h === 'z' ? 'null' : h === 'm' ? `(m${k}[i] === 1 ? null : c${k}[i])` : `c${k}[i]`);
    const literal = fields.map((f, k) => `${JSON.stringify(f)}: ${value(held[k]!, k)}`).join(', ');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    b = new Function(`return function build(n, cols, masks) { ${decl} const out = new Array(n); for (let i = 0; i < n; i++) out[i] = { ${literal} }; return out; }`)() as RecordBuilder;
    if (builders.size >= 256) builders.clear();
    builders.set(id, b);
  }
  return b;
}

/** 1 where row i of `data` is null; undefined when none is. */
function nullMask(data: Data, n: number): Uint8Array | undefined {
  if (!data.nullBitmap || data.nullCount === 0) return undefined;
  const bits = data.nullBitmap;
  const off = data.offset;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = ((bits[(i + off) >> 3] >> ((i + off) & 7)) & 1) ^ 1;
  return mask;
}

/** int64 / timestamp values (little-endian word pairs) as exact JS numbers, one pass. */
function int64AsNumbers(data: Data, n: number): Float64Array {
  const v = data.values as BigInt64Array;
  const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  const f = new Float64Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 2) f[i] = w[j + 1]! * TWO_32 + (w[j]! >>> 0);
  return f;
}

/**
 * Converts one record batch to records, for the given columns. Columns a batch lacks (files
 * written before a column was added) become `null`. Numbers are decoded into typed arrays first,
 * strings once per run of equal values, then every record is built by one generated loop.
 */
export function batchToRecords<R>(columns: readonly ColumnSpec[], batch: RecordBatch): R[] {
  const n = batch.numRows;
  const cols: unknown[] = [];
  const masks: Array<Uint8Array | undefined> = [];
  const held: Held[] = [];
  for (const c of columns) {
    const child = batch.getChild(c.name);
    const data = child?.data[0];
    let mask: Uint8Array | undefined;
    let col: unknown = null;
    let h: Held;
    if (!data) h = 'z';
    else if (c.type === 'float64' || c.type === 'int32') {
      mask = nullMask(data, n);
      col = (data.values as Float64Array | Int32Array).subarray(0, n);
      h = mask ? 'm' : 't';
    } else if (c.type === 'int64' || c.type === 'timestamp_ms') {
      mask = nullMask(data, n);
      col = int64AsNumbers(data, n);
      h = mask ? 'm' : 't';
    } else {
      const get = columnGetter(c, data);
      const arr = new Array<unknown>(n);
      for (let i = 0; i < n; i++) arr[i] = get(i);
      col = arr;
      h = 'a';
    }
    cols.push(col);
    masks.push(mask);
    held.push(h);
  }
  return rowBuilder(columns.map((c) => c.field), held)(n, cols, masks) as R[];
}

/**
 * One column of a {@link ColumnBatch}: numbers (int64 and timestamps as exact JS numbers) in a
 * typed array, strings and other values in an array.
 *
 * @example
 * ```ts
 * const close: ColumnValues = new Float64Array([501.2, 501.25]);
 * ```
 */
export type ColumnValues = Float64Array | Int32Array | readonly unknown[];

/**
 * Rows of one record batch column by column, keyed by record field: no object per row.
 *
 * @example
 * ```ts
 * let newest = -Infinity;
 * for await (const b of ds.readColumns({ columns: ['timestamp', 'close'] })) {
 *   const ts = b.columns.timestamp as Float64Array;
 *   for (let i = 0; i < b.length; i++) if (!b.nulls.timestamp?.[i]) newest = Math.max(newest, ts[i]!);
 * }
 * ```
 */
export interface ColumnBatch {
  readonly length: number;
  readonly columns: Readonly<Record<string, ColumnValues>>;
  /** For numeric columns with nulls in this batch: 1 where the row's value is null (its slot in `columns` is 0); other columns hold `null` itself. */
  readonly nulls: Readonly<Record<string, Uint8Array>>;
}

/**
 * Converts one record batch to columns keyed by field (see {@link ColumnBatch}); columns a batch
 * lacks become arrays of `null`. Float64 and int32 columns are views of the batch's memory, int64
 * and timestamps one typed-array pass, strings decoded once per run of equal values.
 */
export function batchToColumns(columns: readonly ColumnSpec[], batch: RecordBatch): ColumnBatch {
  const n = batch.numRows;
  const out: Record<string, ColumnValues> = {};
  const nulls: Record<string, Uint8Array> = {};
  for (const c of columns) {
    const child = batch.getChild(c.name);
    if (!child) {
      out[c.field] = new Array<null>(n).fill(null);
      continue;
    }
    const data = child.data[0]!;
    const off = data.offset;
    let mask: Uint8Array | undefined;
    if (data.nullBitmap && data.nullCount > 0) {
      mask = new Uint8Array(n);
      const bits = data.nullBitmap;
      for (let i = 0; i < n; i++) mask[i] = ((bits[(i + off) >> 3] >> ((i + off) & 7)) & 1) ^ 1;
    }
    switch (c.type) {
      case 'float64':
      case 'int32': {
        const v = data.values as Float64Array | Int32Array;
        const view = v.subarray(0, n);
        if (mask) {
          const copy = view.slice();
          for (let i = 0; i < n; i++) if (mask[i]) copy[i] = 0;
          out[c.field] = copy;
        } else out[c.field] = view;
        break;
      }
      case 'int64':
      case 'timestamp_ms': {
        const v = data.values as BigInt64Array;
        const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
        const f = new Float64Array(n);
        for (let i = 0; i < n; i++) f[i] = mask?.[i] ? 0 : w[2 * i + 1]! * TWO_32 + (w[2 * i]! >>> 0);
        out[c.field] = f;
        break;
      }
      default: {
        const get = columnGetter(c, data);
        const arr = new Array<unknown>(n);
        for (let i = 0; i < n; i++) arr[i] = get(i);
        out[c.field] = arr;
        mask = undefined; // null is in the array itself
      }
    }
    if (mask) nulls[c.field] = mask;
  }
  return { length: n, columns: out, nulls };
}
