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
    const s = await prepareTraining({ root, dates: ['2025-03-04', '2025-03-05'], minTargetCoveragePct: 50 });
    expect(s.skipped).toEqual([{ date: '2025-03-05', reason: 'no consolidated partition' }]);
    expect(s.rowsKept + s.rowsDroppedLowCoverage).toBe(s.rowsIn);
    expect(s.rowsDroppedLowCoverage).toBeGreaterThan(0); // at least each contract's last minutes
    const rows = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, opt_close, future_max_close_120m, future_min_close_120m, future_bars_120m,
        target_coverage_pct, target, max_gain_120m FROM read_parquet('${root}/processed/training/*/*.parquet') ORDER BY ticker, timestamp`);
    expect(rows).toHaveLength(s.rowsKept);
    const raw = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/options/*/date=2025-03-04/*.parquet', hive_partitioning=false)`);
    const close = Date.UTC(2025, 2, 4, 21, 0);
    for (const r of rows.filter((_, k) => k % 37 === 0)) {
      const future = raw.filter((b) => b.ticker === r.ticker && Number(b.ts) > Number(r.ts) && Number(b.ts) <= Number(r.ts) + 7_200_000);
      expect(r.future_bars_120m).toBe(future.length);
      expect(r.future_max_close_120m).toBe(Math.max(...future.map((b) => b.close as number)));
      expect(r.future_min_close_120m).toBe(Math.min(...future.map((b) => b.close as number)));
      const minutes = Math.min(120, (close - Number(r.ts)) / 60_000 - 1);
      expect(r.target_coverage_pct as number).toBeCloseTo((100 * future.length) / minutes, 9);
    }
    for (const r of rows) {
      expect(r.target_coverage_pct as number).toBeGreaterThanOrEqual(50);
      expect(r.target).toBe((r.future_max_close_120m as number) >= 1.2 * (r.opt_close as number) ? 1 : 0);
    }
  });

  it.each([0, 100])('keeps rows by the %i %% coverage threshold (and never leaves a stale partition)', async (pct) => {
    const s = await prepareTraining({ root, dates: ['2025-03-04'], minTargetCoveragePct: pct });
    if (s.rowsKept === 0) {
      await expect(stat(join(root, 'processed', 'training', 'date=2025-03-04', 'part-0.parquet'))).rejects.toMatchObject({ code: 'ENOENT' });
      return;
    }
    const rows = await duckQuery(`SELECT min(target_coverage_pct) AS lo, count(*)::INT AS n FROM read_parquet('${root}/processed/training/*/*.parquet')`);
    expect(rows[0]!.n).toBe(s.rowsKept);
    expect(rows[0]!.lo as number).toBeGreaterThanOrEqual(pct);
    if (pct === 0) expect(s.rowsKept).toBe(s.rowsIn);
  });

  it('rejects a coverage outside [0, 100]', async () => {
    await expect(prepareTraining({ root, dates: ['2025-03-04'], minTargetCoveragePct: 120 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
