import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bsPrice } from '@spyglass/features';
import { SchemaDriftMonitor } from '@spyglass/storage';
import { consolidate } from '../index.js';
import { duckQuery as query } from '../__test-support__/duck-query.js';
import { writeSimulatedRaw } from '../__test-support__/simulated-raw.js';

const DATES = ['2025-03-03', '2025-03-04'];

describe('consolidate', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-cons-'));
    await writeSimulatedRaw({ root, dates: DATES, contractsPerDay: 4 });
    // The real VIX feed misses minutes; drop every 7th one of 2025-03-04 so forward-fill is exercised.
    const vix = join(root, 'raw', 'indices', 'ticker=I:VIX', 'date=2025-03-04', 'part-0.parquet');
    await query(`COPY (SELECT * FROM read_parquet('${vix}') WHERE (epoch_ms(timestamp) // 60000) % 7 <> 3) TO '${vix}.tmp' (FORMAT parquet)`);
    await rename(`${vix}.tmp`, vix);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('writes one row per option bar per minute with the underlying, VIX, indicators, news and greeks', async () => {
    const s = await consolidate({ root, dates: [...DATES, '2025-03-08'], riskFreeRate: 0.045, dividendYield: 0.013 });
    expect(s.dates).toEqual(DATES);
    expect(s.skipped).toEqual([{ date: '2025-03-08', reason: 'not a trading day' }]);
    const file = join(root, 'processed', 'consolidated', 'date=2025-03-04', 'part-0.parquet');
    expect((await stat(file)).size).toBeGreaterThan(0);
    const raw = await query(`SELECT count(*)::INT AS n FROM read_parquet('${root}/raw/options/*/date=2025-03-04/*.parquet', hive_partitioning=false)`);
    const cons = await query(`SELECT * FROM read_parquet('${file}') ORDER BY ticker, timestamp`);
    expect(cons.length).toBe(raw[0]!.n);
    expect(s.rowsByDate['2025-03-04']).toBe(cons.length);
    expect(s.uniqueOptions).toBe(8);
    // One row per (contract, minute).
    expect(new Set(cons.map((r) => `${r.ticker}|${String(r.timestamp)}`)).size).toBe(cons.length);
    // Stored in (ticker, timestamp) order, with greeks still on their own rows.
    const stored = await query(`SELECT ticker, epoch_ms(timestamp) AS ts, strike, opt_close FROM read_parquet('${file}')`);
    expect(stored.map((r) => `${r.ticker}|${r.ts}`)).toEqual(cons.map((r) => `${r.ticker}|${(r.timestamp as Date).getTime()}`));
  });

  it('aligns SPY and VIX as of the bar start (<=), forward-filling a missing VIX minute', async () => {
    const file = `${root}/processed/consolidated/date=2025-03-04/part-0.parquet`;
    const check = await query(`
      WITH c AS (SELECT ticker, epoch_ms(timestamp) AS ts, spy_close, vix_close, vix_age_minutes FROM read_parquet('${file}')),
           spy AS (SELECT epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/stocks/ticker=SPY/date=2025-03-04/*.parquet', hive_partitioning=false)),
           vix AS (SELECT epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/indices/*/date=2025-03-04/*.parquet', hive_partitioning=false))
      SELECT count(*)::INT AS n,
        count(*) FILTER (WHERE c.spy_close IS DISTINCT FROM (SELECT s."close" FROM spy s WHERE s.ts <= c.ts ORDER BY s.ts DESC LIMIT 1))::INT AS bad_spy,
        count(*) FILTER (WHERE c.vix_close IS DISTINCT FROM (SELECT v."close" FROM vix v WHERE v.ts <= c.ts ORDER BY v.ts DESC LIMIT 1))::INT AS bad_vix,
        count(*) FILTER (WHERE c.vix_age_minutes < 0)::INT AS future_vix,
        count(*) FILTER (WHERE c.vix_age_minutes > 0)::INT AS filled_vix
      FROM c`);
    expect(check[0]).toMatchObject({ bad_spy: 0, bad_vix: 0, future_vix: 0 });
    // The simulator drops some VIX minutes (as the real feed does): those rows were forward-filled.
    expect(check[0]!.filled_vix).toBeGreaterThan(0);
  });

  it('computes IV and greeks that reprice the option, and flags rows without a solution', async () => {
    const rows = await query(`SELECT iv, iv_status, delta, contract_type, moneyness, minutes_to_expiry, opt_close, spy_close, strike
      FROM read_parquet('${root}/processed/consolidated/*/*.parquet')`);
    const solved = rows.filter((r) => r.iv !== null);
    expect(solved.length).toBeGreaterThan(rows.length * 0.5);
    for (const r of solved) {
      const years = (r.minutes_to_expiry as number) / (365 * 1440);
      const repriced = bsPrice({ type: r.contract_type as 'call' | 'put', spot: r.spy_close as number, strike: r.strike as number, years, rate: 0.045, dividendYield: 0.013, vol: r.iv as number });
      expect(Math.abs(repriced - (r.opt_close as number))).toBeLessThan(1e-6);
      expect(r.iv_status).toBeNull();
      expect(r.iv as number).toBeGreaterThan(0);
      if (r.contract_type === 'call') expect(r.delta as number).toBeGreaterThanOrEqual(0);
      else expect(r.delta as number).toBeLessThanOrEqual(0);
    }
    for (const r of rows.filter((x) => x.iv === null)) expect(['BELOW_INTRINSIC', 'ABOVE_UPPER_BOUND', 'NOT_CONVERGED', 'INVALID_INPUT', 'EXPIRED']).toContain(r.iv_status);
    for (const r of rows) {
      expect(r.moneyness as number).toBeCloseTo((r.spy_close as number) / (r.strike as number), 12);
      expect(r.minutes_to_expiry as number).toBeGreaterThan(0);
      expect(r.minutes_to_expiry as number).toBeLessThanOrEqual(390);
    }
  });

  it('attaches news sentiment published at or before the bar start, within the lookback only', async () => {
    const check = await query(`
      WITH c AS (SELECT DISTINCT epoch_ms(timestamp) AS ts, news_count, news_sentiment_latest, minutes_since_news FROM read_parquet('${root}/processed/consolidated/*/*.parquet')),
           n AS (SELECT DISTINCT id, epoch_ms(timestamp) AS ts, sentiment FROM read_parquet('${root}/raw/news/*/*/*.parquet', hive_partitioning=false))
      SELECT count(*)::INT AS rows, sum(news_count)::INT AS total_news,
        count(*) FILTER (WHERE news_count IS DISTINCT FROM (SELECT count(*) FROM n WHERE n.ts <= c.ts AND n.ts > c.ts - 3600000))::INT AS bad_count,
        count(*) FILTER (WHERE minutes_since_news > 60 OR minutes_since_news < 0)::INT AS out_of_window
      FROM c`);
    expect(check[0]).toMatchObject({ bad_count: 0, out_of_window: 0 });
    expect(check[0]!.total_news).toBeGreaterThan(0);
  });

  it('checks the written partitions against the schema baseline and reports drift', async () => {
    const monitor = new SchemaDriftMonitor({ root });
    const first = await consolidate({ root, dates: DATES, schemaDrift: { monitor } });
    expect(first.schemaDrift).toMatchObject({ dataset: 'processed/consolidated', drifted: false, filesChecked: 2 });
    // Pretend yesterday's schema had no `iv` and a string strike: today's files must be reported.
    const baseline = (await monitor.baseline(join(root, 'processed', 'consolidated')))!;
    await monitor.setBaseline(
      join(root, 'processed', 'consolidated'),
      baseline.columns.filter((c) => c.name !== 'iv').map((c) => (c.name === 'strike' ? { ...c, type: 'utf8' } : c)),
    );
    const second = await consolidate({ root, dates: DATES, schemaDrift: { monitor } });
    expect(second.schemaDrift?.drifted).toBe(true);
    expect(second.schemaDrift?.changes.map((c) => [c.kind, c.column])).toEqual(expect.arrayContaining([['new_column', 'iv'], ['type_change', 'strike']]));
    await expect(consolidate({ root, dates: DATES, schemaDrift: { monitor, failOnDrift: true } })).rejects.toMatchObject({ code: 'SCHEMA_DRIFT' });
    await monitor.setBaseline(join(root, 'processed', 'consolidated'), baseline.columns);
  });

  it('is idempotent: a second run writes identical rows', async () => {
    const before = await query(`SELECT * FROM read_parquet('${root}/processed/consolidated/*/*.parquet') ORDER BY ticker, timestamp`);
    await consolidate({ root, dates: DATES });
    const after = await query(`SELECT * FROM read_parquet('${root}/processed/consolidated/*/*.parquet') ORDER BY ticker, timestamp`);
    expect(after).toEqual(before);
  });
});
