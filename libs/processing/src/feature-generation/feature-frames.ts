import type { DuckSession } from '../duck/duck-session.js';

// `last_value(x IGNORE NULLS)` over a RANGE frame that ends N ms before the row: the value as-of
// t − N within the same partition (session), never a later bar.
const asOf = (col: string, minutes: number, partition: string) =>
  `last_value(${col} IGNORE NULLS) OVER (PARTITION BY ${partition} ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND ${minutes * 60_000} PRECEDING)`;
const rowsBack = (n: number, partition: string) => `(PARTITION BY ${partition} ORDER BY ts ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW)`;

/**
 * Builds `spyf`: the underlying-level features on its minute grid from `spy`, `sessions`, `vix`,
 * `spy_ind` and `spy_news` (see market-tables). Every window is partitioned by session date and
 * ordered by bar start, with frames that end at the current row.
 */
export async function buildSpyFeatureFrame(duck: DuckSession): Promise<void> {
  // A zero or negative argument (bad data that slipped past validation) must give NULL, not abort the run.
  await duck.run(`CREATE OR REPLACE TEMP MACRO safe_ln(x) AS CASE WHEN x > 0 THEN ln(x) END`);
  await duck.run(`CREATE OR REPLACE TEMP TABLE spy_base AS
    WITH j AS (
      SELECT s.*, v."close" AS vix_close FROM spy s ASOF LEFT JOIN vix v ON v.date = s.date AND s.ts >= v.ts
    )
    SELECT j.date, j.ts, j.open, j.high, j.low, j."close", j.volume, coalesce(j.vwap, (j.high + j.low + j."close") / 3) AS bar_vwap,
      j.vix_close, se.open_ms, se.close_ms, i.spy_rsi_14, i.spy_ema_9, i.spy_ema_21, i.spy_macd, i.spy_macd_signal, i.spy_macd_hist,
      i.spy_bb_upper, i.spy_bb_middle, i.spy_bb_lower, i.spy_volume_z_20,
      safe_ln(j."close" / lag(j."close") OVER w) AS lr,
      safe_ln(j.vix_close / lag(j.vix_close) OVER w) AS vix_lr,
      greatest(j.high - j.low, abs(j.high - coalesce(lag(j."close") OVER w, j.high)), abs(j.low - coalesce(lag(j."close") OVER w, j.low))) AS tr,
      sum(coalesce(j.vwap, (j.high + j.low + j."close") / 3) * j.volume) OVER w / nullif(sum(j.volume) OVER w, 0) AS session_vwap,
      first_value(j.open) OVER w AS day_open
    FROM j JOIN sessions se ON se.date = j.date LEFT JOIN spy_ind i ON i.ts = j.ts
    WINDOW w AS (PARTITION BY j.date ORDER BY j.ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`);
  await duck.run(`CREATE OR REPLACE TEMP TABLE spyf AS
    WITH b AS (
      SELECT *, "close" / session_vwap - 1 AS spy_session_vwap_dist FROM spy_base
    )
    SELECT date, ts,
      (ts - open_ms) / 60000.0 AS minute_of_session,
      (close_ms - ts) / 60000.0 AS minutes_to_close,
      hour(timezone('America/New_York', epoch_ms(ts)::TIMESTAMPTZ))::DOUBLE AS hour_et,
      isodow(date::DATE)::DOUBLE AS day_of_week,
      "close" / ${asOf('"close"', 1, 'date')} - 1 AS spy_ret_1m,
      "close" / ${asOf('"close"', 5, 'date')} - 1 AS spy_ret_5m,
      "close" / ${asOf('"close"', 15, 'date')} - 1 AS spy_ret_15m,
      "close" / ${asOf('"close"', 30, 'date')} - 1 AS spy_ret_30m,
      "close" / ${asOf('"close"', 60, 'date')} - 1 AS spy_ret_60m,
      "close" / day_open - 1 AS spy_ret_from_open,
      safe_ln(1 + volume) AS spy_log_volume,
      spy_volume_z_20,
      avg(volume) OVER ${rowsBack(5, 'date')} / nullif(avg(volume) OVER ${rowsBack(30, 'date')}, 0) AS spy_volume_ratio_5_30,
      CASE WHEN count(lr) OVER ${rowsBack(5, 'date')} = 5 THEN stddev_pop(lr) OVER ${rowsBack(5, 'date')} END AS spy_rv_5,
      CASE WHEN count(lr) OVER ${rowsBack(15, 'date')} = 15 THEN stddev_pop(lr) OVER ${rowsBack(15, 'date')} END AS spy_rv_15,
      CASE WHEN count(lr) OVER ${rowsBack(30, 'date')} = 30 THEN stddev_pop(lr) OVER ${rowsBack(30, 'date')} END AS spy_rv_30,
      (high - low) / "close" AS spy_range_pct,
      CASE WHEN count(*) OVER ${rowsBack(14, 'date')} = 14 THEN avg(tr) OVER ${rowsBack(14, 'date')} / "close" END AS spy_atr_14_pct,
      spy_rsi_14, spy_macd, spy_macd_signal, spy_macd_hist,
      "close" / spy_ema_9 - 1 AS spy_ema_9_dist,
      "close" / spy_ema_21 - 1 AS spy_ema_21_dist,
      ("close" - spy_bb_lower) / nullif(spy_bb_upper - spy_bb_lower, 0) AS spy_bb_pct_b,
      (spy_bb_upper - spy_bb_lower) / spy_bb_middle AS spy_bb_width,
      (spy_bb_upper - "close") / "close" AS spy_bb_upper_dist,
      ("close" - spy_bb_lower) / "close" AS spy_bb_lower_dist,
      spy_session_vwap_dist,
      "close" / bar_vwap - 1 AS spy_bar_vwap_dist,
      spy_session_vwap_dist - ${asOf('spy_session_vwap_dist', 5, 'date')} AS spy_vwap_dist_change_5m,
      ("close" > session_vwap)::DOUBLE AS spy_above_session_vwap,
      vix_close,
      vix_close / ${asOf('vix_close', 5, 'date')} - 1 AS vix_ret_5m,
      vix_close / ${asOf('vix_close', 30, 'date')} - 1 AS vix_ret_30m,
      CASE WHEN count(lr * vix_lr) OVER ${rowsBack(30, 'date')} = 30 THEN corr(lr, vix_lr) OVER ${rowsBack(30, 'date')} END AS spy_vix_corr_30
    FROM b`);
  await duck.run(`CREATE OR REPLACE TEMP TABLE spyf AS
    SELECT f.*, n.news_sentiment_latest, n.news_sentiment_mean, n.news_count, n.minutes_since_news
    FROM spyf f LEFT JOIN spy_news n ON n.ts = f.ts`);
}

/**
 * Builds `optf`: option-level features from the consolidated rows in `cons_in`, per contract and
 * session, plus `row_id` in (date, ticker, ts) order for the label join.
 */
export async function buildOptionFeatureFrame(duck: DuckSession): Promise<void> {
  await duck.run(`CREATE OR REPLACE TEMP MACRO safe_ln(x) AS CASE WHEN x > 0 THEN ln(x) END`);
  const p = 'date, ticker';
  await duck.run(`CREATE OR REPLACE TEMP TABLE optf AS
    SELECT (row_number() OVER (ORDER BY date, ticker, ts) - 1)::BIGINT AS row_id,
      date, ticker, ts, underlying, expiration, strike, contract_type, moneyness, minutes_to_expiry, opt_close,
      iv, delta, gamma, theta, vega,
      opt_close / ${asOf('opt_close', 1, p)} - 1 AS opt_ret_1m,
      opt_close / ${asOf('opt_close', 5, p)} - 1 AS opt_ret_5m,
      opt_close / ${asOf('opt_close', 15, p)} - 1 AS opt_ret_15m,
      opt_close / ${asOf('opt_close', 30, p)} - 1 AS opt_ret_30m,
      opt_close / ${asOf('opt_close', 60, p)} - 1 AS opt_ret_60m,
      opt_close / first_value(opt_open) OVER (PARTITION BY ${p} ORDER BY ts) - 1 AS opt_ret_from_open,
      (opt_high - opt_low) / opt_close AS opt_range_pct,
      opt_close / max(opt_high) OVER (PARTITION BY ${p} ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - 1 AS opt_dist_from_high,
      opt_close / min(opt_low) OVER (PARTITION BY ${p} ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - 1 AS opt_dist_from_low,
      safe_ln(1 + opt_volume) AS opt_log_volume,
      CASE WHEN count(*) OVER ${rowsBack(20, p)} = 20
        THEN (opt_volume - avg(opt_volume) OVER ${rowsBack(20, p)}) / nullif(stddev_pop(opt_volume) OVER ${rowsBack(20, p)}, 0) END AS opt_volume_z_20,
      (ts - lag(ts) OVER (PARTITION BY ${p} ORDER BY ts)) / 60000.0 AS opt_minutes_since_prev_bar,
      iv - ${asOf('iv', 5, p)} AS iv_change_5m
    FROM cons_in`);
}
