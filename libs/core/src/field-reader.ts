import type { ValidationIssue } from './validation-issue.js';

/**
 * The issue code a {@link FieldReader} records for each kind of problem. Each reader of untrusted
 * records speaks its own documented vocabulary (the wire decoders' `WIRE_*` codes, the pipeline
 * validator's `ValidationCode`); a kind without a code of its own is recorded as `wrongType`.
 *
 * @example
 * ```ts
 * const codes: FieldIssueCodes = { notObject: 'NOT_AN_OBJECT', missing: 'MISSING_FIELD', wrongType: 'WRONG_TYPE' };
 * ```
 */
export interface FieldIssueCodes {
  /** The record itself is not a plain object. */
  readonly notObject: string;
  /** A required field is absent or null. */
  readonly missing: string;
  /** A field has the wrong JSON type (and the fallback for every kind below). */
  readonly wrongType: string;
  /** A number is NaN or ±Infinity. */
  readonly notFinite?: string;
  /** A number that must be whole is fractional. */
  readonly notInteger?: string;
  /** A number is below `min` or not above zero when `positive`. */
  readonly outOfRange?: string;
  /** A required string is empty or blank. */
  readonly emptyString?: string;
  /** A string is outside its allowed set. */
  readonly badEnum?: string;
}

/** Options of {@link FieldReader.number}. */
export interface NumberFieldOptions {
  /** Absent or null is not an issue (the reader returns undefined). */
  readonly optional?: boolean;
  readonly integer?: boolean;
  readonly min?: number;
  /** Must be greater than zero (prices, strikes). */
  readonly positive?: boolean;
}

/**
 * Reads typed fields out of an `unknown` record and records an issue for every field that is
 * missing or malformed, so one pass reports every problem of a record at once. It never throws on
 * hostile input (getters that throw, proxies): a field it cannot read is an issue, and its value is
 * `undefined`. The one reader behind the wire decoders and the pipeline validator; each passes the
 * codes of its own vocabulary.
 *
 * @example
 * ```ts
 * const r = new FieldReader({ o: '585.1' }, { notObject: 'NOT_AN_OBJECT', missing: 'MISSING_FIELD', wrongType: 'WRONG_TYPE' });
 * r.number('o'); // undefined
 * r.number('c'); // undefined
 * r.issues.map((i) => i.code); // ['WRONG_TYPE', 'MISSING_FIELD']
 * ```
 */
export class FieldReader {
  readonly issues: ValidationIssue[] = [];
  private readonly record: Record<string, unknown> | null;

  constructor(
    input: unknown,
    private readonly codes: FieldIssueCodes,
  ) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      this.record = null;
      this.issue(codes.notObject, [], `expected an object, got ${describeValue(input)}`);
    } else {
      this.record = input as Record<string, unknown>;
    }
  }

  /** False when the input was not an object: field checks are pointless then. */
  get isObject(): boolean {
    return this.record !== null;
  }

  /** Records one issue (for checks the reader does not know, e.g. OHLC consistency). */
  issue(code: string, path: ReadonlyArray<string | number>, message: string): void {
    this.issues.push({ code, path, message });
  }

  /** The raw field value; a throwing getter counts as a wrong type rather than escaping. */
  raw(field: string): unknown {
    if (this.record === null) return undefined;
    try {
      return this.record[field];
    } catch (e) {
      this.issue(this.codes.wrongType, [field], `reading ${field} threw: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** A finite number within the options' bounds, or undefined after recording why not. */
  number(field: string, opts: NumberFieldOptions = {}): number | undefined {
    const v = this.present(field, opts.optional);
    if (v === undefined) return undefined;
    const { codes } = this;
    if (typeof v !== 'number') return this.reject(codes.wrongType, field, `${field} must be a number, got ${describeValue(v)}`);
    if (!Number.isFinite(v)) return this.reject(codes.notFinite, field, `${field} must be finite, got ${v}`);
    if (opts.integer && !Number.isInteger(v)) return this.reject(codes.notInteger, field, `${field} must be an integer, got ${v}`);
    if (opts.positive && v <= 0) return this.reject(codes.outOfRange, field, `${field} must be > 0, got ${v}`);
    if (opts.min !== undefined && v < opts.min) return this.reject(codes.outOfRange, field, `${field} must be >= ${opts.min}, got ${v}`);
    return v;
  }

  /** A string (non-blank unless `allowEmpty`), or undefined after recording why not. */
  string(field: string, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
    const v = this.present(field, opts.optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.reject(this.codes.wrongType, field, `${field} must be a string, got ${describeValue(v)}`);
    if (!opts.allowEmpty && v.trim() === '') return this.reject(this.codes.emptyString, field, `${field} must not be empty`);
    return v;
  }

  /** A string that must be one of `allowed`. */
  oneOf<T extends string>(field: string, allowed: readonly T[], opts: { optional?: boolean } = {}): T | undefined {
    const v = this.string(field, opts);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) return this.reject(this.codes.badEnum, field, `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  /** An array of strings (each element checked). */
  stringArray(field: string, opts: { optional?: boolean } = {}): string[] | undefined {
    const v = this.present(field, opts.optional);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.reject(this.codes.wrongType, field, `${field} must be an array, got ${describeValue(v)}`);
    let ok = true;
    v.forEach((el, i) => {
      if (typeof el === 'string') return;
      ok = false;
      this.issue(this.codes.wrongType, [field, i], `${field}[${i}] must be a string, got ${describeValue(el)}`);
    });
    return ok ? (v as string[]) : undefined;
  }

  // The field's value, or undefined (recording MISSING unless optional) when absent or null.
  private present(field: string, optional: boolean | undefined): unknown {
    const v = this.raw(field);
    if (v !== undefined && v !== null) return v;
    if (!optional && this.record !== null) this.issue(this.codes.missing, [field], `${field} is required`);
    return undefined;
  }

  private reject(code: string | undefined, field: string, message: string): undefined {
    this.issue(code ?? this.codes.wrongType, [field], message);
    return undefined;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
