import type { ColumnSpec, DatasetSpec } from './dataset-spec.js';
import { columnOf } from './dataset-spec.js';

/**
 * Result of {@link mergeRecords}.
 *
 * @example
 * ```ts
 * const { rows, added, duplicates } = mergeRecords(spec, existing, incoming);
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

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function comparator(gets: readonly Get[]): (a: object, b: object) => number {
  if (gets.length === 1) {
    const [g] = gets;
    return (a, b) => compareValues(g(a), g(b));
  }
  if (gets.length === 2) {
    const [g0, g1] = gets;
    return (a, b) => compareValues(g0(a), g0(b)) || compareValues(g1(a), g1(b));
  }
  return (a, b) => {
    for (const g of gets) {
      const c = compareValues(g(a), g(b));
      if (c !== 0) return c;
    }
    return 0;
  };
}

function isSorted<R extends object>(rows: readonly R[], cmp: (a: R, b: R) => number): boolean {
  for (let i = 1; i < rows.length; i++) if (cmp(rows[i - 1], rows[i]) > 0) return false;
  return true;
}

function strictlyIncreasing<R extends object>(rows: readonly R[], keyCmp: (a: R, b: R) => number): boolean {
  for (let i = 1; i < rows.length; i++) if (keyCmp(rows[i - 1], rows[i]) >= 0) return false;
  return true;
}

/** Rows sorted by `cmp`, stable; the input itself when already in order (the usual case). */
function sortedCopy<R extends object>(rows: readonly R[], cmp: (a: R, b: R) => number): readonly R[] {
  return isSorted(rows, cmp) ? rows : [...rows].sort(cmp);
}

/**
 * Merges incoming rows into a partition's existing rows: one row per key (an incoming row replaces
 * an existing one, a later incoming row an earlier one), sorted by `sortBy`.
 *
 * When the key columns lead `sortBy` (bars: key and order are both ticker, timestamp), rows with
 * one key end up adjacent, so both inputs are sorted (usually a linear check), merged like merge
 * sort and de-duplicated in one pass, with no hash map of keys. Otherwise keys go through a map.
 *
 * @example
 * ```ts
 * mergeRecords(rawDatasetSpecs.stocks, fileRows, newBars).rows;
 * ```
 */
export function mergeRecords<R extends object>(spec: DatasetSpec, existing: readonly R[], incoming: readonly R[]): MergeResult<R> {
  const sortGets = spec.sortBy.map((k) => getter(columnOf(spec, k)));
  const cmp = comparator(sortGets);
  const keyLeadsSort = spec.key.length <= spec.sortBy.length && spec.key.every((k) => spec.sortBy.slice(0, spec.key.length).includes(k));
  return keyLeadsSort ? mergeSorted(spec, existing, incoming, cmp) : mergeByMap(spec, existing, incoming, cmp);
}

function changedColumns(spec: DatasetSpec): (a: object, b: object) => boolean {
  const cols = spec.columns;
  const gets = cols.map(getter);
  return (a, b) => {
    for (let c = 0; c < cols.length; c++) if (!sameValue(gets[c](a), gets[c](b), cols[c].type)) return true;
    return false;
  };
}

function mergeSorted<R extends object>(spec: DatasetSpec, existing: readonly R[], incoming: readonly R[], cmp: (a: object, b: object) => number): MergeResult<R> {
  const keyCmp = comparator(spec.key.map((k) => getter(columnOf(spec, k))));
  const differs = changedColumns(spec);
  const old = sortedCopy(existing, cmp);
  const inc = sortedCopy(incoming, cmp);
  if (old.length === 0 && strictlyIncreasing(inc, keyCmp)) {
    // A new partition without duplicates (the common backfill case): nothing to merge.
    return { rows: inc as R[], added: inc.length, duplicates: 0, changed: inc.length > 0 };
  }
  const rows: R[] = [];
  let added = 0;
  let duplicates = 0;
  let changed = false;
  let i = 0;
  let j = 0;
  // `last` is the row kept for the current key, `lastIsOld` whether it came from the file.
  let last: R | undefined;
  let lastIsOld = false;
  let lastOld: R | undefined;
  const flush = () => {
    if (last === undefined) return;
    if (lastOld === undefined) {
      added++;
      changed = true;
    } else if (!lastIsOld && !changed && differs(lastOld, last)) changed = true;
    rows.push(last);
  };
  while (i < old.length || j < inc.length) {
    // Ties take the file's row first, so the incoming one (later) replaces it.
    const takeOld = j >= inc.length || (i < old.length && cmp(old[i], inc[j]) <= 0);
    const r = takeOld ? old[i++] : inc[j++];
    if (last !== undefined && keyCmp(last, r) === 0) {
      if (!takeOld) duplicates++;
      if (takeOld) lastOld = r;
      last = r;
      lastIsOld = takeOld;
      continue;
    }
    flush();
    last = r;
    lastIsOld = takeOld;
    lastOld = takeOld ? r : undefined;
  }
  flush();
  return { rows, added, duplicates, changed };
}

function mergeByMap<R extends object>(spec: DatasetSpec, existing: readonly R[], incoming: readonly R[], cmp: (a: object, b: object) => number): MergeResult<R> {
  const keyGets = spec.key.map((k) => getter(columnOf(spec, k)));
  const keyOf: (r: object) => unknown = keyGets.length === 1 ? keyGets[0] : (r) => keyGets.map((g) => String(g(r))).join('\u0000');
  const differs = changedColumns(spec);
  const rows: R[] = existing.slice();
  const index = new Map<unknown, number>();
  for (let i = 0; i < rows.length; i++) index.set(keyOf(rows[i]), i);
  let added = 0;
  let duplicates = 0;
  const replaced = new Set<number>();
  for (const r of incoming) {
    const k = keyOf(r);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, rows.length);
      rows.push(r);
      added++;
      continue;
    }
    duplicates++;
    if (at < existing.length) replaced.add(at);
    rows[at] = r;
  }
  // Judged on the final rows: a batch may change a stored row and change it back.
  let changed = added > 0;
  for (const at of replaced) if (!changed && differs(existing[at], rows[at])) changed = true;
  return { rows: isSorted(rows, cmp) ? rows : rows.sort(cmp), added, duplicates, changed };
}
