import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataRootLayout, SpyglassError, systemClock, type Clock, type ValidationIssue } from '@spyglass/core';
import { writeFileAtomic } from '@spyglass/storage';
import { easternDate } from '../validation/et-date.js';
import { reviveJson, toJsonLine } from './json-safe.js';

/**
 * One quarantined record as stored (one JSON line).
 *
 * @example
 * ```ts
 * for await (const e of readQuarantine('data')) console.log(e.dataset, e.date, e.issues.map((i) => i.code));
 * ```
 */
export interface QuarantineEntry {
  readonly dataset: string;
  /** ET trading date of the record's timestamp, or `unknown` when it has none parseable. */
  readonly date: string;
  readonly quarantinedAt: number;
  readonly issues: readonly ValidationIssue[];
  readonly record: unknown;
}

/**
 * Counts of quarantined records by dataset and by issue code (a record with two codes counts once
 * in `total`, once per code).
 *
 * @example
 * ```ts
 * const c: QuarantineCounts = await summarizeQuarantine('data');
 * c.byDataset.stocks?.byCode.NOT_FINITE;
 * ```
 */
export interface QuarantineCounts {
  readonly total: number;
  readonly byDataset: Readonly<Record<string, { readonly total: number; readonly byCode: Readonly<Record<string, number>> }>>;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * Persists every rejected record with its issues under
 * `<root>/quarantine/<dataset>/date=<YYYY-MM-DD>/part-<time>-<pid>-<seq>-<random>.jsonl`, one file per batch and
 * date written atomically (temp file, fsync, rename), so a crash never leaves half a line and
 * nothing is dropped silently. Records without a parseable timestamp go to `date=unknown`.
 *
 * @example
 * ```ts
 * const q = new Quarantine({ root: 'data' });
 * await q.add('stocks', [{ record: { ticker: 'SPY', close: NaN }, issues: [{ code: 'NOT_FINITE', path: ['close'], message: 'close must be finite' }] }]);
 * q.counts(); // { total: 1, byDataset: { stocks: { total: 1, byCode: { NOT_FINITE: 1 } } } }
 * ```
 */
export class Quarantine {
  private readonly root: string;
  private readonly clock: Clock;
  private seq = 0;
  private total = 0;
  private readonly byDataset = new Map<string, { total: number; byCode: Map<string, number> }>();

  constructor(options: { readonly root: string; readonly clock?: Clock }) {
    this.root = options.root;
    this.clock = options.clock ?? systemClock;
  }

  /** The directory a dataset's quarantine partition for `date` lives in. */
  dir(dataset: string, date: string): string {
    return join(dataRootLayout(this.root).quarantineDataset(dataset), `date=${date}`);
  }

  /**
   * Writes the rejected records (grouped by date, one atomic file per date) and returns how many
   * were written. Throws `STORAGE` (with the file and cause) only when the disk write fails.
   *
   * With a `batchId` (e.g. `backfill:stocks:SPY:2025-03-04`) the file name is derived from it and a
   * replay of the same batch replaces the file instead of adding a second copy, so a job resumed
   * after a crash quarantines each record once.
   */
  async add(
    dataset: string,
    rejected: Iterable<{ readonly record: unknown; readonly issues: readonly ValidationIssue[] }>,
    options: { readonly batchId?: string } = {},
  ): Promise<number> {
    if (!SAFE_SEGMENT.test(dataset)) {
      throw new SpyglassError('INVALID_ARGUMENT', `quarantine dataset name ${JSON.stringify(dataset)} must be a plain path segment`);
    }
    const now = this.clock.now();
    const byDate = new Map<string, string[]>();
    const codes: string[][] = [];
    for (const { record, issues } of rejected) {
      const date = dateOf(record);
      const entry: QuarantineEntry = { dataset, date, quarantinedAt: now, issues, record };
      let lines = byDate.get(date);
      if (!lines) byDate.set(date, (lines = []));
      lines.push(toJsonLine(entry));
      codes.push(issues.map((i) => i.code));
    }
    for (const [date, lines] of byDate) {
      const dir = this.dir(dataset, date);
      // pid + sequence + random: two instances or processes writing in the same millisecond never
      // collide. A batch id names the file instead (readable prefix + hash, so ids that sanitise
      // alike, `a:b` and `a/b`, stay apart) and a replay overwrites it.
      const name =
        options.batchId === undefined
          ? `part-${now}-${process.pid}-${this.seq++}-${randomBytes(4).toString('hex')}.jsonl`
          : `batch-${options.batchId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80)}-${createHash('sha256').update(options.batchId).digest('hex').slice(0, 12)}.jsonl`;
      const file = join(dir, name);
      try {
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(file, `${lines.join('\n')}\n`);
      } catch (e) {
        throw new SpyglassError('STORAGE', `could not write quarantine file ${file}: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
          details: { file, dataset, date, records: lines.length },
        });
      }
    }
    // Counted only after every file is durable, so counts never exceed what is on disk.
    for (const list of codes) this.count(dataset, list);
    return codes.length;
  }

  /** Counts of what this instance quarantined since it was created. */
  counts(): QuarantineCounts {
    return freeze(this.total, this.byDataset);
  }

  private count(dataset: string, codes: readonly string[]): void {
    this.total++;
    let d = this.byDataset.get(dataset);
    if (!d) this.byDataset.set(dataset, (d = { total: 0, byCode: new Map() }));
    d.total++;
    for (const code of new Set(codes)) d.byCode.set(code, (d.byCode.get(code) ?? 0) + 1);
  }
}

/**
 * Reads quarantined entries back from disk (every dataset, or one; every date, or one), in file
 * order, for reports and the dashboard. A missing quarantine directory yields nothing.
 *
 * @example
 * ```ts
 * for await (const e of readQuarantine('data', { dataset: 'stocks' })) console.log(e.date, e.issues[0]?.code);
 * ```
 */
export async function* readQuarantine(root: string, filter: { readonly dataset?: string; readonly date?: string } = {}): AsyncGenerator<QuarantineEntry> {
  const base = dataRootLayout(root).quarantine;
  const datasets = filter.dataset ? [filter.dataset] : await list(base);
  for (const dataset of datasets) {
    const dates = (await list(join(base, dataset))).filter((d) => d.startsWith('date=') && (!filter.date || d === `date=${filter.date}`));
    for (const dateDir of dates) {
      const files = (await list(join(base, dataset, dateDir))).filter((f) => f.endsWith('.jsonl') && !f.startsWith('.'));
      for (const f of files) {
        const file = join(base, dataset, dateDir, f);
        const text = await readFile(file, 'utf8');
        let lineNo = 0;
        for (const line of text.split('\n')) {
          lineNo++;
          if (line === '') continue;
          try {
            yield JSON.parse(line, reviveJson) as QuarantineEntry;
          } catch (e) {
            throw new SpyglassError('CORRUPT_FILE', `quarantine file ${file} line ${lineNo} is not JSON`, { cause: e, details: { file, line: lineNo } });
          }
        }
      }
    }
  }
}

/**
 * Counts everything quarantined under `root` by dataset and code, read from disk (the report
 * behind `spyglass` summaries and the dashboard's quarantine panel).
 *
 * @example
 * ```ts
 * (await summarizeQuarantine('data')).byDataset.options?.byCode.BAD_TICKER;
 * ```
 */
export async function summarizeQuarantine(root: string, filter: { readonly dataset?: string; readonly date?: string } = {}): Promise<QuarantineCounts> {
  let total = 0;
  const byDataset = new Map<string, { total: number; byCode: Map<string, number> }>();
  for await (const e of readQuarantine(root, filter)) {
    total++;
    let d = byDataset.get(e.dataset);
    if (!d) byDataset.set(e.dataset, (d = { total: 0, byCode: new Map() }));
    d.total++;
    for (const code of new Set(e.issues.map((i) => i.code))) d.byCode.set(code, (d.byCode.get(code) ?? 0) + 1);
  }
  return freeze(total, byDataset);
}

function freeze(total: number, byDataset: Map<string, { total: number; byCode: Map<string, number> }>): QuarantineCounts {
  const out: Record<string, { total: number; byCode: Record<string, number> }> = {};
  for (const [k, v] of [...byDataset].sort(([a], [b]) => a.localeCompare(b))) {
    out[k] = { total: v.total, byCode: Object.fromEntries([...v.byCode].sort(([a], [b]) => a.localeCompare(b))) };
  }
  return { total, byDataset: out };
}

function dateOf(record: unknown): string {
  try {
    if (record !== null && typeof record === 'object') {
      const t = (record as { timestamp?: unknown }).timestamp;
      if (typeof t === 'number' && Number.isFinite(t) && t > 0 && t < 4_102_444_800_000) return easternDate(t);
    }
  } catch {
    // A hostile getter: the record still goes to date=unknown rather than being lost.
  }
  return 'unknown';
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `cannot list ${dir}`, { cause: e, details: { dir } });
  }
}
