import { LABEL_DEFAULTS, SpyglassError } from '@spyglass/core';
import { nyDayNumbers, type SessionIds } from './per-session.js';

/**
 * Inputs of {@link labelForwardWindow}: one ticker's bars, ascending by time.
 *
 * @example
 * ```ts
 * const input: ForwardWindowInput = { timestamps, closes, threshold: 0.2, windowMinutes: 120 };
 * const labels = labelForwardWindow(input);
 * ```
 */
export interface ForwardWindowInput {
  /** Bar timestamps, UTC epoch ms, ascending. */
  timestamps: ArrayLike<number>;
  /** Closes (> 0, finite), one per timestamp. */
  closes: ArrayLike<number>;
  /**
   * Session key per row; a window never reaches into a different session. Default: the New York
   * calendar day of each timestamp ({@link nyDayNumbers}).
   */
  sessionIds?: SessionIds;
  /**
   * Alternative to `sessionIds`: the close (UTC epoch ms) of each row's session, e.g.
   * `nyseCalendar.session(date).close`. Rows with different closes are different sessions, and a
   * window also ends at the close (13:00 on early closes), so after-hours bars never count.
   */
  sessionCloses?: ArrayLike<number>;
  /** Minimum gain that makes a positive label, as a fraction. Default 0.20 (+20 %). */
  threshold?: number;
  /** Look-ahead in minutes; the window is (t, t + windowMinutes]. Default 120. */
  windowMinutes?: number;
}

/**
 * Forward-window labels, one entry per input row.
 *
 * @example
 * ```ts
 * const { target, maxGain }: ForwardWindowLabels = labelForwardWindow({ timestamps, closes });
 * const positives = target.reduce((n, x) => n + x, 0);
 * ```
 */
export interface ForwardWindowLabels {
  /** 1 when the highest close in the window ≥ (1 + threshold) × close at t; 0 otherwise (also for an empty window). */
  target: Uint8Array;
  /** max(close in window)/close − 1; NaN when the window is empty. */
  maxGain: Float64Array;
  /** min(close in window)/close − 1 (≤ 0 unless every later close is higher); NaN when empty. */
  minLoss: Float64Array;
  /** Minutes from t to the first bar reaching the window's highest close; NaN when empty. */
  timeToMaxMin: Float64Array;
}

const MINUTE_MS = 60_000;

function invalid(message: string, details: Record<string, unknown>): never {
  throw new SpyglassError('INVALID_ARGUMENT', `labelForwardWindow: ${message}`, { details });
}

/**
 * Forward-looking labels for one ticker: for every bar t, the closes strictly after t and at most
 * `windowMinutes` later, within t's session. O(n): the window's two ends only move forward, and
 * monotonic deques keep its maximum (earliest on ties) and minimum.
 *
 * @example
 * ```ts
 * import { labelForwardWindow } from '@spyglass/features';
 * const t0 = Date.UTC(2025, 2, 4, 14, 30);
 * const { target, maxGain, timeToMaxMin } = labelForwardWindow({
 *   timestamps: [t0, t0 + 60_000, t0 + 120_000], closes: [1.0, 1.1, 1.25],
 * });
 * // target [1, 0, 0], maxGain [0.25, 0.136…, NaN], timeToMaxMin [2, 1, NaN]
 * ```
 */
export function labelForwardWindow(input: ForwardWindowInput): ForwardWindowLabels {
  const { timestamps, closes } = input;
  const threshold = input.threshold ?? LABEL_DEFAULTS.threshold;
  const windowMinutes = input.windowMinutes ?? LABEL_DEFAULTS.windowMinutes;
  const n = timestamps.length;
  if (closes.length !== n) invalid(`${closes.length} closes for ${n} timestamps`, { closes: closes.length, timestamps: n });
  if (!(threshold >= 0 && threshold < Infinity)) invalid(`threshold = ${threshold}: must be a finite fraction >= 0 (0.2 = +20 %)`, { threshold });
  if (!(windowMinutes > 0 && windowMinutes < Infinity)) invalid(`windowMinutes = ${windowMinutes}: must be > 0`, { windowMinutes });
  if (input.sessionIds !== undefined && input.sessionCloses !== undefined) {
    invalid('pass sessionIds or sessionCloses, not both', {});
  }
  const closesAt = input.sessionCloses;
  const sessions = input.sessionIds ?? closesAt ?? nyDayNumbers(timestamps);
  if (sessions.length !== n) invalid(`${sessions.length} session ids for ${n} rows`, { sessionIds: sessions.length, rows: n });
  for (let k = 0; k < n; k++) {
    const c = closes[k];
    if (!(c > 0 && c < Infinity)) invalid(`closes[${k}] = ${c}: must be a finite price > 0`, { index: k, close: c });
    if (!Number.isFinite(timestamps[k])) invalid(`timestamps[${k}] = ${timestamps[k]}: must be epoch ms`, { index: k });
    if (k > 0 && sessions[k] === sessions[k - 1] && !(timestamps[k] > timestamps[k - 1])) {
      invalid(`timestamps must increase within a session; row ${k} (${timestamps[k]}) follows ${timestamps[k - 1]}`, { index: k });
    }
  }

  const windowMs = windowMinutes * MINUTE_MS;
  const target = new Uint8Array(n);
  const maxGain = new Float64Array(n).fill(Number.NaN);
  const minLoss = new Float64Array(n).fill(Number.NaN);
  const timeToMaxMin = new Float64Array(n).fill(Number.NaN);
  // Deques of row indices: closes decreasing (max) / increasing (min) from head to tail.
  const maxQ = new Int32Array(n);
  const minQ = new Int32Array(n);

  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && sessions[end] === sessions[start]) end++;
    let maxHead = 0;
    let maxTail = 0;
    let minHead = 0;
    let minTail = 0;
    let hi = start; // rows start..hi-1 have entered the deques
    for (let i = start; i < end; i++) {
      const limit = closesAt === undefined ? timestamps[i] + windowMs : Math.min(timestamps[i] + windowMs, closesAt[i]);
      while (hi < end && timestamps[hi] <= limit) {
        const c = closes[hi];
        // Strict comparison keeps the earlier of equal closes at the head: time to the FIRST maximum.
        while (maxTail > maxHead && closes[maxQ[maxTail - 1]] < c) maxTail--;
        maxQ[maxTail++] = hi;
        while (minTail > minHead && closes[minQ[minTail - 1]] > c) minTail--;
        minQ[minTail++] = hi;
        hi++;
      }
      while (maxHead < maxTail && maxQ[maxHead] <= i) maxHead++;
      while (minHead < minTail && minQ[minHead] <= i) minHead++;
      if (maxHead === maxTail) continue; // empty window: no later bar within reach in this session
      const c = closes[i];
      const top = maxQ[maxHead];
      const best = closes[top];
      maxGain[i] = best / c - 1;
      minLoss[i] = closes[minQ[minHead]] / c - 1;
      timeToMaxMin[i] = (timestamps[top] - timestamps[i]) / MINUTE_MS;
      target[i] = best >= (1 + threshold) * c ? 1 : 0;
    }
    start = end;
  }
  return { target, maxGain, minLoss, timeToMaxMin };
}
