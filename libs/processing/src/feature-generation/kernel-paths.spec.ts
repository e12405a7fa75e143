import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consolidate, consolidateAndGenerateFeatures, generateFeatures } from '../index.js';
import { duckQuery } from '../__test-support__/duck-query.js';
import { writeSimulatedRaw } from '../__test-support__/simulated-raw.js';

// Three sessions over two passes (batchDates 2), a VIX feed with gaps and an option bar before the
// first SPY bar of a session: the typed-array paths must write what the DuckDB (sql) paths write.
const DATES = ['2025-03-03', '2025-03-04', '2025-03-05'];
// Rows in file order (date partition, then position in the file).
const rows = (root: string, dataset: string) =>
  duckQuery(`SELECT * EXCLUDE (filename) FROM read_parquet('${root}/processed/${dataset}/*/*.parquet', filename = true, file_row_number = true) ORDER BY filename, file_row_number`);

describe('kernel paths equal the DuckDB paths', () => {
  let sql: string;
  let fast: string;
  beforeAll(async () => {
    sql = await mkdtemp(join(tmpdir(), 'spyglass-paths-sql-'));
    fast = await mkdtemp(join(tmpdir(), 'spyglass-paths-fast-'));
    await writeSimulatedRaw({ root: sql, dates: DATES, contractsPerDay: 4 });
    const vix = join(sql, 'raw', 'indices', 'ticker=I:VIX', 'date=2025-03-04', 'part-0.parquet');
    await duckQuery(`COPY (SELECT * FROM read_parquet('${vix}') WHERE (epoch_ms(timestamp) // 60000) % 5 <> 2) TO '${vix}.tmp' (FORMAT parquet)`);
    await rename(`${vix}.tmp`, vix);
    // No SPY bar in the first 3 minutes of 2025-03-05: option bars there have no underlying (dropped).
    const spy = join(sql, 'raw', 'stocks', 'ticker=SPY', 'date=2025-03-05', 'part-0.parquet');
    await duckQuery(`COPY (SELECT * FROM read_parquet('${spy}') WHERE timestamp >= (SELECT min(timestamp) FROM read_parquet('${spy}')) + INTERVAL 3 MINUTE) TO '${spy}.tmp' (FORMAT parquet)`);
    await rename(`${spy}.tmp`, spy);
    await cp(join(sql, 'raw'), join(fast, 'raw'), { recursive: true });
  });
  afterAll(async () => {
    await rm(sql, { recursive: true, force: true });
    await rm(fast, { recursive: true, force: true });
  });

  it('consolidate: kernels write the same rows, order and summary as sql, value for value', async () => {
    const a = await consolidate({ root: sql, dates: DATES, batchDates: 2, method: 'sql' });
    const b = await consolidate({ root: fast, dates: DATES, batchDates: 2, method: 'kernels' });
    for (const k of ['dates', 'rows', 'rowsByDate', 'minutes', 'uniqueOptions', 'optionBarsWithoutUnderlying', 'iv'] as const) expect(b[k]).toEqual(a[k]);
    const [x, y] = [await rows(sql, 'consolidated'), await rows(fast, 'consolidated')];
    expect(x.length).toBe(a.rows);
    expect(a.optionBarsWithoutUnderlying).toBeGreaterThan(0);
    expect(y).toEqual(x);
  });

  it('generateFeatures: the engine writes the sql rows (window aggregates and logarithms within 1e-12, all else exactly)', async () => {
    await consolidate({ root: fast, dates: DATES, batchDates: 2, method: 'sql' });
    const a = await generateFeatures({ root: sql, dates: DATES, batchDates: 2, method: 'sql' });
    const b = await generateFeatures({ root: fast, dates: DATES, batchDates: 2 });
    expect(b.passes).toEqual({ engine: 2, sql: 0, fallbacks: [] });
    expect(a.passes).toEqual({ engine: 0, sql: 2, fallbacks: [] });
    expect([b.rows, b.positives, b.rowsByDate]).toEqual([a.rows, a.positives, a.rowsByDate]);
    const [x, y] = [await rows(sql, 'features'), await rows(fast, 'features')];
    expect(y.map((r) => Object.keys(r))).toEqual(x.map((r) => Object.keys(r)));
    let inexact = 0;
    x.forEach((r, i) => {
      for (const [k, v] of Object.entries(r)) {
        const w = y[i]![k];
        if (typeof v === 'number' && typeof w === 'number' && v !== w) {
          inexact++;
          expect(Math.abs(w - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
        } else expect(w).toEqual(v);
      }
    });
    expect(inexact).toBeLessThan(x.length * 20);
  });

  it('generateFeatures falls back to sql for a pass the engine cannot reproduce (consolidated with other rates)', async () => {
    const b = await generateFeatures({ root: fast, dates: DATES, batchDates: 2, riskFreeRate: 0.01 });
    expect(b.passes.engine).toBe(0);
    expect(b.passes.sql).toBe(2);
    expect(b.passes.fallbacks[0]).toMatch(/iv of .* differs from the consolidated value/);
    expect(await rows(fast, 'features')).toEqual(await rows(sql, 'features'));
  });
  it('consolidate: option files not in time order are sorted (kernels still write the sql rows); files in order skip the sort', async () => {
    const [x, y] = [await mkdtemp(join(tmpdir(), 'spyglass-paths-unsorted-sql-')), await mkdtemp(join(tmpdir(), 'spyglass-paths-unsorted-fast-'))];
    try {
      for (const dir of [x, y]) await cp(join(sql, 'raw'), join(dir, 'raw'), { recursive: true });
      const inOrder = await consolidate({ root: y, dates: DATES, batchDates: 2 });
      expect(inOrder.timings.sort).toBeUndefined();
      const [file] = (await duckQuery(`SELECT DISTINCT filename FROM read_parquet('${y}/raw/options/*/date=2025-03-04/*.parquet', filename = true) ORDER BY filename LIMIT 1`)) as { filename: string }[];
      for (const dir of [x, y]) {
        const f = file!.filename.replace(y, dir);
        await duckQuery(`COPY (SELECT * FROM read_parquet('${f}') ORDER BY timestamp DESC) TO '${f}.tmp' (FORMAT parquet)`);
        await rename(`${f}.tmp`, f);
      }
      const a = await consolidate({ root: x, dates: DATES, batchDates: 2, method: 'sql' });
      const b = await consolidate({ root: y, dates: DATES, batchDates: 2 });
      expect(b.timings.sort).toBeGreaterThanOrEqual(0);
      expect(b.rows).toBe(a.rows);
      expect(await rows(y, 'consolidated')).toEqual(await rows(x, 'consolidated'));
    } finally {
      for (const dir of [x, y]) await rm(dir, { recursive: true, force: true });
    }
  });

  it('consolidateAndGenerateFeatures writes what consolidate then generateFeatures write, value for value, with the same summaries', async () => {
    const [twoStep, fused, viaSql] = [await mkdtemp(join(tmpdir(), 'spyglass-paths-two-')), await mkdtemp(join(tmpdir(), 'spyglass-paths-fused-')), await mkdtemp(join(tmpdir(), 'spyglass-paths-fsql-'))];
    try {
      for (const dir of [twoStep, fused, viaSql]) await cp(join(sql, 'raw'), join(dir, 'raw'), { recursive: true });
      const a = await consolidate({ root: twoStep, dates: DATES, batchDates: 2 });
      const af = await generateFeatures({ root: twoStep, dates: DATES, batchDates: 2 });
      const b = await consolidateAndGenerateFeatures({ root: fused, dates: DATES, batchDates: 2 });
      for (const k of ['dates', 'rows', 'rowsByDate', 'minutes', 'uniqueOptions', 'optionBarsWithoutUnderlying', 'iv', 'files'] as const) {
        expect(k === 'files' ? b.consolidated.files.map((f) => f.slice(fused.length)) : b.consolidated[k]).toEqual(k === 'files' ? a.files.map((f) => f.slice(twoStep.length)) : a[k]);
      }
      for (const k of ['dates', 'rows', 'rowsByDate', 'positives', 'positiveRate', 'nullRate', 'passes'] as const) expect(b.features[k]).toEqual(af[k]);
      expect(b.features.passes).toEqual({ engine: 2, sql: 0, fallbacks: [] });
      for (const dataset of ['consolidated', 'features']) {
        const x = await rows(twoStep, dataset);
        expect(x.length).toBe(a.rows);
        expect(await rows(fused, dataset)).toEqual(x);
      }
      // Lanes and batch sizes change which dates are in flight together, never the files.
      for (const variant of [{ lanes: 1 }, { lanes: 3, batchDates: 1 }, {}]) {
        const dir = await mkdtemp(join(tmpdir(), 'spyglass-paths-lanes-'));
        try {
          await cp(join(sql, 'raw'), join(dir, 'raw'), { recursive: true });
          const v = await consolidateAndGenerateFeatures({ root: dir, dates: DATES, ...variant });
          expect(v.consolidated.uniqueOptions).toBe(a.uniqueOptions);
          expect(v.features.nullRate).toEqual(af.nullRate);
          for (const dataset of ['consolidated', 'features']) expect(await rows(dir, dataset)).toEqual(await rows(twoStep, dataset));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      // The sql method has no kernel pass to continue from: the features come from generateFeatures' sql path.
      const c = await consolidateAndGenerateFeatures({ root: viaSql, dates: DATES, batchDates: 2, method: 'sql' });
      expect(c.features.passes).toEqual({ engine: 0, sql: 2, fallbacks: [] });
      expect(await rows(viaSql, 'consolidated')).toEqual(await rows(twoStep, 'consolidated'));
      expect(c.features.rows).toBe(af.rows);
    } finally {
      for (const dir of [twoStep, fused, viaSql]) await rm(dir, { recursive: true, force: true });
    }
  });
});
