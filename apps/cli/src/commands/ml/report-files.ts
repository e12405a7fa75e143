// The files `spyglass ml …` commands write (CSV, JSON, charts) and the stamp that keeps repeated
// runs from overwriting each other's outputs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SpyglassError } from '@spyglass/core';

/**
 * Writes `text` to `path`, creating its directory; a failure is a STORAGE SpyglassError with the cause.
 *
 * @returns the path written, so a caller can report it
 * @example
 * ```ts
 * const csv = writeText(join(outDir, 'aggregate_analysis.csv'), csvText);
 * ```
 */
export function writeText(path: string, text: string): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (cause) {
    throw new SpyglassError('STORAGE', `cannot write ${path}: ${(cause as Error).message}`, { cause, details: { path } });
  }
  return path;
}

/**
 * A file-name-safe stamp of now, so repeated runs never overwrite each other's outputs.
 *
 * @example
 * ```ts
 * stamp(); // '2026-11-26T10-50-30-123Z'
 * ```
 */
export const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
