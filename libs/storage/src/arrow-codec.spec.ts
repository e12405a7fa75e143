import { defineDataset, recordsToTable } from './index.js';
import { batchToColumns, batchToRecords } from './arrow-codec.js';

// Every column type, nullable, with the values that are easy to get wrong when records are built
// from typed arrays: nulls, NaN, -0, int64 past 2^32 and below zero, non-ASCII strings, runs.
const spec = defineDataset({
  name: 'codec', layer: 'processed', key: ['id'], partitionBy: ['date'], dateColumn: 'day', sortBy: ['id'],
  columns: [
    { name: 'id', field: 'id', type: 'int32' },
    { name: 'day', field: 'day', type: 'utf8' },
    { name: 'ts', field: 'ts', type: 'timestamp_ms', nullable: true },
    { name: 'price', field: 'price', type: 'float64', nullable: true },
    { name: 'big', field: 'big', type: 'int64', nullable: true },
    { name: 'small', field: 'small', type: 'int32', nullable: true },
    { name: 'flag', field: 'flag', type: 'bool', nullable: true },
    { name: 'tags', field: 'tags', type: 'utf8_list', nullable: true },
    { name: 'meta', field: 'meta', type: 'json', nullable: true },
    { name: 'label', field: 'label', type: 'utf8', nullable: true },
  ],
});

const rows = Array.from({ length: 300 }, (_, i) => ({
  id: i,
  day: '2025-03-10',
  ts: i % 7 === 0 ? null : 1_741_613_400_000 + i * 60_000,
  price: i % 5 === 0 ? null : i % 11 === 0 ? Number.NaN : i % 13 === 0 ? -0 : 500 + i / 100,
  big: i % 3 === 0 ? null : (i % 2 === 0 ? -1 : 1) * i * 9_000_000_017,
  small: i % 4 === 0 ? null : -i,
  flag: i % 6 === 0 ? null : i % 2 === 0,
  tags: i % 8 === 0 ? null : [`t${i % 3}`, 'ü'],
  meta: i % 9 === 0 ? null : { i, s: 'x' },
  label: i % 10 === 0 ? null : i < 150 ? 'run' : `é${i}`,
}));

describe('batchToRecords', () => {
  it.each([
    ['the whole batch', 0, rows.length],
    ['a slice (Arrow offset inside the buffers)', 37, 211],
  ])('returns the records that were encoded, %s', (_name, from, to) => {
    const batch = recordsToTable(spec, rows).slice(from, to).batches[0]!;
    const back = batchToRecords<(typeof rows)[number]>(spec.columns, batch);
    expect(back).toHaveLength(to - from);
    back.forEach((r, k) => {
      const want = rows[from + k]!;
      expect(Object.keys(r)).toEqual(spec.columns.map((c) => c.field));
      for (const key of Object.keys(want) as Array<keyof typeof want>) expect(Object.is(r[key], want[key]) || JSON.stringify(r[key]) === JSON.stringify(want[key])).toBe(true);
    });
  });

  it('sets columns the batch lacks to null and agrees with batchToColumns', () => {
    const batch = recordsToTable(spec, rows).batches[0]!;
    const extra = [...spec.columns, { name: 'added_later', field: 'addedLater', type: 'float64' as const, nullable: true }];
    const back = batchToRecords<Record<string, unknown>>(extra, batch);
    const cols = batchToColumns(extra, batch);
    back.forEach((r, i) => {
      expect(r.addedLater).toBeNull();
      for (const c of ['ts', 'price', 'big', 'small'] as const) {
        const v = cols.nulls[c]?.[i] ? null : (cols.columns[c] as Float64Array | Int32Array)[i];
        expect(Object.is(r[c], v)).toBe(true);
      }
    });
  });
});

describe('batchToColumns', () => {
  it('reads a slice (Arrow offset inside the buffers) as the same values as the whole batch', () => {
    const table = recordsToTable(spec, rows);
    const whole = batchToColumns(spec.columns, table.batches[0]!);
    const part = batchToColumns(spec.columns, table.slice(37, 211).batches[0]!);
    for (const c of spec.columns) {
      const w = Array.from(whole.columns[c.field]!).slice(37, 211);
      expect(Array.from(part.columns[c.field]!)).toEqual(w);
      if (whole.nulls[c.field]) expect(Array.from(part.nulls[c.field]!)).toEqual(Array.from(whole.nulls[c.field]!).slice(37, 211));
    }
  });
});
