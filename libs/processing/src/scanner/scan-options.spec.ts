import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OptionBar } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { formatScanReport, scanOptions } from '../index.js';
import { writeSimulatedRaw } from '../__test-support__/simulated-raw.js';

// 10:00 ET on 2025-03-04.
const T0 = Date.UTC(2025, 2, 4, 15, 0);

function bars(ticker: string, strike: number, closes: number[], startMinute = 0): OptionBar[] {
  return closes.map((c, k) => ({
    ticker, timestamp: T0 + (startMinute + k) * 60_000, open: k === 0 ? 1 : closes[k - 1]!, high: Math.max(c, k === 0 ? 1 : closes[k - 1]!), low: Math.min(c, k === 0 ? 1 : closes[k - 1]!),
    close: c, volume: 10, vwap: null, transactions: 1, ingestedAt: T0, underlying: 'SPY', expiration: '2025-03-04', strike, contractType: 'call',
  }));
}

describe('scanOptions', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'spyglass-scan-'))));
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('finds each maximal run above +20 % of the contract-day open and summarises it', async () => {
    const ds = new ParquetDataset<OptionBar>({ root, spec: rawDatasetSpecs.options, fsync: false });
    await ds.write([
      // open 1.00: runs above 1.20 at minutes 2–3 and 5 → two events; 7 bars, 3 above.
      ...bars('O:SPY250304C00600000', 600, [1.0, 1.1, 1.25, 1.3, 1.1, 1.22, 1.0]),
      // never 20 % above: a contract-day with zero events.
      ...bars('O:SPY250304C00601000', 601, [1.0, 1.05, 1.19]),
      // an event starting in the 11:00 ET hour.
      ...bars('O:SPY250304C00602000', 602, [1.0, 1.5, 1.6], 70),
    ]);
    const s = await scanOptions({ root, dates: ['2025-03-04'] });
    expect(s).toMatchObject({ contractDays: 3, bars: 13, events: 3, minutesAbove: 5, eventsPerContractDay: { min: 0, median: 1, max: 2 } });
    expect(s.positiveMinuteRate).toBeCloseTo(5 / 13, 10);
    expect(s.eventList.map((e) => [e.ticker.slice(-4), e.durationMinutes, e.triggerPrice, e.peakPrice, e.triggerHourEt])).toEqual([
      ['0000', 2, 1.25, 1.3, 10],
      ['0000', 1, 1.22, 1.22, 10],
      ['2000', 2, 1.5, 1.6, 11],
    ]);
    expect(s.durationMinutes).toEqual({ median: 2, mean: 5 / 3 });
    expect(s.eventsByHourEt).toMatchObject({ '9': 0, '10': 2, '11': 1, '16': 0 });
    const csv = (await readFile(s.csvPath!, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('ticker,date,start_utc,end_utc,trigger_hour_et,duration_minutes,bars,reference_price,trigger_price,peak_price,peak_gain');
    expect(csv).toHaveLength(4);
    expect(csv[1]).toContain('O:SPY250304C00600000,2025-03-04,2025-03-04T15:02:00.000Z,2025-03-04T15:03:00.000Z,10,2,2,1,1.25,1.3,0.300000'); // peak_gain a fraction: +30 %
    const text = formatScanReport(s, 10);
    expect(text).toContain('Total events:               3');
    expect(text).toMatch(/10:xx │█{10} 2/);
    expect(text).toMatch(/11:xx │█{5} 1/);
  });

  it('summarises a simulated week consistently', async () => {
    await writeSimulatedRaw({ root, dates: ['2025-03-03', '2025-03-04', '2025-03-05'], contractsPerDay: 4 });
    const s = await scanOptions({ root, dates: ['2025-03-03', '2025-03-05'].concat('2025-03-04'), threshold: 0.2 });
    expect(s.contractDays).toBe(12);
    expect(Object.values(s.eventsByHourEt).reduce((a, b) => a + b, 0)).toBe(s.events);
    expect(s.eventList.reduce((a, e) => a + e.bars, 0)).toBe(s.minutesAbove);
    expect(s.eventsPerContractDay.min).toBeLessThanOrEqual(s.eventsPerContractDay.median);
    expect(s.eventsPerContractDay.median).toBeLessThanOrEqual(s.eventsPerContractDay.max);
    for (const e of s.eventList) expect(e.peakGain).toBeGreaterThanOrEqual(0.2 - 1e-9);
  });

  it('returns an empty summary when nothing is stored', async () => {
    const s = await scanOptions({ root, dates: ['2025-03-04'] });
    expect(s).toMatchObject({ contractDays: 0, events: 0, csvPath: null });
  });
});
