import type { SimBar, SimIndexBar } from './sim-bar.js';
import { round4 } from './sim-bar.js';

/** Timespans the simulator aggregates (the API also has second, week, month, quarter, year). */
export type Timespan = 'minute' | 'hour' | 'day';

/** Length of one bucket in ms, for intraday timespans. */
export function bucketMs(multiplier: number, timespan: Exclude<Timespan, 'day'>): number {
  return multiplier * (timespan === 'minute' ? 60_000 : 3_600_000);
}

/**
 * Rolls minute bars up into buckets starting at `key(t)`: open of the first, close of the last,
 * extremes, summed volume and trades, volume-weighted `vw`. Index bars (no `v`) keep o/h/l/c only.
 *
 * @example
 * ```ts
 * aggregateBars(minuteBars, (t) => t - (t % 300_000)); // 5-minute bars
 * ```
 */
export function aggregateBars<B extends SimBar | SimIndexBar>(bars: readonly B[], key: (t: number) => number): B[] {
  const out: B[] = [];
  let cur: { t: number; o: number; h: number; l: number; c: number; v: number; vwSum: number; n: number; hasVolume: boolean } | null = null;
  const flush = (): void => {
    if (!cur) return;
    if (cur.hasVolume) {
      out.push({ t: cur.t, o: cur.o, h: cur.h, l: cur.l, c: cur.c, v: cur.v, vw: round4(cur.v > 0 ? cur.vwSum / cur.v : cur.c), n: cur.n } as unknown as B);
    } else out.push({ t: cur.t, o: cur.o, h: cur.h, l: cur.l, c: cur.c } as B);
  };
  for (const b of bars) {
    const k = key(b.t);
    const volume = 'v' in b ? b.v : 0;
    if (!cur || cur.t !== k) {
      flush();
      cur = { t: k, o: b.o, h: b.h, l: b.l, c: b.c, v: volume, vwSum: 'vw' in b ? b.vw * volume : 0, n: 'n' in b ? b.n : 0, hasVolume: 'v' in b };
    } else {
      cur.h = Math.max(cur.h, b.h);
      cur.l = Math.min(cur.l, b.l);
      cur.c = b.c;
      cur.v += volume;
      cur.vwSum += 'vw' in b ? b.vw * volume : 0;
      cur.n += 'n' in b ? b.n : 0;
    }
  }
  flush();
  return out;
}
