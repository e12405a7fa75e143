/**
 * The 13 feature group names, in column order.
 *
 * @example
 * ```ts
 * import { FEATURE_GROUP_NAMES } from '@spyglass/features';
 * FEATURE_GROUP_NAMES.length; // 13
 * ```
 */
export const FEATURE_GROUP_NAMES = [
  'time',
  'spy_momentum',
  'volume',
  'volatility',
  'technicals',
  'bollinger',
  'vwap',
  'option_momentum',
  'option_intraday',
  'contract',
  'iv',
  'cross_asset',
  'sentiment',
] as const;

/**
 * One of {@link FEATURE_GROUP_NAMES}.
 *
 * @example
 * ```ts
 * const volatility = FEATURE_DEFINITIONS.filter((d) => d.group === ('volatility' satisfies FeatureGroup));
 * ```
 */
export type FeatureGroup = (typeof FEATURE_GROUP_NAMES)[number];

/**
 * One engineered feature: its column name, group, the formula in words, how far back it looks and
 * the SQL that computes it over the joined option (`o`) and underlying (`s`) feature frames.
 *
 * @example
 * ```ts
 * const rsi: FeatureDefinition | undefined = FEATURE_DEFINITIONS.find((d) => d.name === 'spy_rsi_14');
 * ```
 */
export interface FeatureDefinition {
  readonly name: string;
  readonly group: FeatureGroup;
  readonly formula: string;
  readonly lookback: string;
  readonly sql: string;
}

const f = (group: FeatureGroup, name: string, formula: string, lookback: string, sql: string): FeatureDefinition => ({ name, group, formula, lookback, sql });

/**
 * Every ML feature, in column order, with its documentation. "as-of t−N" is the last bar at or
 * before N minutes before the row (same session); windows in bars count the underlying's minute
 * bars. Every feature uses only bars that start at or before the row's own bar start.
 *
 * @example
 * ```ts
 * import { FEATURE_DEFINITIONS } from '@spyglass/features';
 * FEATURE_DEFINITIONS.find((d) => d.name === 'spy_rsi_14')?.formula; // 'Wilder RSI(14) of SPY closes'
 * ```
 */
export const FEATURE_DEFINITIONS: readonly FeatureDefinition[] = [
  f('time', 'minute_of_session', 'minutes since the 09:30 ET open', '0', 's.minute_of_session'),
  f('time', 'minutes_to_close', 'minutes until the session close (16:00 ET, 13:00 on early closes)', '0', 's.minutes_to_close'),
  f('time', 'hour_et', 'hour of the bar start in New York time', '0', 's.hour_et'),
  f('time', 'day_of_week', 'ISO weekday of the session (1 = Monday)', '0', 's.day_of_week'),
  f('time', 'is_first_30min', '1 in the first 30 minutes of the session', '0', '(s.minute_of_session < 30)::DOUBLE'),
  f('time', 'is_last_30min', '1 in the last 30 minutes of the session', '0', '(s.minutes_to_close <= 30)::DOUBLE'),

  f('spy_momentum', 'spy_ret_1m', 'SPY close / SPY close as-of t−1 − 1', '1 min', 's.spy_ret_1m'),
  f('spy_momentum', 'spy_ret_5m', 'SPY close / SPY close as-of t−5 − 1', '5 min', 's.spy_ret_5m'),
  f('spy_momentum', 'spy_ret_15m', 'SPY close / SPY close as-of t−15 − 1', '15 min', 's.spy_ret_15m'),
  f('spy_momentum', 'spy_ret_30m', 'SPY close / SPY close as-of t−30 − 1', '30 min', 's.spy_ret_30m'),
  f('spy_momentum', 'spy_ret_60m', 'SPY close / SPY close as-of t−60 − 1', '60 min', 's.spy_ret_60m'),
  f('spy_momentum', 'spy_ret_from_open', 'SPY close / session open − 1', 'session', 's.spy_ret_from_open'),

  f('volume', 'spy_log_volume', 'ln(1 + SPY bar volume)', '0', 's.spy_log_volume'),
  f('volume', 'spy_volume_z_20', '(volume − mean) / population σ over the last 20 SPY bars', '20 bars', 's.spy_volume_z_20'),
  f('volume', 'spy_volume_ratio_5_30', 'mean volume of the last 5 bars / mean of the last 30', '30 bars', 's.spy_volume_ratio_5_30'),

  f('volatility', 'spy_rv_5', 'population σ of 1-minute log returns, last 5 bars', '5 bars', 's.spy_rv_5'),
  f('volatility', 'spy_rv_15', 'population σ of 1-minute log returns, last 15 bars', '15 bars', 's.spy_rv_15'),
  f('volatility', 'spy_rv_30', 'population σ of 1-minute log returns, last 30 bars', '30 bars', 's.spy_rv_30'),
  f('volatility', 'spy_range_pct', '(high − low) / close of the SPY bar — a fraction; the `_pct` name is kept so stored datasets and models still match', '0', 's.spy_range_pct'),
  f('volatility', 'spy_atr_14_pct', 'mean true range of the last 14 bars / close — a fraction; the `_pct` name is kept so stored datasets and models still match', '14 bars', 's.spy_atr_14_pct'),

  f('technicals', 'spy_rsi_14', 'Wilder RSI(14) of SPY closes', '14 bars (reset each session)', 's.spy_rsi_14'),
  f('technicals', 'spy_macd', 'EMA(12) − EMA(26) of SPY closes', '26 bars', 's.spy_macd'),
  f('technicals', 'spy_macd_signal', 'EMA(9) of the MACD line', '34 bars', 's.spy_macd_signal'),
  f('technicals', 'spy_macd_hist', 'MACD − signal', '34 bars', 's.spy_macd_hist'),
  f('technicals', 'spy_ema_9_dist', 'close / EMA(9) − 1', '9 bars', 's.spy_ema_9_dist'),
  f('technicals', 'spy_ema_21_dist', 'close / EMA(21) − 1', '21 bars', 's.spy_ema_21_dist'),

  f('bollinger', 'spy_bb_pct_b', '(close − lower) / (upper − lower), Bollinger(20, 2, population σ) — a fraction; the `_pct` name is kept so stored datasets and models still match', '20 bars', 's.spy_bb_pct_b'),
  f('bollinger', 'spy_bb_width', '(upper − lower) / middle', '20 bars', 's.spy_bb_width'),
  f('bollinger', 'spy_bb_upper_dist', '(upper − close) / close', '20 bars', 's.spy_bb_upper_dist'),
  f('bollinger', 'spy_bb_lower_dist', '(close − lower) / close', '20 bars', 's.spy_bb_lower_dist'),

  f('vwap', 'spy_session_vwap_dist', 'close / session VWAP − 1; session VWAP = Σ(bar vwap × volume) / Σ volume since the open', 'session', 's.spy_session_vwap_dist'),
  f('vwap', 'spy_bar_vwap_dist', 'close / the bar’s own VWAP − 1', '0', 's.spy_bar_vwap_dist'),
  f('vwap', 'spy_vwap_dist_change_5m', 'spy_session_vwap_dist − its value as-of t−5', '5 min', 's.spy_vwap_dist_change_5m'),
  f('vwap', 'spy_above_session_vwap', '1 when close > session VWAP', 'session', 's.spy_above_session_vwap'),

  f('option_momentum', 'opt_ret_1m', 'option close / option close as-of t−1 − 1', '1 min', 'o.opt_ret_1m'),
  f('option_momentum', 'opt_ret_5m', 'option close / option close as-of t−5 − 1', '5 min', 'o.opt_ret_5m'),
  f('option_momentum', 'opt_ret_15m', 'option close / option close as-of t−15 − 1', '15 min', 'o.opt_ret_15m'),
  f('option_momentum', 'opt_ret_30m', 'option close / option close as-of t−30 − 1', '30 min', 'o.opt_ret_30m'),
  f('option_momentum', 'opt_ret_60m', 'option close / option close as-of t−60 − 1', '60 min', 'o.opt_ret_60m'),
  f('option_momentum', 'opt_ret_from_open', 'option close / the contract’s first open of the day − 1', 'session', 'o.opt_ret_from_open'),

  f('option_intraday', 'opt_range_pct', '(high − low) / close of the option bar — a fraction; the `_pct` name is kept so stored datasets and models still match', '0', 'o.opt_range_pct'),
  f('option_intraday', 'opt_dist_from_high', 'close / highest high of the day so far − 1', 'session', 'o.opt_dist_from_high'),
  f('option_intraday', 'opt_dist_from_low', 'close / lowest low of the day so far − 1', 'session', 'o.opt_dist_from_low'),
  f('option_intraday', 'opt_log_volume', 'ln(1 + option bar volume)', '0', 'o.opt_log_volume'),
  f('option_intraday', 'opt_volume_z_20', '(volume − mean) / population σ over the contract’s last 20 bars', '20 bars', 'o.opt_volume_z_20'),
  f('option_intraday', 'opt_minutes_since_prev_bar', 'minutes since the contract’s previous bar (no-trade gap)', '1 bar', 'o.opt_minutes_since_prev_bar'),

  f('contract', 'is_call', '1 for a call, 0 for a put', '0', "(o.contract_type = 'call')::DOUBLE"),
  f('contract', 'moneyness', 'SPY close / strike', '0', 'o.moneyness'),
  f('contract', 'minutes_to_expiry', 'minutes to the expiration day’s close', '0', 'o.minutes_to_expiry'),
  f('contract', 'log_minutes_to_expiry', 'ln(minutes_to_expiry)', '0', 'CASE WHEN o.minutes_to_expiry > 0 THEN ln(o.minutes_to_expiry) END'),
  f('contract', 'is_0dte', '1 when the contract expires on the row’s date', '0', '(o.expiration = o.date)::DOUBLE'),

  f('iv', 'iv', 'Black-Scholes implied volatility of the option close (NULL when no solution)', '0', 'o.iv'),
  f('iv', 'iv_ok', '1 when the IV solve found a solution', '0', '(o.iv IS NOT NULL)::DOUBLE'),
  f('iv', 'iv_change_5m', 'iv − iv as-of t−5 (last solved value)', '5 min', 'o.iv_change_5m'),
  f('iv', 'delta', 'Black-Scholes delta at the implied volatility', '0', 'o.delta'),
  f('iv', 'gamma', 'Black-Scholes gamma at the implied volatility', '0', 'o.gamma'),
  f('iv', 'theta', 'Black-Scholes theta per calendar day at the implied volatility', '0', 'o.theta'),
  f('iv', 'vega', 'Black-Scholes vega per vol point at the implied volatility', '0', 'o.vega'),

  f('cross_asset', 'vix_close', 'VIX close as-of the bar (forward-filled)', '0', 's.vix_close'),
  f('cross_asset', 'vix_ret_5m', 'VIX / VIX as-of t−5 − 1', '5 min', 's.vix_ret_5m'),
  f('cross_asset', 'vix_ret_30m', 'VIX / VIX as-of t−30 − 1', '30 min', 's.vix_ret_30m'),
  f('cross_asset', 'spy_vix_corr_30', 'correlation of SPY and VIX 1-minute log returns, last 30 bars', '30 bars', 's.spy_vix_corr_30'),

  f('sentiment', 'news_sentiment_latest', 'sentiment of the latest SPY article (+1/0/−1) within the lookback', 'news lookback (60 min)', 's.news_sentiment_latest'),
  f('sentiment', 'news_sentiment_mean', 'mean sentiment of SPY articles within the lookback', 'news lookback', 's.news_sentiment_mean'),
  f('sentiment', 'news_count', 'number of SPY articles within the lookback', 'news lookback', 's.news_count'),
  f('sentiment', 'minutes_since_news', 'minutes since the latest SPY article within the lookback', 'news lookback', 's.minutes_since_news'),
];

/**
 * The 66 feature column names in model order.
 *
 * @example
 * ```ts
 * import { FEATURE_COLUMNS } from '@spyglass/features';
 * FEATURE_COLUMNS.length; // 66
 * ```
 */
export const FEATURE_COLUMNS: readonly string[] = FEATURE_DEFINITIONS.map((d) => d.name);

/**
 * Forward-looking label columns (never features): `target` (1 when the highest option close in
 * (t, t + 120 min] of the same session is ≥ 1.2 × close at t; NULL when the window holds no bar),
 * `max_gain_120m`, `min_loss_120m` (fractions) and `time_to_max_min` (minutes to the first bar at
 * the window's highest close).
 *
 * @example
 * ```ts
 * import { LABEL_COLUMNS } from '@spyglass/features';
 * LABEL_COLUMNS[0]; // 'target'
 * ```
 */
export const LABEL_COLUMNS = ['target', 'max_gain_120m', 'min_loss_120m', 'time_to_max_min'] as const;

/**
 * The label columns' names for a forward window of `windowMinutes` (`pipeline.labels.windowMinutes`):
 * the gain and loss columns carry the window in their name, so a 60-minute dataset says
 * `max_gain_60m`, never a 120-minute name over 60-minute values. {@link LABEL_COLUMNS} are the
 * names of the default 120-minute window.
 *
 * @example
 * ```ts
 * import { labelColumns } from '@spyglass/features';
 * labelColumns(60).maxGain; // 'max_gain_60m'
 * ```
 */
export function labelColumns(windowMinutes: number): { readonly target: 'target'; readonly maxGain: string; readonly minLoss: string; readonly timeToMax: 'time_to_max_min' } {
  if (!Number.isInteger(windowMinutes) || windowMinutes <= 0) throw new RangeError(`label window must be a positive whole number of minutes, got ${windowMinutes}`);
  return { target: 'target', maxGain: `max_gain_${windowMinutes}m`, minLoss: `min_loss_${windowMinutes}m`, timeToMax: 'time_to_max_min' };
}

/**
 * The forward window of a dataset's labels, read from its column names (`max_gain_<N>m`), or
 * `undefined` when it has none (or, inconsistently, several).
 *
 * @example
 * ```ts
 * import { labelWindowOf } from '@spyglass/features';
 * labelWindowOf(['ticker', 'rsi_14', 'target', 'max_gain_60m', 'min_loss_60m']); // 60
 * ```
 */
export function labelWindowOf(columns: Iterable<string>): number | undefined {
  const windows = new Set<number>();
  for (const c of columns) {
    const m = /^max_gain_(\d+)m$/.exec(c);
    if (m) windows.add(Number(m[1]));
  }
  return windows.size === 1 ? [...windows][0] : undefined;
}

/**
 * Identifier columns of the feature dataset (not features): partition date, contract, bar start
 * (UTC) and contract metadata.
 *
 * @example
 * ```ts
 * import { IDENTIFIER_COLUMNS } from '@spyglass/features';
 * IDENTIFIER_COLUMNS.includes('ticker'); // true
 * ```
 */
export const IDENTIFIER_COLUMNS = ['date', 'ticker', 'timestamp', 'underlying', 'expiration', 'strike', 'contract_type'] as const;

/**
 * Feature names by group, both in column order (for grouped importance and ablations).
 *
 * @example
 * ```ts
 * import { FEATURE_GROUPS } from '@spyglass/features';
 * FEATURE_GROUPS.bollinger; // ['spy_bb_pct_b', 'spy_bb_width', 'spy_bb_upper_dist', 'spy_bb_lower_dist']
 * ```
 */
export const FEATURE_GROUPS: Readonly<Record<FeatureGroup, readonly string[]>> = Object.freeze(
  Object.fromEntries(FEATURE_GROUP_NAMES.map((g) => [g, FEATURE_DEFINITIONS.filter((d) => d.group === g).map((d) => d.name)])) as Record<FeatureGroup, string[]>,
);
