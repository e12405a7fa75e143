import { FEATURE_COLUMNS, FEATURE_DEFINITIONS } from '@spyglass/features';
import { FORBIDDEN_FEATURES, isForbiddenFeature } from '../data/forbidden-features.js';
import { describeFeature, readFeature } from './feature-descriptions.js';

describe('feature descriptions', () => {
  it.each(FEATURE_DEFINITIONS.map((d) => [d.name, d.group]))('%s has a specific rule in group %s and a plain-English reading', (name, group) => {
    const d = describeFeature(name);
    expect(d).toMatchObject({ specific: true, group });
    for (const v of [-1.5, 0, 0.37, 1, 72, Number.NaN]) {
      const text = d!.read(v);
      expect(text.length).toBeGreaterThan(3);
      expect(text).not.toMatch(/undefined|NaN/);
    }
  });

  it.each([
    ['spy_rsi_14', 74.2, 'SPY RSI(14) at 74.2: overbought (> 70)'],
    ['spy_rsi_14', 25, 'SPY RSI(14) at 25.0: oversold (< 30)'],
    ['spy_ret_5m', 0.012, 'SPY up +1.20 % over 5 min'],
    ['opt_ret_15m', -0.25, 'option price down -25.00 % over 15 min'],
    ['vix_close', 28.4, 'VIX at 28.4: fearful market'],
    ['is_call', 1, 'a call'],
    ['is_call', 0, 'a put'],
    ['is_0dte', 1, '0DTE contract (expires today)'],
    ['iv', 0.45, 'implied volatility 45.0 %: expensive options'],
    ['spy_session_vwap_dist', -0.004, 'SPY -0.40 % below the session VWAP'],
    ['unknown_thing', 3.14159, 'unknown_thing = 3.142'],
  ])('reads %s = %d as "%s"', (name, value, text) => {
    expect(readFeature(name, value)).toBe(text);
  });

  it.each(['vix_ret_30m', 'spy_macd', 'spy_bb_width', 'iv', 'unknown_feature'])('reads a missing %s as not available, whatever its rule', (name) => {
    expect(readFeature(name, null)).toMatch(/: not available at this bar$/);
    expect(readFeature(name, Number.NaN)).toMatch(/: not available at this bar$/);
  });

  it('marks family catch-alls as not specific', () => {
    expect(describeFeature('spy_something_new')).toMatchObject({ specific: false, group: 'spy_momentum' });
    expect(describeFeature('unknown_thing')).toBeUndefined();
  });

  it('the feature list never contains a forbidden column, and the forbidden list covers every label', () => {
    expect(FEATURE_COLUMNS).toHaveLength(66);
    expect(FEATURE_COLUMNS.filter(isForbiddenFeature)).toEqual([]);
    expect(FORBIDDEN_FEATURES).toEqual(expect.arrayContaining(['target', 'max_gain_120m', 'min_loss_120m', 'time_to_max_min', 'close', 'ticker']));
  });
});
