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

// One generated comparator per field list: the field names are in the source, so loads hit inline
// caches (a partition's records share a shape) and nothing is called per value; same order as
// compareValues column by column (null and undefined first). Field names are validated
// identifiers (defineDataset) and quoted with JSON.stringify besides.
const comparators = new Map<string, (a: object, b: object) => number>();

function comparator(fields: readonly string[]): (a: object, b: object) => number {
  const id = fields.join(',');
  let cmp = comparators.get(id);
  if (!cmp) {
    const steps = fields
      .map((f) => `x = a[${JSON.stringify(f)}]; y = b[${JSON.stringify(f)}]; if (x !== y) { if (x === null || x === undefined) return -1; if (y === null || y === undefined) return 1; if (x < y) return -1; if (x > y) return 1; }`)
      .join('\n');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    cmp = new Function(`return function compare(a, b) { let x, y;\n${steps}\nreturn 0; }`)() as (a: object, b: object) => number;
    if (comparators.size >= 256) comparators.clear();
    comparators.set(id, cmp);
  }
  return cmp;
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
  const cmp = comparator(spec.sortBy.map((k) => columnOf(spec, k).field));
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
  const keyFields = spec.key.map((k) => columnOf(spec, k).field);
  const keyCmp = comparator(keyFields);
  // A new partition of rows already in strictly increasing key order (the common backfill and
  // one-file case): nothing to sort or merge. When the key is the sort order itself, one pass
  // checks both.
  const keyIsSort = keyFields.join(',') === spec.sortBy.map((k) => columnOf(spec, k).field).join(',');
  if (existing.length === 0 && keyIsSort && strictlyIncreasing(incoming, keyCmp)) {
    return { rows: incoming as R[], added: incoming.length, duplicates: 0, changed: incoming.length > 0 };
  }
  const differs = changedColumns(spec);
  const old = sortedCopy(existing, cmp);
  const inc = sortedCopy(incoming, cmp);
  if (old.length === 0 && strictlyIncreasing(inc, keyCmp)) {
    // A new partition without duplicates: nothing to merge.
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
