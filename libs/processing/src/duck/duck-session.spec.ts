import { DuckSession } from './duck-session.js';

describe('DuckSession column transfer', () => {
  let duck: DuckSession;
  beforeAll(async () => (duck = await DuckSession.open(2)));
  afterAll(() => duck.close());

  // Sizes around the 2,048-row chunk and the 32/64-bit validity words; NaN (NULL) at edges.
  const cases: [string, number, (i: number) => number][] = [
    ['no NULL, one chunk', 5, (i) => i * 1.5],
    ['NULL at word edges', 130, (i) => (i % 32 === 31 || i === 0 || i === 64 ? Number.NaN : i / 7)],
    ['all NULL', 70, () => Number.NaN],
    ['several chunks', 5000, (i) => (i % 11 === 0 ? Number.NaN : Math.sin(i))],
  ];

  it.each(cases)('createTable → columns keeps every value and NULL (%s)', async (_name, n, value) => {
    const x = Float64Array.from({ length: n }, (_, i) => value(i));
    await duck.createTable('t', { k: Float64Array.from({ length: n }, (_, i) => i), x });
    const back = await duck.columns(`SELECT x, x IS NULL AS is_null FROM t ORDER BY k`);
    expect(back.rows).toBe(n);
    expect(Array.from(back.cols.x as Float64Array)).toEqual(Array.from(x));
    expect(Array.from(back.cols.is_null as Float64Array)).toEqual(Array.from(x, (v) => (Number.isNaN(v) ? 1 : 0)));
  });

  it.each(cases)('scanColumns streams plain and strided columns in order (%s)', async (_name, n, value) => {
    const x = Float64Array.from({ length: n }, (_, i) => value(i));
    const matrix = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) matrix.set([i, x[i]!, -i], i * 3);
    duck.scanColumns('js_rows', { x, third: { data: matrix, offset: 2, stride: 3, rows: n } });
    const back = await duck.columns(`SELECT x, third, x IS NULL AS is_null FROM js_rows()`);
    expect(Array.from(back.cols.x as Float64Array)).toEqual(Array.from(x));
    expect(Array.from(back.cols.third as Float64Array)).toEqual(Array.from({ length: n }, (_, i) => -i));
    expect((back.cols.is_null as Float64Array).reduce((a, b) => a + b, 0)).toBe(x.filter(Number.isNaN).length);
  });

  it('scanColumns joins by position to a table of the same order, and a new call replaces the source', async () => {
    await duck.run(`CREATE OR REPLACE TEMP TABLE names AS SELECT * FROM (VALUES ('a'), ('b'), ('c')) v(name)`);
    duck.scanColumns('js_rows', { v: Float64Array.from([1, 2, 3]) });
    duck.scanColumns('js_rows', { v: Float64Array.from([10, Number.NaN, 30]) });
    const r = await duck.columns(`SELECT n.name, j.v FROM names n POSITIONAL JOIN js_rows() j`);
    expect(r.cols.name).toEqual(['a', 'b', 'c']);
    expect(Array.from(r.cols.v as Float64Array)).toEqual([10, Number.NaN, 30]);
  });
});
