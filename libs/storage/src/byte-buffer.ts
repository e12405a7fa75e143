// The one growable byte buffer of the Parquet writer: page bodies (parquet-encoder) and Thrift
// structures (thrift-compact-writer) both append to it.

/** Appends bytes, little-endian words and unsigned varints to a buffer that doubles as it fills. */
export class ByteBuffer {
  buf: Uint8Array;
  pos = 0;

  constructor(size = 256) {
    this.buf = new Uint8Array(Math.max(64, size));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned LEB128 varint of a non-negative safe integer (32-bit values take the shift path). */
  varint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    if (v < 0x80000000) {
      while (v >= 0x80) {
        b[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        b[this.pos++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    }
    b[this.pos++] = v;
  }

  /** Little-endian unsigned 32-bit word. */
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos++] = v & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = v >>> 24;
  }

  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** The bytes written so far (a view: copy it before writing more if it must stay). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
