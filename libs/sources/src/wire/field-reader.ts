import type { ValidationIssue } from '@spyglass/core';

// Collects type issues while reading fields of one untrusted wire object, so a decoder reports every
// bad field at once instead of stopping at the first.
export class FieldReader {
  readonly issues: ValidationIssue[] = [];
  private readonly obj: Record<string, unknown>;

  constructor(raw: unknown) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.obj = {};
      this.issues.push({ code: 'WIRE_NOT_OBJECT', path: [], message: `expected a JSON object, got ${describe(raw)}` });
    } else {
      this.obj = raw as Record<string, unknown>;
    }
  }

  number(key: string, opts: { integer?: boolean; min?: number; positive?: boolean } = {}): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return this.missing(key, NaN);
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.bad(key, `expected a finite number, got ${describe(v)}`, NaN);
    if (opts.integer && !Number.isInteger(v)) return this.bad(key, `expected an integer, got ${v}`, NaN);
    if (opts.positive && v <= 0) return this.bad(key, `expected > 0, got ${v}`, NaN, 'WIRE_OUT_OF_RANGE');
    if (opts.min !== undefined && v < opts.min) return this.bad(key, `expected >= ${opts.min}, got ${v}`, NaN, 'WIRE_OUT_OF_RANGE');
    return v;
  }

  optionalNumber(key: string, opts: { integer?: boolean; min?: number } = {}): number | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    return this.number(key, opts);
  }

  string(key: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) return this.missing(key, '');
    if (typeof v !== 'string' || v.length === 0) return this.bad(key, `expected a non-empty string, got ${describe(v)}`, '');
    return v;
  }

  optionalString(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') return this.bad(key, `expected a string, got ${describe(v)}`, null);
    return v;
  }

  stringArray(key: string): string[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return this.bad(key, `expected an array of strings, got ${describe(v)}`, []);
    return v as string[];
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  private missing<T>(key: string, fallback: T): T {
    this.issues.push({ code: 'WIRE_FIELD_MISSING', path: [key], message: `required field "${key}" is missing` });
    return fallback;
  }

  bad<T>(key: string | ReadonlyArray<string | number>, message: string, fallback: T, code = 'WIRE_FIELD_TYPE'): T {
    const path = typeof key === 'string' ? [key] : key;
    this.issues.push({ code, path, message: `${path.join('.')}: ${message}` });
    return fallback;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
