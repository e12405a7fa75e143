import { ByteBuffer } from './byte-buffer.js';

// Thrift compact protocol writer for the Parquet structures spyglass writes itself (page headers and
// the file footer); the reader side is parquet-footer-projection's CompactReader.

export const TC_BOOL_TRUE = 1;
export const TC_BOOL_FALSE = 2;
export const TC_I32 = 5;
export const TC_I64 = 6;
export const TC_BINARY = 8;
export const TC_LIST = 9;
export const TC_STRUCT = 12;

const utf8 = new TextEncoder();

// Every footer of a dataset repeats the same strings (column names, the embedded Arrow schema of a
// few KB, the writer's metadata): their UTF-8 bytes are kept instead of encoded per file (measured:
// ~3 % of a 2,000-partition write's CPU). Bounded, as long-running writers meet only a few schemas.
const encoded = new Map<string, Uint8Array>();

function utf8Bytes(s: string): Uint8Array {
  let b = encoded.get(s);
  if (b === undefined) {
    b = utf8.encode(s);
    if (encoded.size >= 1024) encoded.clear();
    encoded.set(s, b);
  }
  return b;
}

/** Appends Thrift compact values to a growing buffer; fields are written in ascending id order. */
export class CompactWriter extends ByteBuffer {
  private last: number[] = [0];

  /** Zigzag varint of a safe integer (i16, i32 and i64 all use it). */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.append(b);
  }

  fieldHeader(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }

  i32(id: number, v: number): void {
    this.fieldHeader(id, TC_I32);
    this.zigzag(v);
  }

  i64(id: number, v: number): void {
    this.fieldHeader(id, TC_I64);
    this.zigzag(v);
  }

  bool(id: number, v: boolean): void {
    this.fieldHeader(id, v ? TC_BOOL_TRUE : TC_BOOL_FALSE);
  }

  binary(id: number, b: Uint8Array): void {
    this.fieldHeader(id, TC_BINARY);
    this.bytes(b);
  }

  string(id: number, s: string): void {
    this.binary(id, utf8Bytes(s));
  }

  /** Opens a struct field (or, with id undefined, a struct element of a list); close with {@link end}. */
  struct(id?: number): void {
    if (id !== undefined) this.fieldHeader(id, TC_STRUCT);
    this.last.push(0);
  }

  end(): void {
    this.byte(0);
    this.last.pop();
  }

  listHeader(id: number, elemType: number, size: number): void {
    this.fieldHeader(id, TC_LIST);
    if (size < 15) this.byte((size << 4) | elemType);
    else {
      this.byte(0xf0 | elemType);
      this.varint(size);
    }
  }

  i32List(id: number, values: readonly number[]): void {
    this.listHeader(id, TC_I32, values.length);
    for (const v of values) this.zigzag(v);
  }

  stringList(id: number, values: readonly string[]): void {
    this.listHeader(id, TC_BINARY, values.length);
    for (const v of values) this.bytes(utf8Bytes(v));
  }
}
