// Column projection for parquet-wasm's synchronous reader, which ignores `columns`: the file's
// footer (Thrift compact protocol) is rewritten to list only the wanted columns, and the reader is
// handed the original data pages with that footer, so it decodes nothing else. The async reader
// does honour `columns` but panics on damaged pages (see readParquetTable).
//
// Only the containers that change are re-encoded (FileMetaData, its schema and row-group lists,
// each RowGroup); every other value is copied as raw bytes, so nothing in the file is reinterpreted.

const T_BOOL_TRUE = 1;
const T_BOOL_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
export const T_I64 = 6;
const T_DOUBLE = 7;
export const T_BINARY = 8;
export const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
export const T_STRUCT = 12;

export interface FieldSpan {
  readonly id: number;
  readonly type: number;
  readonly start: number;
  readonly end: number;
}

/** Reads Thrift compact protocol values (shared with parquet-footer-summary). */
export class CompactReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
  ) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('footer ends early');
    return this.buf[this.pos++];
  }

  /** An unsigned varint as a number (exact up to 2^53; larger values are only ever skipped). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Error('varint too long');
  }

  /** Position after a varint that starts at pos (a binary's length prefix). */
  varintEnd(): number {
    this.varint();
    return this.pos;
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  skip(type: number): void {
    switch (type) {
      case T_BOOL_TRUE:
      case T_BOOL_FALSE:
        return; // in a struct the value is in the type nibble; list elements use skipElement
      case T_BYTE:
        this.pos += 1;
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.varint();
        return;
      case T_DOUBLE:
        this.pos += 8;
        return;
      case T_BINARY: {
        const len = this.varint(); // read first: `pos += varint()` would add to the pos before the length
        this.pos += len;
        return;
      }
      case T_LIST:
      case T_SET: {
        const { elemType, size } = this.listHeader();
        for (let i = 0; i < size; i++) this.skipElement(elemType);
        return;
      }
      case T_MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(kv >> 4);
          this.skipElement(kv & 0x0f);
        }
        return;
      }
      case T_STRUCT:
        this.skipStruct();
        return;
      default:
        throw new Error(`unknown thrift type ${type}`);
    }
  }

  /**
   * Moves past a struct without noting its fields: nested values (statistics, page encoding stats)
   * are only ever skipped, and a span object per field was most of a projection's footer parsing
   * over thousands of partition files (measured in a 2-column read of 2,000 partitions).
   */
  skipStruct(): void {
    for (;;) {
      const h = this.byte();
      if (h === 0) return;
      if (h >> 4 === 0) this.varint();
      this.skip(h & 0x0f);
    }
  }

  skipElement(type: number): void {
    if (type === T_BOOL_TRUE || type === T_BOOL_FALSE) this.pos += 1;
    else this.skip(type);
  }

  listHeader(): { elemType: number; size: number } {
    const h = this.byte();
    const short = h >> 4;
    return { elemType: h & 0x0f, size: short === 15 ? this.varint() : short };
  }

  /** The fields of the struct starting at `pos`, each with its value's byte span; leaves pos after the stop byte. */
  structFields(): FieldSpan[] {
    const fields: FieldSpan[] = [];
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return fields;
      const type = h & 0x0f;
      const delta = h >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      const start = this.pos;
      this.skip(type);
      fields.push({ id, type, start, end: this.pos });
    }
  }
}

class CompactWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  raw(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  bytes(...b: number[]): void {
    this.raw(Uint8Array.from(b));
  }

  varint(v: number): void {
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    this.bytes(...out);
  }

  fieldHeader(id: number, type: number, last: number): void {
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes((delta << 4) | type);
    else {
      this.bytes(type);
      this.varint(id >= 0 ? id * 2 : -id * 2 - 1);
    }
  }

  listHeader(elemType: number, size: number): void {
    if (size < 15) this.bytes((size << 4) | elemType);
    else {
      this.bytes(0xf0 | elemType);
      this.varint(size);
    }
  }

  done(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** A struct re-encoded from some of its fields, some values replaced by new bytes. */
function writeStruct(buf: Uint8Array, fields: readonly FieldSpan[], replace: ReadonlyMap<number, Uint8Array> = new Map()): Uint8Array {
  const w = new CompactWriter();
  let last = 0;
  for (const f of fields) {
    w.fieldHeader(f.id, f.type, last);
    last = f.id;
    w.raw(replace.get(f.id) ?? buf.subarray(f.start, f.end));
  }
  w.bytes(0);
  return w.done();
}

export function readList(buf: Uint8Array, start: number): { elemType: number; items: Array<{ start: number; end: number }> } {
  const r = new CompactReader(buf, start);
  const { elemType, size } = r.listHeader();
  const items: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < size; i++) {
    const s = r.pos;
    r.skipElement(elemType);
    items.push({ start: s, end: r.pos });
  }
  return { elemType, items };
}

function writeList(elemType: number, items: readonly Uint8Array[]): Uint8Array {
  const w = new CompactWriter();
  w.listHeader(elemType, items.length);
  for (const it of items) w.raw(it);
  return w.done();
}

const decoder = new TextDecoder();

/**
 * How to read a projection: the rewritten footer and the byte ranges of the kept column chunks.
 *
 * @example
 * ```ts
 * const plan = planProjection(footer, ['timestamp', 'close']);
 * ```
 */
export interface ProjectionPlan {
  /** The new FileMetaData (without length and magic). */
  readonly footer: Uint8Array;
  /** `[start, end)` file offsets of the kept column chunks. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
}

export function i64Field(buf: Uint8Array, fields: readonly FieldSpan[], id: number): number | undefined {
  const f = fields.find((x) => x.id === id && x.type === T_I64);
  return f ? new CompactReader(buf, f.start).zigzag() : undefined;
}

/** Byte range of a ColumnChunk's pages, from its ColumnMetaData (dictionary page first, if any). */
function chunkRange(buf: Uint8Array, chunk: { start: number; end: number }): readonly [number, number] {
  const fields = new CompactReader(buf, chunk.start).structFields();
  const metaField = fields.find((f) => f.id === 3 && f.type === T_STRUCT);
  if (!metaField) throw new Error('column chunk without metadata');
  const meta = new CompactReader(buf, metaField.start).structFields();
  const size = i64Field(buf, meta, 7);
  const data = i64Field(buf, meta, 9);
  const dict = i64Field(buf, meta, 11);
  if (size === undefined || data === undefined) throw new Error('column chunk without offsets');
  const start = dict !== undefined && dict > 0 && dict < data ? dict : data;
  return [start, start + size];
}

/**
 * Plans reading only `columns` (top-level names; nested columns keep their whole subtree) of a file
 * with this FileMetaData, or returns undefined when every column is wanted. The new footer drops
 * the embedded Arrow schema (it describes the dropped columns too), column orders and sorting
 * columns (they index dropped leaves).
 *
 * @throws Error when the footer is not the Thrift structure expected (callers fall back to a full read).
 */
export function planProjection(footer: Uint8Array, columns: readonly string[]): ProjectionPlan | undefined {
  const meta = new CompactReader(footer, 0).structFields();
  const schemaField = meta.find((f) => f.id === 2 && f.type === T_LIST);
  const groupsField = meta.find((f) => f.id === 4 && f.type === T_LIST);
  if (!schemaField || !groupsField) throw new Error('footer without schema or row groups');

  // Schema: a depth-first list; element 0 is the root with num_children top-level fields.
  const schema = readList(footer, schemaField.start);
  const elements = schema.items.map((it) => {
    const fields = new CompactReader(footer, it.start).structFields();
    const name = fields.find((f) => f.id === 4 && f.type === T_BINARY);
    const children = fields.find((f) => f.id === 5 && f.type === T_I32);
    return {
      span: it,
      fields,
      name: name ? decoder.decode(footer.subarray(new CompactReader(footer, name.start).varintEnd(), name.end)) : '',
      children: children ? new CompactReader(footer, children.start).zigzag() : 0,
    };
  });
  if (elements.length === 0) throw new Error('empty schema');
  const wanted = new Set(columns);
  const keptElements: Uint8Array[] = [];
  const keptLeaves: number[] = [];
  let leaf = 0;
  let at = 1;
  let keptTop = 0;
  for (let top = 0; top < elements[0].children; top++) {
    // The subtree of this top-level field: itself plus its descendants.
    const first = at;
    let pending = 1;
    const leaves: number[] = [];
    while (pending > 0) {
      const e = elements[at++];
      if (!e) throw new Error('schema tree ends early');
      pending += e.children - 1;
      if (e.children === 0) leaves.push(leaf++);
    }
    if (wanted.has(elements[first].name)) {
      keptTop++;
      for (let k = first; k < at; k++) keptElements.push(footer.subarray(elements[k].span.start, elements[k].span.end));
      keptLeaves.push(...leaves);
    }
  }
  if (keptTop === elements[0].children) return undefined;
  const rootChildren = new CompactWriter();
  rootChildren.varint(keptTop * 2); // zigzag of a non-negative i32
  const newRoot = writeStruct(footer, elements[0].fields, new Map([[5, rootChildren.done()]]));
  const newSchema = writeList(schema.elemType, [newRoot, ...keptElements]);

  // Row groups: keep the column chunks of the kept leaves, and note where their pages are.
  const ranges: Array<readonly [number, number]> = [];
  const groups = readList(footer, groupsField.start);
  const newGroups = groups.items.map((g) => {
    const fields = new CompactReader(footer, g.start).structFields();
    const cols = fields.find((f) => f.id === 1 && f.type === T_LIST);
    if (!cols) throw new Error('row group without columns');
    const chunks = readList(footer, cols.start);
    const kept = keptLeaves.map((i) => {
      const c = chunks.items[i];
      if (!c) throw new Error('fewer column chunks than schema leaves');
      ranges.push(chunkRange(footer, c));
      return footer.subarray(c.start, c.end);
    });
    return writeStruct(footer, fields.filter((f) => f.id !== 4), new Map([[1, writeList(chunks.elemType, kept)]]));
  });

  const newMeta = writeStruct(
    footer,
    meta.filter((f) => f.id !== 5 && f.id !== 7),
    new Map([
      [2, newSchema],
      [4, writeList(groups.elemType, newGroups)],
    ]),
  );
  return { footer: newMeta, ranges };
}
