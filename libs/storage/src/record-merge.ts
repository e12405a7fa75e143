import type { ColumnSpec, DatasetSpec } from './dataset-spec.js';
import { columnOf } from './dataset-spec.js';

/**
 * Result of {@link mergeRecords}.
 *
 * @example
 * ```ts
 * const { rows, added, replaced } = mergeRecords(spec, existing, incoming);
 * ```
 */
export interface MergeResult<R> {
  /** De-duplicated rows sorted by the spec's `sortBy`. */
  readonly rows: R[];
  /** Incoming rows whose key was not present before. */
  readonly added: number;
  /** Incoming rows whose key was present (in the file or earlier in the same batch). */
  readonly duplicates: number;
  /** True when the result differs from `existing` (a new key or a changed value). */
  readonly changed: boolean;
}

type Get = (r: object) => unknown;

function getter(c: ColumnSpec): Get {
  const f = c.field;
  return (r) => (r as Record<string, unknown>)[f];
}

function sameValue(a: unknown, b: unknown, type: ColumnSpec['type']): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (type === 'utf8_list' || type === 'json') return JSON.stringify(a) === JSON.stringify(b);
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Merges incoming rows into a partition's existing rows: one row per key (an incoming row replaces
 * an existing one, a later incoming row an earlier one), sorted by `sortBy`.
 *
 * @example
 * ```ts
 * mergeRecords(rawDatasetSpecs.stocks, fileRows, newBars).rows;
 * ```
 */
export function mergeRecords<R extends object>(spec: DatasetSpec, existing: readonly R[], incoming: readonly R[]): MergeResult<R> {
  const keyGets = spec.key.map((k) => getter(columnOf(spec, k)));
  const keyOf: (r: object) => unknown =
    keyGets.length === 1 ? keyGets[0] : keyGets.length === 2 ? (r) => `${String(keyGets[0](r))}\u0000${String(keyGets[1](r))}` : (r) => keyGets.map((g) => String(g(r))).join('\u0000');
  const rows: R[] = existing.slice();
  const index = new Map<unknown, number>();
  for (let i = 0; i < rows.length; i++) index.set(keyOf(rows[i]), i);
  const columns = spec.columns;
  const gets = columns.map(getter);
  let added = 0;
  let duplicates = 0;
  let changed = false;
  for (const r of incoming) {
    const k = keyOf(r);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, rows.length);
      rows.push(r);
      added++;
      changed = true;
      continue;
    }
    duplicates++;
    const old = rows[at];
    if (!changed) {
      for (let c = 0; c < columns.length; c++) {
        if (!sameValue(gets[c](old), gets[c](r), columns[c].type)) {
          changed = true;
          break;
        }
      }
    }
    rows[at] = r;
  }
  sortRows(spec, rows);
  return { rows, added, duplicates, changed };
}

/** Sorts rows in place by the spec's `sortBy` (skipped when they are already in order). */
export function sortRows<R extends object>(spec: DatasetSpec, rows: R[]): void {
  const gets = spec.sortBy.map((k) => getter(columnOf(spec, k)));
  const cmp = (a: R, b: R): number => {
    for (const g of gets) {
      const c = compare(g(a), g(b));
      if (c !== 0) return c;
    }
    return 0;
  };
  for (let i = 1; i < rows.length; i++) {
    if (cmp(rows[i - 1], rows[i]) > 0) {
      rows.sort(cmp);
      return;
    }
  }
}
