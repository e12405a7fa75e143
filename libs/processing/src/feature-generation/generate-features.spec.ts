import { cp, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelForwardWindow, rsi } from '@spyglass/features';
import { consolidate, DEFAULT_BATCH_DATES, FEATURE_COLUMNS, FEATURE_GROUPS, FEATURE_GROUP_NAMES, FEATURE_DEFINITIONS, generateFeatures, IDENTIFIER_COLUMNS, LABEL_COLUMNS } from '../index.js';
import { duckQuery } from '../__test-support__/duck-query.js';
import { writeSimulatedRaw } from '../__test-support__/simulated-raw.js';

const DATES = ['2025-03-04', '2025-03-05'];
// 12:00 ET on 2025-03-04 (EST): the perturbation boundary of the look-ahead test.
const CUT = Date.UTC(2025, 2, 4, 17, 0);

describe('feature catalog', () => {
  it('has 66 uniquely named features in 13 groups', () => {
    expect(FEATURE_COLUMNS).toHaveLength(66);
    expect(new Set(FEATURE_COLUMNS).size).toBe(66);
    expect(FEATURE_GROUP_NAMES).toHaveLength(13);
    expect(Object.values(FEATURE_GROUPS).flat()).toEqual(FEATURE_COLUMNS);
    for (const g of FEATURE_GROUP_NAMES) expect(FEATURE_GROUPS[g].length).toBeGreaterThan(0);
    for (const c of [...LABEL_COLUMNS, ...IDENTIFIER_COLUMNS]) expect(FEATURE_COLUMNS).not.toContain(c);
  });

  it('is documented row for row, in order, in the README table', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Features\n'));
    const rows = section.split('\n').filter((l) => /^\| `[a-z0-9_]+` \|/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[1]!.replace(/`/g, ''))).toEqual(FEATURE_COLUMNS);
    rows.forEach((r, k) => {
      expect(r[2]).toBe(FEATURE_DEFINITIONS[k]!.group);
      expect(r[3]).toBe(FEATURE_DEFINITIONS[k]!.formula);
      expect(r[4]).toBe(FEATURE_DEFINITIONS[k]!.lookback);
    });
  });
});

describe('generateFeatures', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-feat-'));
    await writeSimulatedRaw({ root, dates: DATES, contractsPerDay: 4 });
    await consolidate({ root, dates: DATES });
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('writes the same consolidated and feature rows in passes of DEFAULT_BATCH_DATES (bounded memory) as in one pass over a multi-day range', async () => {
    // six sessions over a weekend: the default passes are 4 + 2 dates, the reference one pass of all
    const days = ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-10'];
    expect(days.length).toBeGreaterThan(DEFAULT_BATCH_DATES);
    const single = await mkdtemp(join(tmpdir(), 'spyglass-feat-batch-'));
    const whole = await mkdtemp(join(tmpdir(), 'spyglass-feat-batch-'));
    try {
      await writeSimulatedRaw({ root: single, dates: days, contractsPerDay: 4 });
      await cp(join(single, 'raw'), join(whole, 'raw'), { recursive: true });
      for (const [dir, batchDates] of [[single, undefined], [whole, 64]] as const) {
        await consolidate({ root: dir, dates: days, batchDates });
        await generateFeatures({ root: dir, dates: days, batchDates });
      }
      for (const dataset of ['consolidated', 'features']) {
        for (const date of days) {
          const rows = async (base: string) => duckQuery(`SELECT * FROM read_parquet('${base}/processed/${dataset}/date=${date}/part-0.parquet')`);
          const [batched, perDate] = [await rows(whole), await rows(single)];
          expect(perDate.length).toBeGreaterThan(0);
          if (dataset === 'consolidated') expect(perDate).toEqual(batched);
          else {
            // DuckDB's windowed aggregates (stddev in opt_volume_z_20) can differ in the last bit
            // with the size of the pass (its segment trees are built over what it holds): equal
            // to 1e-12 relative, every other value exactly.
            expect(perDate.map((r) => Object.keys(r))).toEqual(batched.map((r) => Object.keys(r)));
            perDate.forEach((r, i) => {
              for (const [k, v] of Object.entries(r)) {
                const b = batched[i]![k];
                if (typeof v === 'number' && typeof b === 'number' && v !== b) expect(Math.abs(v - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
                else expect(v).toEqual(b);
              }
            });
          }
        }
      }
    } finally {
      await rm(single, { recursive: true, force: true });
      await rm(whole, { recursive: true, force: true });
    }
  }, 600_000);

  it('writes identifiers, the 66 features and the labels for every consolidated row', async () => {
    const s = await generateFeatures({ root, dates: [...DATES, '2025-03-06'] });
    expect(s.dates).toEqual(DATES);
    expect(s.skipped).toEqual([{ date: '2025-03-06', reason: 'no consolidated partition' }]);
    expect(s.schemaDrift).toMatchObject({ dataset: 'processed/features', drifted: false, baselineCreated: true });
    const cons = await duckQuery(`SELECT count(*)::INT AS n FROM read_parquet('${root}/processed/consolidated/*/*.parquet')`);
    expect(s.rows).toBe(cons[0]!.n);
    const schema = await duckQuery(`SELECT name FROM parquet_schema('${root}/processed/features/date=2025-03-04/part-0.parquet') WHERE name <> 'duckdb_schema'`);
    expect(schema.map((r) => r.name)).toEqual([...IDENTIFIER_COLUMNS.filter((c) => c !== 'date'), ...FEATURE_COLUMNS, ...LABEL_COLUMNS]);
    const order = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts FROM read_parquet('${root}/processed/features/date=2025-03-04/part-0.parquet')`);
    const sorted = [...order].sort((a, b) => String(a.ticker).localeCompare(String(b.ticker)) || Number(a.ts) - Number(b.ts));
    expect(order).toEqual(sorted);
    // Features that need no warm-up are always present.
    for (const c of ['minute_of_session', 'moneyness', 'minutes_to_expiry', 'vix_close', 'spy_log_volume']) expect(s.nullRate[c]).toBe(0);
    // The summary's counts (taken from the files' Parquet statistics) equal a scan of the files.
    const scan = await duckQuery(`SELECT regexp_extract(filename, 'date=([0-9-]+)', 1) AS date, count(*)::INT AS n, ${FEATURE_COLUMNS.map((c) => `(count(*) - count(${c}))::INT AS ${c}`).join(', ')}
      FROM read_parquet('${root}/processed/features/*/*.parquet', filename = true) GROUP BY ALL ORDER BY date`);
    expect(s.rowsByDate).toEqual(Object.fromEntries(scan.map((r) => [String(r.date), r.n])));
    expect(Object.values(s.nullRate).some((r) => r > 0)).toBe(true);
    for (const c of FEATURE_COLUMNS) expect(s.nullRate[c]).toBe(scan.reduce((a, r) => a + Number(r[c]), 0) / s.rows);
  });

  it('matches the features library on the underlying (RSI, reset each session) and recomputes labels exactly', async () => {
    const spy = await duckQuery(`SELECT epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/stocks/ticker=SPY/date=2025-03-04/*.parquet') ORDER BY ts`);
    const expected = rsi(spy.map((r) => r.close as number), 14);
    const byTs = new Map(spy.map((r, k) => [Number(r.ts), expected[k]!]));
    const feat = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, spy_rsi_14, target, max_gain_120m, min_loss_120m, time_to_max_min
      FROM read_parquet('${root}/processed/features/date=2025-03-04/*.parquet') ORDER BY ticker, timestamp`);
    for (const r of feat) {
      const want = byTs.get(Number(r.ts))!;
      if (Number.isNaN(want)) expect(r.spy_rsi_14).toBeNull();
      else expect(r.spy_rsi_14 as number).toBeCloseTo(want, 9);
    }
    const opt = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/options/*/date=2025-03-04/*.parquet', hive_partitioning=false) ORDER BY ticker, ts`);
    const ticker = opt[0]!.ticker;
    const series = opt.filter((r) => r.ticker === ticker);
    const l = labelForwardWindow({ timestamps: series.map((r) => Number(r.ts)), closes: series.map((r) => r.close as number) });
    const got = feat.filter((r) => r.ticker === ticker);
    // An empty window (the contract's last bar of the day) has no label: NULL, not a negative.
    expect(got.map((r) => r.target)).toEqual(Array.from(l.target, (t, k) => (Number.isNaN(l.maxGain[k]!) ? null : t)));
    expect(got.at(-1)!.target).toBeNull();
    got.forEach((r, k) => {
      if (Number.isNaN(l.maxGain[k]!)) expect(r.max_gain_120m).toBeNull();
      else expect(r.max_gain_120m as number).toBeCloseTo(l.maxGain[k]!, 12);
    });
  });

  it('names the gain and loss columns after the configured window and labels with that window (60 minutes)', async () => {
    const other = await mkdtemp(join(tmpdir(), 'spyglass-feat60-'));
    try {
      await cp(join(root, 'raw'), join(other, 'raw'), { recursive: true });
      await cp(join(root, 'processed', 'consolidated'), join(other, 'processed', 'consolidated'), { recursive: true });
      await generateFeatures({ root: other, dates: ['2025-03-04'], labels: { threshold: 0.2, windowMinutes: 60 } });
      const file = `${other}/processed/features/date=2025-03-04/part-0.parquet`;
      const schema = (await duckQuery(`SELECT name FROM parquet_schema('${file}')`)).map((r) => r.name);
      expect(schema).toEqual(expect.arrayContaining(['target', 'max_gain_60m', 'min_loss_60m', 'time_to_max_min']));
      expect(schema.filter((c) => /_120m$/.test(String(c)))).toEqual([]);
      const feat = await duckQuery(`SELECT ticker, max_gain_60m FROM read_parquet('${file}') ORDER BY ticker, timestamp`);
      const opt = await duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, "close" FROM read_parquet('${root}/raw/options/*/date=2025-03-04/*.parquet', hive_partitioning=false) ORDER BY ticker, ts`);
      const ticker = opt[0]!.ticker;
      const series = opt.filter((r) => r.ticker === ticker);
      const l = labelForwardWindow({ timestamps: series.map((r) => Number(r.ts)), closes: series.map((r) => r.close as number), windowMinutes: 60 });
      feat.filter((r) => r.ticker === ticker).forEach((r, k) => {
        if (Number.isNaN(l.maxGain[k]!)) expect(r.max_gain_60m).toBeNull();
        else expect(r.max_gain_60m as number).toBeCloseTo(l.maxGain[k]!, 12);
      });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('turns a zero price that slipped past validation into NULL features, never Infinity or an abort', async () => {
    const other = await mkdtemp(join(tmpdir(), 'spyglass-feat-zero-'));
    try {
      await cp(join(root, 'raw'), join(other, 'raw'), { recursive: true });
      const tickerDir = (await readdir(join(other, 'raw', 'options')))[0]!;
      const file = join(other, 'raw', 'options', tickerDir, 'date=2025-03-04', 'part-0.parquet');
      await duckQuery(`COPY (SELECT * REPLACE (CASE WHEN row_number() OVER (ORDER BY timestamp) = 30 THEN 0.0 ELSE "close" END AS "close",
        CASE WHEN row_number() OVER (ORDER BY timestamp) = 30 THEN 0.0 ELSE low END AS low) FROM read_parquet('${file}')) TO '${file}.tmp' (FORMAT parquet)`);
      await rename(`${file}.tmp`, file);
      await consolidate({ root: other, dates: ['2025-03-04'] });
      const s = await generateFeatures({ root: other, dates: ['2025-03-04'] });
      expect(s.rows).toBeGreaterThan(0);
      const bad = await duckQuery(`SELECT count(*)::INT AS n FROM read_parquet('${other}/processed/features/*/*.parquet')
        WHERE ${FEATURE_COLUMNS.map((c) => `NOT isfinite(coalesce(${c}, 0))`).join(' OR ')}`);
      expect(bad[0]!.n).toBe(0);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('uses no data after the row: perturbing every bar and article after 12:00 ET leaves earlier features unchanged', async () => {
    const other = await mkdtemp(join(tmpdir(), 'spyglass-feat-future-'));
    try {
      await cp(join(root, 'raw'), join(other, 'raw'), { recursive: true });
      await perturbAfter(other, CUT);
      await consolidate({ root: other, dates: DATES });
      await generateFeatures({ root: other, dates: DATES });
      const cols = FEATURE_COLUMNS.join(', ');
      const read = (r: string) =>
        duckQuery(`SELECT ticker, epoch_ms(timestamp) AS ts, ${cols} FROM read_parquet('${r}/processed/features/date=2025-03-04/*.parquet')
                   WHERE epoch_ms(timestamp) <= ${CUT} ORDER BY ticker, timestamp`);
      const [base, perturbed] = await Promise.all([read(root), read(other)]);
      expect(base.length).toBeGreaterThan(100);
      expect(perturbed).toEqual(base);
      // The perturbation is real: later rows did change.
      const later = await duckQuery(`SELECT a.spy_ret_1m AS a, b.spy_ret_1m AS b FROM read_parquet('${root}/processed/features/date=2025-03-04/*.parquet') a
        JOIN read_parquet('${other}/processed/features/date=2025-03-04/*.parquet') b USING (ticker, timestamp) WHERE epoch_ms(a.timestamp) > ${CUT + 600_000}`);
      expect(later.some((r) => r.a !== r.b)).toBe(true);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

/** Rewrites every raw partition of 2025-03-04 with prices, volumes and sentiment changed after `cut`. */
async function perturbAfter(root: string, cut: number): Promise<void> {
  const edits: Record<string, string> = {
    stocks: `* REPLACE (CASE WHEN epoch_ms(timestamp) > ${cut} THEN open * 1.37 ELSE open END AS open, CASE WHEN epoch_ms(timestamp) > ${cut} THEN high * 1.37 ELSE high END AS high,
      CASE WHEN epoch_ms(timestamp) > ${cut} THEN low * 1.37 ELSE low END AS low, CASE WHEN epoch_ms(timestamp) > ${cut} THEN "close" * 1.41 ELSE "close" END AS "close",
      CASE WHEN epoch_ms(timestamp) > ${cut} THEN volume * 3 ELSE volume END AS volume)`,
    indices: `* REPLACE (CASE WHEN epoch_ms(timestamp) > ${cut} THEN "close" * 2 ELSE "close" END AS "close")`,
    options: `* REPLACE (CASE WHEN epoch_ms(timestamp) > ${cut} THEN "close" * 3 ELSE "close" END AS "close", CASE WHEN epoch_ms(timestamp) > ${cut} THEN volume * 5 ELSE volume END AS volume)`,
    news: `* REPLACE (CASE WHEN epoch_ms(timestamp) > ${cut} THEN 'negative' ELSE sentiment END AS sentiment)`,
  };
  for (const [dataset, select] of Object.entries(edits)) {
    for (const tickerDir of await readdir(join(root, 'raw', dataset))) {
      const file = join(root, 'raw', dataset, tickerDir, 'date=2025-03-04', 'part-0.parquet');
      const exists = await readdir(join(root, 'raw', dataset, tickerDir)).then((d) => d.includes('date=2025-03-04'));
      if (!exists) continue;
      await duckQuery(`COPY (SELECT ${select} FROM read_parquet('${file}')) TO '${file}.tmp' (FORMAT parquet)`);
      await rename(`${file}.tmp`, file);
    }
  }
}
