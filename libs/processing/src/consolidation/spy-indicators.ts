import { bollinger, ema, macd, priceChange, roc, rollingZScore, rsi } from '@spyglass/features';
import type { DuckSession } from '../duck/duck-session.js';

/**
 * Indicator periods used on the underlying's minute bars.
 *
 * @example
 * ```ts
 * const slower: IndicatorSettings = { ...DEFAULT_INDICATORS, rsiPeriod: 21 };
 * ```
 */
export interface IndicatorSettings {
  readonly rsiPeriod: number;
  readonly emaFast: number;
  readonly emaSlow: number;
  readonly macd: readonly [fast: number, slow: number, signal: number];
  readonly bollinger: readonly [period: number, multiplier: number];
  readonly volumeZPeriod: number;
  readonly momentumWindows: readonly number[];
}

/**
 * RSI-14, EMA-9/21, MACD(12,26,9), Bollinger(20,2), volume z-score over 20 bars, momentum over 5/30/60.
 *
 * @example
 * ```ts
 * await consolidate({ root: 'data', dates, indicators: DEFAULT_INDICATORS });
 * ```
 */
export const DEFAULT_INDICATORS: IndicatorSettings = {
  rsiPeriod: 14,
  emaFast: 9,
  emaSlow: 21,
  macd: [12, 26, 9],
  bollinger: [20, 2],
  volumeZPeriod: 20,
  momentumWindows: [5, 30, 60],
};

/**
 * Computes the underlying's indicators with `@spyglass/features` and stores them as the temp table
 * `spy_ind(ts, spy_rsi_14, …)`. Indicators RESET EACH SESSION: every date is computed from its own
 * 09:30 bar, so the overnight gap never enters an EMA or RSI and each date's output depends on that
 * date's raw data alone (a re-run of one date is reproducible on its own). The cost is a warm-up at
 * each open (NaN → NULL until RSI has 14 changes, MACD's signal 34 bars). Windows count bars, and
 * the underlying trades every minute of the session.
 */
export async function buildSpyIndicators(duck: DuckSession, cfg: IndicatorSettings): Promise<string[]> {
  const { cols } = await duck.columns(`SELECT date, ts, "close", volume FROM spy ORDER BY date, ts`);
  const { names, values } = spyIndicatorColumns(cols.date as (string | null)[], cols.close as Float64Array, cols.volume as Float64Array, cfg);
  await duck.createTable('spy_ind', { ts: cols.ts as Float64Array, ...values }, ['ts']);
  return names;
}

/**
 * The underlying's indicator columns (named as {@link buildSpyIndicators} names them, in order)
 * of bars ordered by date and bar start, each date computed from its own first bar.
 */
export function spyIndicatorColumns(
  date: readonly (string | null)[],
  close: Float64Array,
  volume: Float64Array,
  cfg: IndicatorSettings,
): { names: string[]; values: Record<string, Float64Array> } {
  const rows = close.length;
  const names = indicatorColumns(cfg);
  const out: Record<string, Float64Array> = Object.fromEntries(names.map((n) => [n, new Float64Array(rows).fill(Number.NaN)]));
  let start = 0;
  while (start < rows) {
    let end = start;
    while (end < rows && date[end] === date[start]) end++;
    const c = close.subarray(start, end);
    const v = volume.subarray(start, end);
    const put = (name: string, values: Float64Array) => out[name]!.set(values, start);
    put(`spy_rsi_${cfg.rsiPeriod}`, rsi(c, cfg.rsiPeriod));
    put(`spy_ema_${cfg.emaFast}`, ema(c, cfg.emaFast));
    put(`spy_ema_${cfg.emaSlow}`, ema(c, cfg.emaSlow));
    const m = macd(c, ...cfg.macd);
    put('spy_macd', m.macd);
    put('spy_macd_signal', m.signal);
    put('spy_macd_hist', m.histogram);
    const b = bollinger(c, ...cfg.bollinger);
    put('spy_bb_upper', b.upper);
    put('spy_bb_middle', b.middle);
    put('spy_bb_lower', b.lower);
    put(`spy_volume_z_${cfg.volumeZPeriod}`, rollingZScore(v, cfg.volumeZPeriod));
    for (const w of cfg.momentumWindows) {
      put(`spy_roc_${w}`, roc(c, w));
      put(`spy_price_change_${w}`, priceChange(c, w));
    }
    start = end;
  }
  return { names, values: out };
}

/** The indicator column names {@link buildSpyIndicators} produces for `cfg`, in order. */
function indicatorColumns(cfg: IndicatorSettings): string[] {
  return [
    `spy_rsi_${cfg.rsiPeriod}`,
    `spy_ema_${cfg.emaFast}`,
    `spy_ema_${cfg.emaSlow}`,
    'spy_macd',
    'spy_macd_signal',
    'spy_macd_hist',
    'spy_bb_upper',
    'spy_bb_middle',
    'spy_bb_lower',
    `spy_volume_z_${cfg.volumeZPeriod}`,
    ...cfg.momentumWindows.flatMap((w) => [`spy_roc_${w}`, `spy_price_change_${w}`]),
  ];
}
