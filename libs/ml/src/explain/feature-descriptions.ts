// Plain-English readings of model features. Feature names come from the feature engineer; rather
// than one hand-written sentence per name (which silently goes stale when a feature is renamed),
// readings are generated from rules keyed by name pattern and feature group, and a test checks
// that every FEATURE_COLUMNS entry matches a rule.

import type { FeatureGroup } from '@spyglass/features';

/**
 * A feature's group, what it measures, and how to read a value of it.
 *
 * @example
 * ```ts
 * const d: FeatureDescription = describeFeature('spy_rsi_14');
 * console.log(d.group, d.label, d.read(74.1));
 * ```
 */
export interface FeatureDescription {
  readonly group: FeatureGroup;
  /** What the feature measures, e.g. "SPY 14-period RSI". */
  readonly label: string;
  /** False when only a catch-all rule of the name's family matched (`name = value` style reading). */
  readonly specific: boolean;
  /** A sentence about a concrete value, e.g. "SPY RSI(14) at 74.1: overbought (> 70)". */
  read(value: number): string;
}

interface Rule {
  /** Catch-all for a name family: gives a reading, but not a specific one. */
  readonly generic?: boolean;
  readonly pattern: RegExp;
  readonly group: FeatureGroup;
  readonly label: (m: RegExpExecArray) => string;
  readonly read: (v: number, label: string, m: RegExpExecArray) => string;
}

const n = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'missing');
const signed = (v: number, digits = 2): string => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(digits)}` : 'missing');
const window = (m: RegExpExecArray, i = 1): string => (m[i] ? ` over ${m[i]} min` : '');
// Returns and changes are stored as fractions (0.012 = 1.2 %) by the feature engineer; values
// beyond ±1 are taken as already in percent so a reading never shows "120 %" for 1.2.
const asPct = (v: number): number => (Math.abs(v) <= 1 ? v * 100 : v);
const pctText = (v: number): string => (Number.isFinite(v) ? `${signed(asPct(v))} %` : 'missing');
const move = (v: number, up: string, down: string): string => (!Number.isFinite(v) ? 'unknown' : v > 0 ? up : v < 0 ? down : 'flat');

const RULES: readonly Rule[] = [
  // time
  { pattern: /^(hour|hour_of_day|et_hour|hour_et)$/, group: 'time', label: () => 'hour of day (ET)', read: (v) => `${n(v, 0)}h ET${v < 10.5 ? ': morning session, when 20 % moves cluster' : v >= 15 ? ': last hour, gamma into the close' : ': midday'}` },
  { pattern: /^minute(_of_hour)?$/, group: 'time', label: () => 'minute of the hour', read: (v) => `minute ${n(v, 0)} of the hour` },
  { pattern: /^(minutes_since_open|minute_of_day|mins_since_open|minute_of_session)$/, group: 'time', label: () => 'minutes since the open', read: (v) => `${n(v, 0)} min after the open${v < 60 ? ' (first hour)' : ''}` },
  { pattern: /^(minutes_to_close|mins_to_close)$/, group: 'time', label: () => 'minutes to the close', read: (v) => `${n(v, 0)} min before the close${v <= 60 ? ' (last hour)' : ''}` },
  { pattern: /^(day_of_week|weekday|dow)$/, group: 'time', label: () => 'day of week', read: (v) => `${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][Math.round(v)] ?? `day ${n(v, 0)}`}` },
  { pattern: /^is_(morning|first_hour|first_30min|opening)/, group: 'time', label: (m) => (m[1] === 'first_30min' ? 'first-30-minutes flag' : 'morning session flag'), read: (v, label) => (v >= 0.5 ? `yes: ${label.replace(' flag', '')}, when 20 % moves cluster` : `no (${label.replace(' flag', '')} is over)`) },
  { pattern: /^is_(last_hour|last_30min|power_hour|closing)/, group: 'time', label: (m) => (m[1] === 'last_30min' ? 'last-30-minutes flag' : 'last-hour flag'), read: (v, label) => (v >= 0.5 ? `yes: ${label.replace(' flag', '')}, gamma into the close` : `no (before the ${label.replace(' flag', '')})`) },
  { pattern: /^is_(midday|lunch)/, group: 'time', label: () => 'midday flag', read: (v) => (v >= 0.5 ? 'in the midday lull' : 'outside midday') },
  { pattern: /^(time_(sin|cos)|hour_(sin|cos)|tod_(sin|cos))$/, group: 'time', label: () => 'cyclical time-of-day encoding', read: (v) => `time-of-day encoding ${n(v, 3)}` },
  // option momentum and intraday (before SPY rules: opt_ prefix)
  { pattern: /^opt(?:ion)?_(?:return|ret|roc|change|pct_change)_?(\d+)?m?(?:in)?$/, group: 'option_momentum', label: (m) => `option return${window(m)}`, read: (v, _l, m) => `option price ${move(v, 'up', 'down')} ${pctText(v)}${window(m)}` },
  { pattern: /^opt(?:ion)?_(?:momentum|mom)_?(\d+)?m?$/, group: 'option_momentum', label: (m) => `option momentum${window(m)}`, read: (v, _l, m) => `option momentum ${pctText(v)}${window(m)} (${move(v, 'accelerating up', 'falling')})` },
  { pattern: /^opt(?:ion)?_(?:volume|vol)_(?:zscore|z)(?:_(\d+))?$/, group: 'option_intraday', label: (m) => `option volume z-score${m[1] ? ` over the last ${m[1]} bars` : ''}`, read: (v) => `option volume ${n(v)} σ ${v >= 0 ? 'above' : 'below'} its recent average${v > 2 ? ': unusual activity' : ''}` },
  { pattern: /^opt(?:ion)?_(?:volume|vol)_(?:ratio|rel)(?:_(\d+))?(?:_(\d+))?$/, group: 'option_intraday', label: () => 'option volume vs its recent average', read: (v) => `option volume ${n(v)}× its recent average${v > 2 ? ': unusual activity' : ''}` },
  { pattern: /^opt(?:ion)?_log_volume$/, group: 'option_intraday', label: () => 'option bar volume (log)', read: (v) => `about ${Number.isFinite(v) ? Math.round(Math.expm1(v)) : 'unknown'} contracts traded this minute` },
  { pattern: /^opt(?:ion)?_minutes_since_prev_bar$/, group: 'option_intraday', label: () => 'minutes since the previous option trade bar', read: (v) => `${n(v, 0)} min since the previous trade bar${v > 5 ? ': thinly traded' : ''}` },
  { pattern: /^opt(?:ion)?_(?:volatility|std|realized_vol)_?(\d+)?m?$/, group: 'option_momentum', label: (m) => `option price volatility${window(m)}`, read: (v, _l, m) => `option price volatility ${pctText(v)}${window(m)}` },
  { pattern: /^opt(?:ion)?_(?:(?:day|intraday|session)_(?:return|change|ret)|ret_from_open)$/, group: 'option_momentum', label: () => 'option change since the session open', read: (v) => `option ${move(v, 'up', 'down')} ${pctText(v)} since the open` },
  { pattern: /^opt(?:ion)?_(?:dist|distance|pct)_(?:from|to)_(?:day_|intraday_|session_)?(high|low)$/, group: 'option_intraday', label: (m) => `option distance from the day's ${m[1]}`, read: (v, _l, m) => `option ${pctText(v)} from today's ${m[1]}` },
  { pattern: /^opt(?:ion)?_(?:bar_)?range_pct$/, group: 'option_intraday', label: () => 'option bar high–low range', read: (v) => `option bar range ${n(asPct(v), 1)} % of its price${asPct(v) > 10 ? ': wide, volatile minute' : ''}` },
  { pattern: /^opt(?:ion)?_(?:day_|intraday_)?(?:position|range_position)$/, group: 'option_intraday', label: () => "option position in the day's range", read: (v) => `option at ${n(asPct(v), 0)} % of today's range` },
  { pattern: /^opt(?:ion)?_(?:bars|trades|n_bars)_?(?:today|so_far)?$/, group: 'option_intraday', label: () => 'option bars traded so far today', read: (v) => `${n(v, 0)} option bars traded so far today` },
  { generic: true, pattern: /^opt(?:ion)?_/, group: 'option_intraday', label: () => 'option intraday statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 3)}` },
  // SPY momentum
  { pattern: /^(?:spy_)?(?:return|ret|roc|price_change|pct_change|change)_?(\d+)m?(?:in)?$/, group: 'spy_momentum', label: (m) => `SPY return${window(m)}`, read: (v, _l, m) => `SPY ${move(v, 'up', 'down')} ${pctText(v)}${window(m)}` },
  { pattern: /^spy_(?:momentum|mom)_?(\d+)?m?$/, group: 'spy_momentum', label: (m) => `SPY momentum${window(m)}`, read: (v, _l, m) => `SPY momentum ${pctText(v)}${window(m)}` },
  { pattern: /^spy_(?:(?:day|intraday|session)_(?:return|change|ret)|ret_from_open)$/, group: 'spy_momentum', label: () => 'SPY change since the open', read: (v) => `SPY ${move(v, 'up', 'down')} ${pctText(v)} since the open` },
  { pattern: /^spy_(?:gap|overnight_gap)/, group: 'spy_momentum', label: () => 'SPY opening gap', read: (v) => `SPY gapped ${move(v, 'up', 'down')} ${pctText(v)} at the open` },
  // volume
  { pattern: /^(?:spy_)?log_volume$/, group: 'volume', label: () => 'SPY bar volume (log)', read: (v) => `about ${Number.isFinite(v) ? Math.round(Math.expm1(v)).toLocaleString('en-US') : 'unknown'} SPY shares this minute` },
  { pattern: /^(?:spy_)?volume_(?:zscore|z)(?:_(\d+))?m?$/, group: 'volume', label: (m) => `SPY volume z-score${m[1] ? ` over the last ${m[1]} bars` : ''}`, read: (v) => `SPY volume ${n(v)} σ ${v >= 0 ? 'above' : 'below'} normal${v > 2 ? ': volume spike' : ''}` },
  { pattern: /^(?:spy_)?(?:volume_ratio|rel_volume|relative_volume|volume_rel)(?:_(\d+))?(?:_(\d+))?m?$/, group: 'volume', label: (m) => `SPY volume vs average${m[2] ? ` (last ${m[1]} vs last ${m[2]} bars)` : window(m)}`, read: (v) => `SPY volume ${n(v)}× its average${v > 1.5 ? ': heavy' : v < 0.7 ? ': light' : ''}` },
  { pattern: /^(?:spy_)?(?:volume_regime|high_volume|is_high_volume)/, group: 'volume', label: () => 'SPY volume regime', read: (v) => (v >= 0.5 ? 'high-volume regime' : 'normal-volume regime') },
  { generic: true, pattern: /^(?:spy_)?(?:volume|obv|cum_volume)_/, group: 'volume', label: () => 'SPY volume statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 3)}` },
  // volatility
  { pattern: /^(?:spy_)?(?:volatility|realized_vol|rv|std|stdev)_?(\d+)?m?$/, group: 'volatility', label: (m) => `SPY realised volatility${m[1] ? ` over the last ${m[1]} bars` : ''}`, read: (v, label) => `${label}: ${n(asPct(v), 3)} % per minute` },
  { pattern: /^(?:spy_)?(?:atr|true_range)(?:_(\d+))?(_pct)?$/, group: 'volatility', label: (m) => `SPY average true range${m[1] ? ` (${m[1]})` : ''}`, read: (v, label, m) => (m[2] ? `${label} ${n(asPct(v), 3)} % of price` : `${label} ${n(v, 3)}`) },
  { pattern: /^(?:spy_)?(?:range|high_low_range|hl_range|intraday_range)(?:_pct)?(?:_(\d+))?m?$/, group: 'volatility', label: (m) => `SPY high–low range${window(m)}`, read: (v) => `SPY range ${n(asPct(v), 3)} %` },
  // technicals
  { pattern: /^(?:spy_)?rsi(?:_?(\d+))?$/, group: 'technicals', label: (m) => `SPY RSI(${m[1] ?? 14})`, read: (v, label) => `${label} at ${n(v, 1)}${v > 70 ? ': overbought (> 70)' : v < 30 ? ': oversold (< 30)' : ': neutral'}` },
  { pattern: /^(?:spy_)?macd(?:_line)?$/, group: 'technicals', label: () => 'SPY MACD(12,26,9) line', read: (v) => `MACD ${signed(v, 4)}: ${move(v, 'bullish momentum', 'bearish momentum')}` },
  { pattern: /^(?:spy_)?macd_signal$/, group: 'technicals', label: () => 'SPY MACD signal line', read: (v) => `MACD signal line ${signed(v, 4)}` },
  { pattern: /^(?:spy_)?macd_(?:hist|histogram|diff)$/, group: 'technicals', label: () => 'SPY MACD histogram', read: (v) => `MACD histogram ${signed(v, 4)}: ${move(v, 'momentum strengthening', 'momentum weakening')}` },
  { pattern: /^(?:spy_)?(?:ema|sma)_?(\d+)_?(?:dist|distance|pct|ratio|diff)?$/, group: 'technicals', label: (m) => `SPY vs its ${m[1]}-period moving average`, read: (v, label) => `${label}: ${pctText(v)}` },
  { pattern: /^(?:spy_)?(?:ema|sma)_?(?:cross|diff|spread)(?:_(\d+)_(\d+))?$/, group: 'technicals', label: () => 'SPY fast–slow EMA spread', read: (v) => `fast EMA ${v >= 0 ? 'above' : 'below'} slow EMA (${signed(v, 4)}): ${move(v, 'uptrend', 'downtrend')}` },
  { pattern: /^(?:spy_)?(?:ema|sma)_(\d+)_(?:above|over)_(?:ema|sma)_(\d+)$/, group: 'technicals', label: (m) => `EMA ${m[1]} above EMA ${m[2]}`, read: (v) => (v >= 0.5 ? 'short-term trend above the longer one' : 'short-term trend below the longer one') },
  { pattern: /^(?:spy_)?(?:stoch|williams|cci|adx|mfi)/, group: 'technicals', label: (m) => `SPY ${m.input.replace(/^spy_/, '').toUpperCase()}`, read: (v, label) => `${label} at ${n(v, 1)}` },
  // Bollinger
  { pattern: /^(?:spy_)?(?:bb|bollinger)_(?:pct_?b|percent_b|position|pos|pctb)(?:_\d+)?$/, group: 'bollinger', label: () => 'SPY position within the Bollinger(20,2) bands', read: (v) => `SPY at ${n(v * 100, 0)} % of the Bollinger band${v > 1 ? ': above the upper band' : v < 0 ? ': below the lower band' : ''}` },
  { pattern: /^(?:spy_)?(?:bb|bollinger)_(?:width|bandwidth)(?:_\d+)?$/, group: 'bollinger', label: () => 'Bollinger band width', read: (v) => `Bollinger width ${n(asPct(v), 3)} %${v < 0.002 ? ': squeeze, a breakout often follows' : ''}` },
  { pattern: /^(?:spy_)?(?:bb|bollinger)_(?:upper|lower|mid|middle)_?(?:dist|distance|pct)?(?:_\d+)?$/, group: 'bollinger', label: (m) => `SPY distance to the ${/upper/.test(m.input) ? 'upper' : /lower/.test(m.input) ? 'lower' : 'middle'} Bollinger band`, read: (v, label) => `${label}: ${pctText(v)}` },
  // VWAP
  { pattern: /^(?:spy_)?(session_|bar_)?(?:vwap_(?:dist|distance|pct|diff|deviation|ratio)|dist_(?:to|from)_vwap|price_vs_vwap)$/, group: 'vwap', label: (m) => `SPY distance from ${m[1] === 'bar_' ? 'the bar’s own VWAP' : 'the session VWAP'}`, read: (v, _l, m) => `SPY ${pctText(v)} ${v >= 0 ? 'above' : 'below'} ${m[1] === 'bar_' ? 'this minute’s VWAP' : 'the session VWAP'}` },
  { pattern: /^(?:spy_)?vwap_dist_change_(\d+)m$/, group: 'vwap', label: (m) => `change of SPY's VWAP distance${window(m)}`, read: (v, _l, m) => `SPY moved ${pctText(v)} ${v >= 0 ? 'away above' : 'down relative to'} VWAP${window(m)}` },
  { pattern: /^(?:spy_)?(?:above_(?:session_)?vwap|is_above_vwap)$/, group: 'vwap', label: () => 'SPY above VWAP', read: (v) => (v >= 0.5 ? 'SPY above VWAP (buyers in control)' : 'SPY below VWAP (sellers in control)') },
  { generic: true, pattern: /vwap/, group: 'vwap', label: () => 'VWAP statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 4)}` },
  // contract
  { pattern: /^moneyness$/, group: 'contract', label: () => 'moneyness (SPY / strike)', read: (v) => `moneyness ${n(v, 4)}: ${Math.abs(v - 1) < 0.002 ? 'at the money' : 'away from the money (ITM/OTM depends on call or put)'}` },
  { pattern: /^(?:log_moneyness|moneyness_pct|strike_distance|strike_dist_pct|otm_pct|itm_pct)$/, group: 'contract', label: () => 'distance of the strike from SPY', read: (v) => `strike ${pctText(v)} from SPY${Math.abs(asPct(v)) < 0.2 ? ' (at the money)' : ''}` },
  { pattern: /^log_minutes_to_expiry$/, group: 'contract', label: () => 'minutes to expiry (log)', read: (v) => `${Number.isFinite(v) ? Math.round(Math.exp(v)) : 'unknown'} min to expiry${Number.isFinite(v) && Math.exp(v) < 120 ? ': gamma is extreme' : ''}` },
  { pattern: /^(?:minutes_to_expiry|minutes_to_expiration|mins_to_expiry|tte_minutes)$/, group: 'contract', label: () => 'minutes to expiry', read: (v) => `${n(v, 0)} min to expiry${v < 120 ? ': gamma is extreme' : ''}` },
  { pattern: /^(?:dte|days_to_expiry|days_to_expiration|is_0dte|zero_dte)$/, group: 'contract', label: () => 'days to expiry', read: (v, _l, m) => (/0dte/.test(m.input) ? (v >= 0.5 ? '0DTE contract (expires today)' : 'expires after today') : `${n(v, 0)} day(s) to expiry${v < 1 ? ' (0DTE)' : ''}`) },
  { pattern: /^(?:time_to_expiry|tte|years_to_expiry|t)$/, group: 'contract', label: () => 'time to expiry (years)', read: (v) => `${n(v * 365 * 24 * 60, 0)} min to expiry` },
  { pattern: /^(?:is_call|call|contract_type_call|is_put|put)$/, group: 'contract', label: () => 'contract type', read: (v, _l, m) => (/put/.test(m.input) === v >= 0.5 ? 'a put' : 'a call') },
  { pattern: /^(?:is_itm|itm|in_the_money|is_otm|otm)$/, group: 'contract', label: () => 'in/out of the money flag', read: (v, _l, m) => (/otm/.test(m.input) === v >= 0.5 ? 'out of the money' : 'in the money') },
  { pattern: /^(?:delta|gamma|theta|vega|rho)$/, group: 'iv', label: (m) => `option ${m.input}`, read: (v, _l, m) => `${m.input} ${n(v, 4)}${m.input === 'gamma' && v > 0.05 ? ': high gamma, price reacts sharply to SPY' : ''}` },
  { pattern: /^(?:abs_delta|delta_abs)$/, group: 'iv', label: () => '|delta|', read: (v) => `|delta| ${n(v, 3)}${v < 0.3 ? ': cheap, out of the money' : v > 0.7 ? ': deep in the money' : ''}` },
  { pattern: /^(?:leverage|lambda|elasticity|gamma_dollar|dollar_gamma|theta_pct|theta_ratio)$/, group: 'contract', label: (m) => m.input.replace(/_/g, ' '), read: (v, label) => `${label} ${n(v, 3)}` },
  // IV
  { pattern: /^(?:iv|implied_vol(?:atility)?)$/, group: 'iv', label: () => 'implied volatility', read: (v) => `implied volatility ${n(asPct(v), 1)} %${v > 0.4 ? ': expensive options' : v < 0.12 ? ': cheap options' : ''}` },
  { pattern: /^(?:iv|implied_vol(?:atility)?)_(?:change|chg|diff|roc)_?(\d+)?m?$/, group: 'iv', label: (m) => `implied volatility change${window(m)}`, read: (v, _l, m) => `IV ${move(v, 'rising', 'falling')} ${signed(asPct(v))} pts${window(m)}` },
  { pattern: /^(?:iv|implied_vol(?:atility)?)_(?:rank|percentile|zscore|z|ratio|vs_rv|premium)(?:_\d+)?$/, group: 'iv', label: (m) => `implied volatility ${m.input.split('_').slice(1).join(' ')}`, read: (v, label) => `${label} ${n(v, 3)}` },
  { pattern: /^iv_(?:ok|solved|valid)$/, group: 'iv', label: () => 'implied volatility solved', read: (v) => (v >= 0.5 ? 'implied volatility solved' : 'no implied volatility (price outside the model bounds)') },
  { generic: true, pattern: /^iv_/, group: 'iv', label: () => 'implied volatility statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 4)}` },
  // cross-asset
  { pattern: /^vix(?:_(?:close|level|value))?$/, group: 'cross_asset', label: () => 'VIX level', read: (v) => `VIX at ${n(v, 1)}${v > 25 ? ': fearful market' : v < 14 ? ': calm market' : ''}` },
  { pattern: /^vix_(?:return|change|chg|roc|ret)_?(\d+)?m?$/, group: 'cross_asset', label: (m) => `VIX change${window(m)}`, read: (v, _l, m) => `VIX ${move(v, 'rising (fear up)', 'falling (fear down)')} ${pctText(v)}${window(m)}` },
  { generic: true, pattern: /^vix_/, group: 'cross_asset', label: () => 'VIX statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 3)}` },
  { pattern: /^(?:spy_vix_corr|corr_spy_vix|spy_vix_ratio|vix_spy_ratio|iv_vix_spread|iv_minus_vix)/, group: 'cross_asset', label: (m) => m.input.replace(/_/g, ' '), read: (v, label) => `${label} ${n(v, 3)}` },
  // sentiment
  { pattern: /^(?:news_)?sentiment(?:_score|_mean|_avg|_latest|_last)?(?:_(\d+))?m?$/, group: 'sentiment', label: (m) => (/latest|last/.test(m.input) ? 'sentiment of the latest news article' : 'news sentiment'), read: (v, label) => `${label} ${signed(v)}: ${v > 0.2 ? 'positive' : v < -0.2 ? 'negative' : 'neutral'}` },
  { pattern: /^minutes_since_(?:news|article|last_news)$/, group: 'sentiment', label: () => 'minutes since the latest news article', read: (v) => (Number.isFinite(v) ? `latest SPY news ${n(v, 0)} min ago${v < 10 ? ': fresh headline' : ''}` : 'no recent SPY news') },
  { pattern: /^news_(?:count|n|articles|volume)(?:_(\d+))?m?$/, group: 'sentiment', label: (m) => `news articles${m[1] ? ` in the last ${m[1]} min` : ''}`, read: (v, label) => `${n(v, 0)} ${label}${v >= 3 ? ': news-heavy' : ''}` },
  { pattern: /^(?:news_)?(?:positive|negative|neutral)_(?:count|share|ratio|pct)/, group: 'sentiment', label: (m) => m.input.replace(/_/g, ' '), read: (v, label) => `${label} ${n(v, 2)}` },
  { generic: true, pattern: /^(?:news_|sentiment_)/, group: 'sentiment', label: () => 'news statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 3)}` },
  // SPY catch-alls (last): any other spy_* is a SPY statistic
  { generic: true, pattern: /^spy_/, group: 'spy_momentum', label: () => 'SPY statistic', read: (v, _l, m) => `${m.input.replace(/_/g, ' ')} = ${n(v, 4)}` },
];

/**
 * The description of a feature, or `undefined` when no rule knows the name (then
 * {@link readFeature} falls back to `name = value`).
 *
 * @example
 * ```ts
 * describeFeature('spy_rsi_14')?.read(74.2); // 'SPY RSI(14) at 74.2: overbought (> 70)'
 * ```
 */
export function describeFeature(name: string): FeatureDescription | undefined {
  for (const rule of RULES) {
    const m = rule.pattern.exec(name);
    if (!m) continue;
    const label = rule.label(m);
    return { group: rule.group, label, specific: !rule.generic, read: (v: number) => rule.read(v, label, m) };
  }
  return undefined;
}

/**
 * A plain-English reading of a feature value; unknown names read `name = value`.
 *
 * @example
 * ```ts
 * readFeature('vix', 28.4); // 'VIX at 28.4: fearful market'
 * ```
 */
export function readFeature(name: string, value: number | null): string {
  const v = value ?? Number.NaN;
  const d = describeFeature(name);
  // A missing value (warm-up at the open, no news yet, no IV solution) reads the same for every feature.
  if (!Number.isFinite(v)) return `${d?.label ?? name}: not available at this bar`;
  return d ? d.read(v) : `${name} = ${v.toPrecision(4)}`;
}
