import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consolidate, prepareTraining } from '../index.js';
import { duckQuery } from '../__test-support__/duck-query.js';
import { writeSimulatedRaw } from '../__test-support__/simulated-raw.js';

describe('prepareTraining', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-train-'));
    await writeSimulatedRaw({ root, dates: ['2025-03-04'], contractsPerDay: 4 });
    await consolidate({ root, dates: ['2025-03-04'] });
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('adds future target prices within the session and filters by coverage', async () => {
    const s = await prepareTraining({ root, dates: ['2025-03-04', '2025-03-05'], minTargetCoverage: 0.5 });
    expect(s.skipped).toEqual([{ date: '2025-03-05', reason: 'no consolidated partition' }]);
    expect(s.rowsKept + s.rowsDroppedLowCoverage).toBe(s.rowsIn);
    expect(s.rowsDroppedLowCoverage).toBeGreaterThan(0); // at least each contract's last minutes
    const rows = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, opt_close, future_max_close_120m, future_min_close_120m, future_bars_120m,
        target_coverage, target, max_gain_120m FROM read_parquet('${root}/processed/training/*/*.parquet') ORDER BY ticker, timestamp`);
    expect(rows).toHaveLength(s.rowsKept);
    const raw = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/options/*/date=2025-03-04/*.parquet', hive_partitioning=false)`);
    const close = Date.UTC(2025, 2, 4, 21, 0);
    for (const r of rows.filter((_, k) => k % 37 === 0)) {
      const future = raw.filter((b) => b.ticker === r.ticker && Number(b.ts) > Number(r.ts) && Number(b.ts) <= Number(r.ts) + 7_200_000);
      expect(r.future_bars_120m).toBe(future.length);
      expect(r.future_max_close_120m).toBe(Math.max(...future.map((b) => b.close as number)));
      expect(r.future_min_close_120m).toBe(Math.min(...future.map((b) => b.close as number)));
      const minutes = Math.min(120, (close - Number(r.ts)) / 60_000 - 1);
      // The unit at the dataset boundary: a fraction of the window's minutes, not a percent.
      expect(r.target_coverage as number).toBeCloseTo(future.length / minutes, 9);
    }
    for (const r of rows) {
      expect(r.target_coverage as number).toBeGreaterThanOrEqual(0.5);
      expect(r.target_coverage as number).toBeLessThanOrEqual(1);
      expect(r.target).toBe((r.future_max_close_120m as number) >= 1.2 * (r.opt_close as number) ? 1 : 0);
    }
  });

  it.each([0, 1])('keeps rows by the coverage threshold %p (and never leaves a stale partition)', async (min) => {
    const s = await prepareTraining({ root, dates: ['2025-03-04'], minTargetCoverage: min });
    if (s.rowsKept === 0) {
      await expect(stat(join(root, 'processed', 'training', 'date=2025-03-04', 'part-0.parquet'))).rejects.toMatchObject({ code: 'ENOENT' });
      return;
    }
    const rows = await duckQuery(`SELECT min(target_coverage) AS lo, count(*)::INT AS n FROM read_parquet('${root}/processed/training/*/*.parquet')`);
    expect(rows[0]!.n).toBe(s.rowsKept);
    expect(rows[0]!.lo as number).toBeGreaterThanOrEqual(min);
    if (min === 0) expect(s.rowsKept).toBe(s.rowsIn);
  });

  it.each([50, 1.2, -0.1])('rejects coverage %p: the unit is a fraction in [0, 1]', async (min) => {
    await expect(prepareTraining({ root, dates: ['2025-03-04'], minTargetCoverage: min })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/fraction/) });
  });
});
