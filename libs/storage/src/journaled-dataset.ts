import { closeSync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive, SpyglassError } from '@spyglass/core';
import { fsyncDir } from './atomic-file.js';
import { ParquetDataset, type ParquetDatasetOptions, type WriteSummary } from './parquet-dataset.js';
import type { PartitionSeal } from './partition-seal.js';

/** Directory of a dataset's journals (`<dataset>/_journal`): no hive segment, so no reader or glob of partitions sees it. */
export const JOURNAL_DIR = '_journal';

/**
 * Options of {@link JournaledDataset}: the dataset's, plus how often the journal is merged into
 * the partition files.
 *
 * @example
 * ```ts
 * const opts: JournaledDatasetOptions = { root: './data', spec: rawDatasetSpecs.options, compactIntervalMs: 30_000 };
 * ```
 */
export interface JournaledDatasetOptions extends ParquetDatasetOptions {
  /** Merge the journal into the partitions once its oldest row has waited this long (default 30 s). */
  readonly compactIntervalMs?: number;
  /** …or once it holds this many rows (default 200,000), which bounds its memory. */
  readonly compactRows?: number;
  /** Milliseconds since the epoch (injectable for tests). */
  readonly now?: () => number;
}

/**
 * What {@link JournaledDataset.write} did: the rows are durable in the journal. `added` counts rows
 * whose key was new to the journal's pending rows, `duplicates` those replacing a pending row; a
 * row already in its partition file is found when the journal is merged (the merge keeps one).
 *
 * @example
 * ```ts
 * const { added, journaled } = await ds.write(bars);
 * ```
 */
export interface JournalWriteSummary {
  readonly added: number;
  readonly duplicates: number;
  /** Rows pending in the journal after this write (not yet in a partition file). */
  readonly journaled: number;
}

interface Segment {
  readonly file: string;
  readonly fd: number;
  readonly rows: object[];
  readonly keys: Set<string>;
  readonly openedAt: number;
}

/**
 * A {@link ParquetDataset} written through an append-only journal: `write` appends the records to
 * a journal file and fsyncs it (one file and one fsync per call, however many partitions the
 * records touch), and the journal is merged into the partition files — the dataset's usual
 * merge, de-duplication and atomic replace — once its oldest row has waited `compactIntervalMs`
 * (by a timer when no write comes), on {@link seal}, and on {@link close}. A live stream flushing every second into 250 partitions thus rewrites each
 * partition every half minute instead of every second, and a flush is durable after one fsync.
 *
 * Readers of the partitions (DuckDB globs, {@link ParquetDataset} readers) see only merged rows:
 * up to `compactIntervalMs` later than before, never twice. Journal files sit in
 * `<dataset>/_journal/<pid>-<start>-<seq>.jsonl`; a merge replaces its segment by a new one,
 * writes the partitions, then deletes the segment. A writer killed at any point leaves segments
 * that {@link recover} (run by the next writer of the dataset, before it writes) merges in
 * order: merging a segment twice is harmless, since rows are keyed and the incoming row wins. A
 * torn last line (a write the writer never acknowledged) is dropped.
 *
 * @example
 * ```ts
 * import { JournaledDataset, rawDatasetSpecs } from '@spyglass/storage';
 *
 * const options = new JournaledDataset<object>({ root: './data', spec: rawDatasetSpecs.options });
 * await options.recover();
 * await options.write([]); // durable in the journal
 * await options.close(); // merged into the partition files
 * ```
 */
export class JournaledDataset<R extends object> {
  readonly dataset: ParquetDataset<R>;
  private readonly dir: string;
  private readonly intervalMs: number;
  private readonly maxRows: number;
  private readonly now: () => number;
  private readonly fsync: boolean;
  private readonly keyOf: (r: object) => string;
  private readonly instance: string;
  private seq = 0;
  private current: Segment | undefined;
  private opening: Promise<Segment> | undefined;
  /** The merge in progress, if any (at most one). */
  private merging: Promise<WriteSummary | undefined> | undefined;
  private mergeFailed: { error: unknown } | undefined;
  private recovered: Promise<number> | undefined;
  private closed = false;
  /** Starts the merge of a segment no write has made due (a feed gone quiet). */
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: JournaledDatasetOptions) {
    this.dataset = new ParquetDataset<R>(opts);
    this.dir = path.join(this.dataset.dir, JOURNAL_DIR);
    this.intervalMs = opts.compactIntervalMs ?? 30_000;
    this.maxRows = opts.compactRows ?? 200_000;
    this.now = opts.now ?? Date.now;
    this.fsync = opts.fsync ?? true;
    const fields = this.dataset.spec.key.map((k) => this.dataset.spec.columns.find((c) => c.name === k || c.field === k)?.field ?? k);
    this.keyOf = (r) => JSON.stringify(fields.map((f) => (r as Record<string, unknown>)[f] ?? null));
    this.instance = `${process.pid}-${this.now()}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /**
   * Merges the journal segments that writers which are no longer running left behind (a crash or
   * a kill before their last merge) into the partitions, oldest first, and deletes them. Runs once
   * per instance (later calls return the first result); {@link write} awaits it.
   */
  recover(): Promise<number> {
    return (this.recovered ??= this.recoverSegments());
  }

  /** Appends records to the journal and fsyncs it; starts a merge when one is due. */
  async write(records: readonly R[]): Promise<JournalWriteSummary> {
    if (this.closed) throw new SpyglassError('STORAGE', `dataset '${this.dataset.spec.name}': journal write after close`);
    await this.recover();
    this.rethrowMergeFailure();
    if (records.length === 0) return { added: 0, duplicates: 0, journaled: this.current?.rows.length ?? 0 };
    // What the merge would reject is refused now: a journaled row must never fail its merge.
    this.dataset.assertWritable(records);
    const seg = this.current ?? (await this.segment());
    let text = '';
    for (const r of records) text += encodeLine(r);
    // Synchronous on purpose: a merge's partition writes fill the libuv pool with fsyncs, and an
    // append queued behind them would wait seconds; this thread has nothing else to do meanwhile.
    try {
      const bytes = Buffer.from(text);
      for (let off = 0; off < bytes.length; ) off += writeSync(seg.fd, bytes, off);
      if (this.fsync) fdatasyncSync(seg.fd);
    } catch (cause) {
      throw new SpyglassError('STORAGE', `${seg.file}: journal append failed (${(cause as Error).message})`, { cause, details: { file: seg.file } });
    }
    let added = 0;
    for (const r of records) {
      const before = seg.keys.size;
      seg.keys.add(this.keyOf(r));
      if (seg.keys.size > before) added++;
      seg.rows.push(r);
    }
    if (this.merging === undefined && (seg.rows.length >= this.maxRows || this.now() - seg.openedAt >= this.intervalMs)) void this.startMerge();
    else this.armTimer(seg);
    return { added, duplicates: records.length - added, journaled: seg.rows.length };
  }

  /**
   * Merges everything journaled so far into the partition files and waits for it (the summary of
   * the partition writes, undefined when there was nothing to merge).
   */
  async compact(): Promise<WriteSummary | undefined> {
    await this.recover();
    if (this.merging) await this.merging.catch(() => undefined);
    this.rethrowMergeFailure();
    const summary = await this.startMerge();
    this.rethrowMergeFailure();
    return summary;
  }

  /** Merges the journal, then seals the partition as it is now (see {@link ParquetDataset.seal}). */
  async seal(ticker: string | undefined, date: string): Promise<PartitionSeal | undefined> {
    await this.compact();
    return this.dataset.seal(ticker, date);
  }

  /** Merges what is journaled and ends the journal. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.compact();
    this.closed = true;
  }

  private rethrowMergeFailure(): void {
    if (!this.mergeFailed) return;
    const { error } = this.mergeFailed;
    this.mergeFailed = undefined;
    throw error;
  }

  /** Merges `seg` once it is due even if no further write comes, so rows are readable within `compactIntervalMs`. */
  private armTimer(seg: Segment): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void (async () => {
          if (this.merging) await this.merging.catch(() => undefined);
          if (this.current === seg && !this.closed) await this.startMerge().catch(() => undefined);
        })();
      },
      Math.max(0, seg.openedAt + this.intervalMs - this.now()),
    );
    this.timer.unref?.();
  }

  /** Closes the current segment and merges it in the background (one merge at a time). */
  private startMerge(): Promise<WriteSummary | undefined> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const seg = this.current;
    if (seg === undefined) return Promise.resolve(undefined);
    this.current = undefined;
    const run = (async () => {
      closeSync(seg.fd);
      // The segment stays on disk until its rows are in the partition files (durable there).
      const summary = await this.dataset.write(seg.rows as R[]);
      rmSync(seg.file, { force: true });
      if (this.fsync) await fsyncDir(this.dir);
      return summary;
    })();
    this.merging = run;
    run.then(
      () => {
        if (this.merging === run) this.merging = undefined;
      },
      (error: unknown) => {
        if (this.merging === run) this.merging = undefined;
        // Its segment stays on disk: the next writer's recovery merges it.
        this.mergeFailed = { error };
      },
    );
    return run;
  }

  /** The current segment, opened once however many writes ask for it at the same time. */
  private segment(): Promise<Segment> {
    return (this.opening ??= this.openSegment().then(
      (seg) => {
        this.current = seg;
        this.opening = undefined;
        return seg;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    ));
  }

  private async openSegment(): Promise<Segment> {
    const created = mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${this.instance}-${String(this.seq++).padStart(6, '0')}.jsonl`);
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (cause) {
      throw new SpyglassError('STORAGE', `${file}: cannot create journal (${(cause as Error).message})`, { cause, details: { file } });
    }
    // The segment's directory entry (and a new _journal's own) must survive a power cut like its rows.
    if (this.fsync) {
      await fsyncDir(this.dir);
      if (created !== undefined) await fsyncDir(path.dirname(this.dir));
    }
    return { file, fd, rows: [], keys: new Set(), openedAt: this.now() };
  }

  private async recoverSegments(): Promise<number> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return 0;
    }
    const stale = names
      .map((name) => ({ name, m: /^(\d+)-(\d+)-[a-z0-9]+-(\d+)\.jsonl$/.exec(name) }))
      .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null && Number(x.m[1]) !== process.pid && !isProcessAlive(Number(x.m[1])))
      .sort((a, b) => Number(a.m[2]) - Number(b.m[2]) || (a.m[1]! < b.m[1]! ? -1 : a.m[1]! > b.m[1]! ? 1 : 0) || Number(a.m[3]) - Number(b.m[3]));
    let rows = 0;
    for (const { name } of stale) {
      const file = path.join(this.dir, name);
      const records = readSegment(file);
      if (records.length > 0) await this.dataset.write(records as R[]);
      rows += records.length;
      rmSync(file, { force: true });
    }
    if (stale.length > 0 && this.fsync) await fsyncDir(this.dir);
    return rows;
  }
}

// Non-finite numbers have no JSON form: they are written as {"$num":"NaN"} and read back as numbers.
const encodeLine = (r: object): string => `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v))}\n`;

function revive(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
  }
  return v;
}

/** The records of a journal segment; a torn last line (no newline: never acknowledged) is dropped. */
function readSegment(file: string): object[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `${file}: cannot read journal (${(cause as Error).message})`, { cause, details: { file } });
  }
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn line
  const out: object[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      out.push(JSON.parse(lines[i]!, revive) as object);
    } catch (cause) {
      throw new SpyglassError('CORRUPT_FILE', `${file}: journal line ${i + 1} is not JSON`, { cause, details: { file, line: i + 1 } });
    }
  }
  return out;
}
