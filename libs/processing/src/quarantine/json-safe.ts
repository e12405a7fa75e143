/**
 * Serialises anything a wire could deliver to one JSON line without losing what made it bad:
 * NaN and ±Infinity become `{"$number":"NaN"}` (plain JSON would write `null` and hide the fault),
 * bigint and functions become tagged strings, circular references `"[Circular]"`. Never throws.
 *
 * @example
 * ```ts
 * toJsonLine({ close: NaN }); // '{"close":{"$number":"NaN"}}'
 * ```
 */
export function toJsonLine(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    const out = JSON.stringify(value, function replacer(_key, v: unknown) {
      if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
      if (typeof v === 'bigint') return { $bigint: v.toString() };
      if (typeof v === 'function' || typeof v === 'symbol') return `[${typeof v}]`;
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
    return out === undefined ? 'null' : out;
  } catch {
    // A throwing getter or toJSON: copy field by field so only the hostile fields are replaced.
    return toJsonLine(safeCopy(value, new WeakSet()));
  }
}

function safeCopy(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'function') return '[function]';
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => safeCopy(v, seen));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    try {
      out[key] = safeCopy((value as Record<string, unknown>)[key], seen);
    } catch (e) {
      out[key] = { $threw: e instanceof Error ? e.message : String(e) };
    }
  }
  return out;
}

/** Inverse of {@link toJsonLine}'s number tags, for readers. */
export function reviveJson(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$number === 'string') return Number(o.$number);
  }
  return v;
}
