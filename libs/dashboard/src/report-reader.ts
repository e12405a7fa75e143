import { readFile } from 'node:fs/promises';
import { SpyglassError, type ValidationIssue } from '@spyglass/core';

/**
 * A report file as the API serves it: present and valid, or absent/invalid with the reason, so the
 * page can tell the user which job to run instead of failing.
 *
 * @example
 * ```ts
 * const state: ReportState<ScannerSummary> = await readReport(scannerSummaryPath('data'), validateScannerSummary);
 * ```
 */
export type ReportState<T> =
  | { readonly available: true; readonly path: string; readonly summary: T }
  | { readonly available: false; readonly path: string; readonly reason: 'missing' | 'invalid'; readonly issues: readonly ValidationIssue[] };

/**
 * Reads and validates one JSON report. Missing file → `missing`; unparsable JSON or contract
 * violations → `invalid` with the issues; other read failures throw `STORAGE`.
 *
 * @example
 * ```ts
 * const state = await readReport(scannerSummaryPath('data'), validateScannerSummary);
 * if (state.available) console.log(state.summary.eventsByHour.length);
 * ```
 */
export async function readReport<T>(path: string, validate: (value: unknown) => ValidationIssue[]): Promise<ReportState<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { available: false, path, reason: 'missing', issues: [] };
    throw new SpyglassError('STORAGE', `cannot read report ${path}`, { cause: e, details: { path } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { available: false, path, reason: 'invalid', issues: [{ code: 'NOT_JSON', path: [], message: `${path}: ${(e as Error).message}` }] };
  }
  const issues = validate(value);
  return issues.length ? { available: false, path, reason: 'invalid', issues } : { available: true, path, summary: value as T };
}
