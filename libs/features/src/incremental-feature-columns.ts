/**
 * The 66 model features in model order, as the incremental engine fills them. The feature
 * catalog (its formulas, groups and SQL) documents each one; a test proves this list is the
 * catalog's `FEATURE_COLUMNS`, name for name, so the two cannot drift.
 *
 * @example
 * ```ts
 * import { INCREMENTAL_FEATURE_COLUMNS } from '@spyglass/features';
 * INCREMENTAL_FEATURE_COLUMNS.length; // 66
 * ```
 */
export const INCREMENTAL_FEATURE_COLUMNS = [
  'minute_of_session', 'minutes_to_close', 'hour_et', 'day_of_week', 'is_first_30min', 'is_last_30min',
  'spy_ret_1m', 'spy_ret_5m', 'spy_ret_15m', 'spy_ret_30m', 'spy_ret_60m', 'spy_ret_from_open',
  'spy_log_volume', 'spy_volume_z_20', 'spy_volume_ratio_5_30',
  'spy_rv_5', 'spy_rv_15', 'spy_rv_30', 'spy_range_pct', 'spy_atr_14_pct',
  'spy_rsi_14', 'spy_macd', 'spy_macd_signal', 'spy_macd_hist', 'spy_ema_9_dist', 'spy_ema_21_dist',
  'spy_bb_pct_b', 'spy_bb_width', 'spy_bb_upper_dist', 'spy_bb_lower_dist',
  'spy_session_vwap_dist', 'spy_bar_vwap_dist', 'spy_vwap_dist_change_5m', 'spy_above_session_vwap',
  'opt_ret_1m', 'opt_ret_5m', 'opt_ret_15m', 'opt_ret_30m', 'opt_ret_60m', 'opt_ret_from_open',
  'opt_range_pct', 'opt_dist_from_high', 'opt_dist_from_low', 'opt_log_volume', 'opt_volume_z_20', 'opt_minutes_since_prev_bar',
  'is_call', 'moneyness', 'minutes_to_expiry', 'log_minutes_to_expiry', 'is_0dte',
  'iv', 'iv_ok', 'iv_change_5m', 'delta', 'gamma', 'theta', 'vega',
  'vix_close', 'vix_ret_5m', 'vix_ret_30m', 'spy_vix_corr_30',
  'news_sentiment_latest', 'news_sentiment_mean', 'news_count', 'minutes_since_news',
] as const;

/**
 * One of {@link INCREMENTAL_FEATURE_COLUMNS}.
 *
 * @example
 * ```ts
 * const name: IncrementalFeatureName = 'spy_rsi_14';
 * ```
 */
export type IncrementalFeatureName = (typeof INCREMENTAL_FEATURE_COLUMNS)[number];

/** Column index by name (internal: the engine writes vectors by index). */
export const FEATURE_INDEX = Object.fromEntries(INCREMENTAL_FEATURE_COLUMNS.map((c, i) => [c, i])) as Readonly<Record<IncrementalFeatureName, number>>;
