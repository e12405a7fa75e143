import type { FieldReader } from './field-reader.js';
import { ValidationCode } from './issue-codes.js';
import { sessionViolation, type SessionPolicy } from './session-policy.js';

/**
 * Options shared by the bar validators.
 * - `session`: bar starts outside the policy's session are `OUTSIDE_SESSION`. Defaults: the NYSE
 *   regular session for stocks; regular plus 15 minutes for options and indices (SPY options and
 *   VIX print until 16:15 ET). `false` turns the check off (e.g. for replayed test data).
 * - `barIntervalMs`: bar starts must be multiples of it (default one minute; 0 turns the check off).
 *
 * @example
 * ```ts
 * const opts: BarValidationOptions = { session: { extendedHours: true } }; // accept 04:00–20:00 ET
 * ```
 */
export interface BarValidationOptions {
  readonly session?: SessionPolicy | false;
  readonly barIntervalMs?: number;
}

const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

/** Timestamp checks: integer epoch ms in a sane range, on a bar boundary, optionally in session. */
export function checkTimestamp(
  r: FieldReader,
  field: string,
  opts: BarValidationOptions,
  bar: boolean,
  defaultSession: SessionPolicy | false = false,
): number | undefined {
  const t = r.number(field);
  if (t === undefined) return undefined;
  if (!Number.isInteger(t) || t < MIN_TS || t >= MAX_TS) {
    r.issue(ValidationCode.BAD_TIMESTAMP, [field], `${field} ${t} is not an integer epoch-ms between 2000 and 2100 (seconds or nanoseconds sent?)`);
    return undefined;
  }
  const interval = opts.barIntervalMs ?? 60_000;
  if (bar && interval > 0 && t % interval !== 0) {
    r.issue(ValidationCode.BAD_TIMESTAMP, [field], `${field} ${new Date(t).toISOString()} is not on a ${interval} ms bar boundary`);
  }
  const session = opts.session ?? defaultSession;
  if (bar && session) {
    const why = sessionViolation(t, session);
    if (why !== null) r.issue(ValidationCode.OUTSIDE_SESSION, [field], why);
  }
  return t;
}

/** OHLC: finite, positive, `low ≤ open, close ≤ high`. */
export function checkOhlc(r: FieldReader): { low: number; high: number } | undefined {
  const o = r.number('open');
  const h = r.number('high');
  const l = r.number('low');
  const c = r.number('close');
  for (const [name, v] of [['open', o], ['high', h], ['low', l], ['close', c]] as const) {
    if (v !== undefined && v <= 0) r.issue(ValidationCode.NON_POSITIVE_PRICE, [name], `${name} must be > 0, got ${v}`);
  }
  if (o === undefined || h === undefined || l === undefined || c === undefined) return undefined;
  if (l > h) r.issue(ValidationCode.OHLC_INCONSISTENT, ['low'], `low ${l} > high ${h}`);
  if (o < l || o > h) r.issue(ValidationCode.OHLC_INCONSISTENT, ['open'], `open ${o} outside [low ${l}, high ${h}]`);
  if (c < l || c > h) r.issue(ValidationCode.OHLC_INCONSISTENT, ['close'], `close ${c} outside [low ${l}, high ${h}]`);
  return { low: l, high: h };
}

/** Volume (required, ≥ 0), vwap (optional, inside [low, high]), transactions (optional integer ≥ 0). */
export function checkVolumeFields(r: FieldReader, range: { low: number; high: number } | undefined): void {
  const volume = r.number('volume');
  if (volume !== undefined && volume < 0) r.issue(ValidationCode.NEGATIVE_VOLUME, ['volume'], `volume must be ≥ 0, got ${volume}`);
  const vwap = r.number('vwap', { optional: true });
  // A relative tolerance of 1e-9 absorbs float noise in an API-computed average without hiding real errors.
  if (vwap !== undefined && range && range.low <= range.high) {
    const tol = 1e-9 * Math.max(1, Math.abs(range.high));
    if (vwap < range.low - tol || vwap > range.high + tol) {
      r.issue(ValidationCode.VWAP_OUT_OF_RANGE, ['vwap'], `vwap ${vwap} outside [low ${range.low}, high ${range.high}]`);
    }
  }
  const n = r.number('transactions', { optional: true });
  if (n !== undefined) {
    if (n < 0) r.issue(ValidationCode.NEGATIVE_VOLUME, ['transactions'], `transactions must be ≥ 0, got ${n}`);
    else if (!Number.isInteger(n)) r.issue(ValidationCode.NOT_INTEGER, ['transactions'], `transactions must be an integer, got ${n}`);
  }
}

/** `ingestedAt`: required epoch ms (no session or boundary rule: it is a receive time). */
export function checkIngestedAt(r: FieldReader): void {
  checkTimestamp(r, 'ingestedAt', {}, false);
}

/**
 * The common case in one pass of plain comparisons: true only when the detailed checks above would
 * find nothing (a ticker matching `tickerFormat`, an in-range integer timestamp on the bar boundary
 * and in session, positive consistent OHLC, and with `volumeFields` a volume ≥ 0, a vwap inside
 * [low, high] and an integer transaction count ≥ 0, when present). False means "look closer": the
 * validators then run the FieldReader checks, which explain every problem. A per-record FieldReader
 * and its closures cost more than the rest of ingestion's validation, hence this shortcut.
 */
export function isCleanBar(
  input: unknown,
  tickerFormat: RegExp,
  opts: BarValidationOptions,
  defaultSession: SessionPolicy | false,
  volumeFields: boolean,
): boolean {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return false;
  try {
    const r = input as Record<string, unknown>;
    const { ticker, timestamp: t, open: o, high: h, low: l, close: c, ingestedAt } = r;
    if (typeof ticker !== 'string' || !tickerFormat.test(ticker)) return false;
    if (!isEpochMs(t) || !isEpochMs(ingestedAt)) return false;
    // NaN fails every comparison; low > 0 and open, close inside [low, high < ∞] make all four finite.
    if (typeof o !== 'number' || typeof h !== 'number' || typeof l !== 'number' || typeof c !== 'number') return false;
    if (!(l > 0 && h < Infinity && o >= l && o <= h && c >= l && c <= h)) return false;
    if (volumeFields) {
      const { volume, vwap, transactions: n } = r;
      if (typeof volume !== 'number' || !(volume >= 0 && volume < Infinity)) return false;
      if (vwap !== undefined && vwap !== null) {
        const tol = 1e-9 * Math.max(1, Math.abs(h));
        if (typeof vwap !== 'number' || !(vwap >= l - tol && vwap <= h + tol)) return false;
      }
      if (n !== undefined && n !== null && !(typeof n === 'number' && Number.isInteger(n) && n >= 0)) return false;
    }
    const interval = opts.barIntervalMs ?? 60_000;
    if (interval > 0 && t % interval !== 0) return false;
    const session = opts.session ?? defaultSession;
    return !session || sessionViolation(t, session) === null;
  } catch {
    return false; // a throwing getter: the detailed checks report it
  }
}

function isEpochMs(t: unknown): t is number {
  return typeof t === 'number' && Number.isInteger(t) && t >= MIN_TS && t < MAX_TS;
}
