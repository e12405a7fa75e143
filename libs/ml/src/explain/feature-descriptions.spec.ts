import * as processing from '@spyglass/processing';
import { FORBIDDEN_FEATURES, isForbiddenFeature } from '../data/forbidden-features.js';
import { describeFeature, readFeature } from './feature-descriptions.js';

// The feature engineer's list, once @spyglass/processing exports it.
const engineered = (processing as Record<string, unknown>).FEATURE_COLUMNS as readonly string[] | undefined;

// Names in the original's 13 groups (the Python MLFeatureEngineer's vocabulary), used until and
// in addition to FEATURE_COLUMNS.
const ORIGINAL_STYLE = [
  'hour', 'minutes_since_open', 'minutes_to_close', 'day_of_week', 'is_morning', 'is_last_hour',
  'spy_return_1m', 'spy_return_5m', 'spy_return_15m', 'spy_return_30m', 'spy_return_60m', 'spy_roc_5', 'spy_day_return',
  'spy_volume_zscore', 'spy_volume_ratio', 'volume_regime',
  'spy_volatility_30m', 'spy_atr_14', 'spy_range_pct',
  'spy_rsi_14', 'spy_macd', 'spy_macd_signal', 'spy_macd_hist', 'spy_ema_9_dist', 'spy_ema_21_dist', 'spy_ema_cross',
  'bb_pct_b', 'bb_width', 'bb_upper_dist', 'bb_lower_dist',
  'vwap_distance', 'above_vwap',
  'opt_return_1m', 'opt_return_5m', 'opt_return_15m', 'opt_momentum_30m', 'opt_volume_zscore',
  'opt_day_return', 'opt_dist_from_day_high', 'opt_dist_from_day_low', 'opt_range_position',
  'moneyness', 'minutes_to_expiry', 'dte', 'is_0dte', 'is_call', 'delta', 'gamma', 'theta', 'vega', 'abs_delta',
  'iv', 'iv_change_5m', 'iv_rank', 'iv_zscore',
  'vix', 'vix_change_5m', 'vix_return_30m',
  'news_sentiment', 'news_count_60m',
];

describe('feature descriptions', () => {
  it.each([...new Set([...ORIGINAL_STYLE, ...(engineered ?? [])])].map((n) => [n]))('%s has a rule and a plain-English reading', (name) => {
    const d = describeFeature(name);
    expect(d).toBeDefined();
    for (const v of [-1.5, 0, 0.37, 1, 72, Number.NaN]) {
      const text = d!.read(v);
      expect(text.length).toBeGreaterThan(3);
      expect(text).not.toMatch(/undefined|NaN/);
    }
  });

  it.each([
    ['spy_rsi_14', 74.2, 'SPY RSI(14) at 74.2: overbought (> 70)'],
    ['spy_rsi_14', 25, 'SPY RSI(14) at 25.0: oversold (< 30)'],
    ['spy_return_5m', 0.012, 'SPY up +1.20 % over 5 min'],
    ['opt_return_15m', -0.25, 'option price down -25.00 % over 15 min'],
    ['vix', 28.4, 'VIX at 28.4: fearful market'],
    ['is_call', 1, 'a call'],
    ['is_0dte', 1, '0DTE contract (expires today)'],
    ['iv', 0.45, 'implied volatility 45.0 %: expensive options'],
    ['unknown_thing', 3.14159, 'unknown_thing = 3.142'],
  ])('reads %s = %d as "%s"', (name, value, text) => {
    expect(readFeature(name, value)).toBe(text);
  });

  it('feature lists never contain a forbidden column', () => {
    for (const name of [...ORIGINAL_STYLE, ...(engineered ?? [])]) expect(isForbiddenFeature(name)).toBe(false);
    expect(FORBIDDEN_FEATURES).toEqual(expect.arrayContaining(['target', 'max_gain_120m', 'min_loss_120m', 'time_to_max_min', 'close', 'ticker']));
  });
});
