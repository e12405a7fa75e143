import { snappyCompress, snappyMaxLength } from './snappy-compress.js';

/** A reference decoder of the Snappy raw format (format_description.txt), for the round trips. */
function snappyDecompress(src: Uint8Array): Uint8Array {
  let pos = 0;
  let len = 0;
  for (let shift = 1; ; shift *= 128) {
    const b = src[pos++]!;
    len += (b & 0x7f) * shift;
    if (b < 0x80) break;
  }
  const out = new Uint8Array(len);
  let op = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    if ((tag & 3) === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let k = 0; k < bytes; k++) n |= src[pos++]! << (8 * k);
      }
      n += 1;
      out.set(src.subarray(pos, pos + n), op);
      pos += n;
      op += n;
      continue;
    }
    let n: number;
    let offset: number;
    if ((tag & 3) === 1) {
      n = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else if ((tag & 3) === 2) {
      n = (tag >>> 2) + 1;
      offset = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      n = (tag >>> 2) + 1;
      offset = src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24);
      pos += 4;
    }
    if (offset === 0 || offset > op) throw new Error(`bad copy offset ${offset} at ${op}`);
    for (let k = 0; k < n; k++, op++) out[op] = out[op - offset]!;
  }
  if (op !== len) throw new Error(`decoded ${op} of ${len} bytes`);
  return out;
}

function seeded(n: number, seed: number, alphabet = 256): Uint8Array {
  let s = seed;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) >>> 16) % alphabet;
  return out;
}

const doubles = (n: number) => new Uint8Array(Float64Array.from({ length: n }, (_, i) => Math.round((500 + Math.sin(i / 50) * 3) * 100) / 100).buffer);

describe('snappyCompress', () => {
  it.each<[string, Uint8Array]>([
    ['empty', new Uint8Array(0)],
    ['one byte', new Uint8Array([7])],
    ['shorter than the input margin', new TextEncoder().encode('abcabcabc')],
    ['a long run of one byte', new Uint8Array(200_000).fill(42)],
    ['repeated text', new TextEncoder().encode('SPY 2025-03-04 '.repeat(10_000))],
    ['random bytes (incompressible)', seeded(150_000, 1)],
    ['few symbols', seeded(100_000, 2, 4)],
    ['price doubles across several 64 KiB blocks', doubles(50_000)],
    ['a literal longer than 65,536 bytes then matches', new Uint8Array([...seeded(70_000, 3), ...new Uint8Array(5_000).fill(1)])],
  ])('%s round-trips and stays within the format bound', (_, input) => {
    const packed = snappyCompress(input);
    expect(packed.length).toBeLessThanOrEqual(snappyMaxLength(input.length));
    expect(Buffer.from(snappyDecompress(packed)).equals(Buffer.from(input))).toBe(true);
  });

  it.each<[string, Uint8Array, number]>([
    ['a run of one byte (64-byte copies of 3 bytes each)', new Uint8Array(100_000).fill(9), 0.05],
    ['repeated text', new TextEncoder().encode('open high low close '.repeat(5_000)), 0.05],
  ])('compresses %s (to at most %s of its size)', (_, input, ratio) => {
    expect(snappyCompress(input).length).toBeLessThan(input.length * ratio);
  });
});
