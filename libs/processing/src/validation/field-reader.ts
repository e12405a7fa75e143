import type { ValidationIssue } from '@spyglass/core';
import { ValidationCode } from './issue-codes.js';

/**
 * Reads typed fields out of an `unknown` payload and records an issue for every field that is
 * missing or of the wrong type, so one validation pass reports every problem of a record at once
 * and never throws on hostile input (getters that throw, proxies, circular objects).
 */
export class FieldReader {
  readonly issues: ValidationIssue[] = [];
  private readonly record: Record<string, unknown> | null;

  constructor(input: unknown) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      this.record = null;
      const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
      this.issue(ValidationCode.NOT_AN_OBJECT, [], `expected an object, got ${kind}`);
    } else {
      this.record = input as Record<string, unknown>;
    }
  }

  /** False when the input was not an object: field checks are pointless then. */
  get isObject(): boolean {
    return this.record !== null;
  }

  issue(code: ValidationCode, path: ReadonlyArray<string | number>, message: string): void {
    this.issues.push({ code, path, message });
  }

  /** The raw field value; a throwing getter counts as a wrong type rather than escaping. */
  raw(field: string): unknown {
    if (this.record === null) return undefined;
    try {
      return this.record[field];
    } catch (e) {
      this.issue(ValidationCode.WRONG_TYPE, [field], `reading ${field} threw: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** A required finite number, or undefined after recording why not. */
  number(field: string, opts: { optional?: boolean } = {}): number | undefined {
    const v = this.raw(field);
    if (v === undefined || v === null) {
      if (!opts.optional) this.issue(ValidationCode.MISSING_FIELD, [field], `${field} is required`);
      return undefined;
    }
    if (typeof v !== 'number') {
      this.issue(ValidationCode.WRONG_TYPE, [field], `${field} must be a number, got ${describe(v)}`);
      return undefined;
    }
    if (!Number.isFinite(v)) {
      this.issue(ValidationCode.NOT_FINITE, [field], `${field} must be finite, got ${v}`);
      return undefined;
    }
    return v;
  }

  /** A required string (non-blank unless `allowEmpty`), or undefined after recording why not. */
  string(field: string, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
    const v = this.raw(field);
    if (v === undefined || v === null) {
      if (!opts.optional) this.issue(ValidationCode.MISSING_FIELD, [field], `${field} is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.issue(ValidationCode.WRONG_TYPE, [field], `${field} must be a string, got ${describe(v)}`);
      return undefined;
    }
    if (!opts.allowEmpty && v.trim() === '') {
      this.issue(ValidationCode.EMPTY_STRING, [field], `${field} must not be empty`);
      return undefined;
    }
    return v;
  }

  /** A value that must be one of `allowed`. */
  oneOf<T extends string>(field: string, allowed: readonly T[], opts: { optional?: boolean } = {}): T | undefined {
    const v = this.string(field, opts);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      this.issue(ValidationCode.BAD_ENUM, [field], `${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v as T;
  }

  /** An array of strings (each element checked). */
  stringArray(field: string, opts: { optional?: boolean } = {}): string[] | undefined {
    const v = this.raw(field);
    if (v === undefined || v === null) {
      if (!opts.optional) this.issue(ValidationCode.MISSING_FIELD, [field], `${field} is required`);
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.issue(ValidationCode.WRONG_TYPE, [field], `${field} must be an array, got ${describe(v)}`);
      return undefined;
    }
    let ok = true;
    v.forEach((el, i) => {
      if (typeof el !== 'string') {
        ok = false;
        this.issue(ValidationCode.WRONG_TYPE, [field, i], `${field}[${i}] must be a string, got ${describe(el)}`);
      }
    });
    return ok ? (v as string[]) : undefined;
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v;
}
