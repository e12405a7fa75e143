import { ByteBuffer } from './byte-buffer.js';

describe('ByteBuffer', () => {
  it.each([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [0x7fffffff, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [0x80000000, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [2 ** 40 + 5, [0x85, 0x80, 0x80, 0x80, 0x80, 0x20]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('writes %d as the varint %j', (v, bytes) => {
    const b = new ByteBuffer(1);
    b.varint(v);
    expect([...b.result()]).toEqual(bytes);
  });

  it('grows past its initial size keeping what was written', () => {
    const b = new ByteBuffer(64);
    const chunk = Uint8Array.from({ length: 50 }, (_, i) => i);
    for (let k = 0; k < 10; k++) {
      b.append(chunk);
      b.u32(0xdeadbeef);
    }
    const out = b.result();
    expect(out).toHaveLength(540);
    expect([...out.subarray(54, 58)]).toEqual([...chunk.subarray(0, 4)]);
    expect(new DataView(out.buffer, out.byteOffset).getUint32(536, true)).toBe(0xdeadbeef);
  });
});
