import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { loadFeatureTable } from './load-feature-table.js';
import { backtest, parseTradesCsv, tradesCsv } from '../evaluation/backtest.js';

describe('loadFeatureTable', () => {
  const source = syntheticTable({ days: 4, minutesPerDay: 5, seed: 2, missingRate: 0.1 });
  let root: string;

  // The feature dataset as processing writes it, labelled with a `windowMinutes` forward window.
  async function writeFeatureDataset(root: string, windowMinutes: number): Promise<void> {
    const cols = source.columns.length;
    // One CSV per day, converted to Parquet by DuckDB into the hive layout processing writes.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const day of [...new Set(source.date)]) {
      const lines = [`ts,ticker,target,max_gain_${windowMinutes}m,min_loss_${windowMinutes}m,time_to_max_min,close,` + source.columns.join(',')];
      for (let r = 0; r < source.rows; r++) {
        if (source.date[r] !== day) continue;
        const f = Array.from(source.data.subarray(r * cols, (r + 1) * cols), (v) => (Number.isNaN(v) ? '' : v));
        lines.push([source.timestamp[r], source.ticker[r], source.label[r], source.maxGain![r], source.minLoss![r], source.timeToMax![r], 590.5, ...f].join(','));
      }
      // one unlabeled row per day (its forward window is incomplete)
      lines.push([source.timestamp.find((_, i) => source.date[i] === day)! + 3_600_000, 'O:X', '', '', '', '', 1, ...new Array(cols).fill(0)].join(','));
      const dir = join(root, 'processed', 'features', `date=${day}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'part.csv'), lines.join('\n'));
      await conn.run(
        `COPY (SELECT epoch_ms(ts::BIGINT) AS "timestamp", * EXCLUDE (ts) FROM read_csv('${join(dir, 'part.csv')}')) TO '${join(dir, 'part-0.parquet')}' (FORMAT parquet)`,
      );
      rmSync(join(dir, 'part.csv'));
    }
    conn.closeSync();
    db.closeSync();
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ml-load-'));
    await writeFeatureDataset(root, 120);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the gain and loss of the window the dataset was labelled with (max_gain_60m), and the trades CSV keeps that name', async () => {
    const other = mkdtempSync(join(tmpdir(), 'ml-load60-'));
    try {
      await writeFeatureDataset(other, 60);
      const t = await loadFeatureTable({ root: other, columns: source.columns });
      expect(t.labelWindowMinutes).toBe(60);
      for (let i = 0; i < t.rows; i++) expect(t.maxGain![i]).toBeCloseTo(source.maxGain![i]!, 9);
      const bt = backtest(t, Array.from({ length: t.rows }, (_, i) => (i % 3 === 0 ? 0.9 : 0.1)), { threshold: 0.5 });
      const csv = tradesCsv(bt.trades, t.labelWindowMinutes);
      expect(csv.split('\n')[0]).toBe('date,ticker,timestamp,probability,is_true_positive,max_gain_60m,min_loss_60m,time_to_max_min');
      expect(parseTradesCsv(csv).map((x) => x.maxGain120m)).toEqual(bt.trades.map((x) => (Number.isFinite(x.maxGain120m) ? x.maxGain120m : Number.NaN)));
      expect((await loadFeatureTable({ root, columns: source.columns })).labelWindowMinutes).toBe(120);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reads every labelled row in time order, NULL as NaN, label columns split out', async () => {
    const t = await loadFeatureTable({ root, columns: source.columns });
    expect(t.rows).toBe(source.rows);
    expect(t.unlabeledRows).toBe(4);
    // synthetic rows are already in (timestamp, ticker) order
    expect(Array.from(t.timestamp)).toEqual(Array.from(source.timestamp));
    expect(t.ticker).toEqual(source.ticker);
    expect(t.date).toEqual(source.date);
    expect(Array.from(t.label)).toEqual(Array.from(source.label));
    expect(Array.from(t.data)).toEqual(Array.from(source.data));
    // The unit at the dataset boundary: the table holds the stored fractions unscaled (0.35 = +35 %).
    expect(Math.max(...Array.from(t.maxGain!).filter(Number.isFinite))).toBeLessThan(1);
    for (let i = 0; i < t.rows; i++) {
      expect(t.maxGain![i]).toBeCloseTo(source.maxGain![i]!, 9);
      expect(t.minLoss![i]).toBeCloseTo(source.minLoss![i]!, 9);
    }
  });

  it('filters days and infers numeric non-forbidden columns when none are given', async () => {
    const days = [...new Set(source.date)];
    const t = await loadFeatureTable({ root, from: days[1], to: days[2], columns: 'numeric' });
    expect([...new Set(t.date)]).toEqual([days[1], days[2]]);
    expect(t.columns).toEqual([...source.columns].sort());
    expect(t.columns).not.toContain('close');
  });

  it.each<[Record<string, unknown>, string]>([
    [{ columns: ['signal_a', 'nope'] }, 'SCHEMA_DRIFT'],
    [{}, 'SCHEMA_DRIFT'], // the default FEATURE_COLUMNS are not in this synthetic dataset
    [{ root: '/nonexistent' }, 'NOT_FOUND'],
  ])('fails clearly for %j', async (extra, code) => {
    await expect(loadFeatureTable({ root, ...extra })).rejects.toMatchObject({ code });
  });
});
