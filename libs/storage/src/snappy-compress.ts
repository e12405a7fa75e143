// Snappy raw-format compressor (https://github.com/google/snappy/blob/main/format_description.txt),
// the codec of spyglass's Parquet pages, in plain JS: the bytes stay in the JS heap instead of being
// copied into wasm and back, and the page encoder calls it on typed-array views without copies.
// Same scheme as the reference compressor: 64 KiB blocks (so every copy offset fits 2 bytes), a
// hash table of 4-byte sequences, and a growing skip over incompressible stretches.

const BLOCK = 1 << 16;
/** Hash table bits for a full block; smaller inputs use a table about their size (less to clear). */
const MAX_HASH_BITS = 14;
const MIN_HASH_BITS = 8;
const MIN_MATCH = 4;
// Bytes at the end of a block never start a match: the 4-byte loads below stay inside the input.
const INPUT_MARGIN = 15;

const table = new Uint16Array(1 << MAX_HASH_BITS);

/** Worst-case compressed size of `n` input bytes (the format's bound). */
export function snappyMaxLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function hash(v: number, shift: number): number {
  return Math.imul(v, 0x1e35a7bd) >>> shift;
}

function emitLiteral(src: Uint8Array, from: number, to: number, out: Uint8Array, pos: number): number {
  const n = to - from - 1;
  if (n < 60) out[pos++] = n << 2;
  else if (n < 0x100) {
    out[pos++] = 60 << 2;
    out[pos++] = n;
  } else if (n < 0x10000) {
    out[pos++] = 61 << 2;
    out[pos++] = n & 0xff;
    out[pos++] = n >>> 8;
  } else if (n < 0x1000000) {
    out[pos++] = 62 << 2;
    out[pos++] = n & 0xff;
    out[pos++] = (n >>> 8) & 0xff;
    out[pos++] = n >>> 16;
  } else {
    out[pos++] = 63 << 2;
    out[pos++] = n & 0xff;
    out[pos++] = (n >>> 8) & 0xff;
    out[pos++] = (n >>> 16) & 0xff;
    out[pos++] = n >>> 24;
  }
  if (to - from < 32) for (let i = from; i < to; i++) out[pos++] = src[i];
  else {
    out.set(src.subarray(from, to), pos);
    pos += to - from;
  }
  return pos;
}

function emitCopy(offset: number, len: number, out: Uint8Array, pos: number): number {
  // Long matches as 64-byte copies; the last piece keeps at least 4 bytes (the 1-byte-offset form's minimum).
  while (len >= 68) {
    out[pos++] = (63 << 2) | 2;
    out[pos++] = offset & 0xff;
    out[pos++] = offset >>> 8;
    len -= 64;
  }
  if (len > 64) {
    out[pos++] = (59 << 2) | 2;
    out[pos++] = offset & 0xff;
    out[pos++] = offset >>> 8;
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[pos++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | 1;
    out[pos++] = offset & 0xff;
  } else {
    out[pos++] = ((len - 1) << 2) | 2;
    out[pos++] = offset & 0xff;
    out[pos++] = offset >>> 8;
  }
  return pos;
}

function compressBlock(src: Uint8Array, start: number, end: number, out: Uint8Array, pos: number): number {
  let lit = start;
  if (end - start < INPUT_MARGIN) return emitLiteral(src, lit, end, out, pos);
  let bits = MIN_HASH_BITS;
  while (bits < MAX_HASH_BITS && 1 << bits < end - start) bits++;
  const shift = 32 - bits;
  table.fill(0, 0, 1 << bits);
  const limit = end - INPUT_MARGIN;
  let ip = start + 1;
  let nextVal = load32(src, ip);
  let next = hash(nextVal, shift);
  for (;;) {
    // Look for a match, stepping further the longer nothing matched (1 extra byte per 32 misses).
    // Each position's 4 bytes are loaded once: for its hash, then for the comparison.
    let skip = 32;
    let candidate = 0;
    let nextIp = ip;
    let cur = 0;
    do {
      ip = nextIp;
      const h = next;
      cur = nextVal;
      nextIp = ip + (skip++ >>> 5);
      if (nextIp > limit) return lit < end ? emitLiteral(src, lit, end, out, pos) : pos;
      nextVal = load32(src, nextIp);
      next = hash(nextVal, shift);
      candidate = start + table[h]!;
      table[h] = ip - start;
    } while (cur !== load32(src, candidate));
    pos = emitLiteral(src, lit, ip, out, pos);
    // Emit copies while the byte after each one starts another match.
    for (;;) {
      const base = ip;
      let m = MIN_MATCH;
      while (ip + m < end && src[candidate + m] === src[ip + m]) m++;
      ip += m;
      pos = emitCopy(base - candidate, m, out, pos);
      lit = ip;
      if (ip >= limit) return lit < end ? emitLiteral(src, lit, end, out, pos) : pos;
      table[hash(load32(src, ip - 1), shift)] = ip - 1 - start;
      const here = load32(src, ip);
      const h = hash(here, shift);
      candidate = start + table[h]!;
      table[h] = ip - start;
      if (here !== load32(src, candidate)) break;
    }
    nextVal = load32(src, ++ip);
    next = hash(nextVal, shift);
  }
}

/**
 * Compresses `src` into the Snappy raw format (what Parquet's SNAPPY codec holds).
 *
 * @example
 * ```ts
 * const packed = snappyCompress(new TextEncoder().encode('abcabcabcabcabcabc'));
 * ```
 */
export function snappyCompress(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(snappyMaxLength(src.length));
  let pos = 0;
  // Preamble: the uncompressed length as a varint.
  for (let n = src.length; ; ) {
    if (n < 0x80) {
      out[pos++] = n;
      break;
    }
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  for (let s = 0; s < src.length; s += BLOCK) pos = compressBlock(src, s, Math.min(src.length, s + BLOCK), out, pos);
  return out.subarray(0, pos);
}
