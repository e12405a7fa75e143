import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RecordBatch, Table } from 'apache-arrow';
import { isSpyglassError, nyDate, Semaphore, SpyglassError } from '@spyglass/core';
import { batchToColumns, batchToRecords, columnTypeOfArrow, physicalTypeOf, recordsToTable, type ColumnBatch } from './arrow-codec.js';
import { createFileAtomic, fsyncDir, removeStaleTempFiles, stageNewFiles, writeFileAtomic, type StreamedContent } from './atomic-file.js';
import { columnOf, defineDataset, type ColumnSpec, type DatasetSpec } from './dataset-spec.js';
import { FileLock, type FileLockOptions } from './file-lock.js';
import { encodeParquetTo, readParquetTable, type ParquetCompression } from './parquet-file.js';
import { PARTITION_FILE, datasetDir, isPartitionDate, parseHiveSegment, partitionDir, type PartitionKey } from './partition-path.js';
import { checkSeal, sealPartition, type PartitionSeal, type SealProblem } from './partition-seal.js';
import { mergeRecords } from './record-merge.js';
import { silentLogger, type StorageLogger } from './storage-logger.js';

/**
 * Options of {@link ParquetDataset}.
 *
 * @example
 * ```ts
 * const opts: ParquetDatasetOptions = { root: './data', spec: rawDatasetSpecs.stocks, compression: 'zstd' };
 * ```
 */
export interface ParquetDatasetOptions {
  /** Data root, e.g. `./data`; the dataset lives in `<root>/<layer>/<name>`. */
  readonly root: string;
  readonly spec: DatasetSpec;
  /** Parquet codec (default `snappy`). */
  readonly compression?: ParquetCompression;
  /** Rows per row group (default 1,048,576). */
  readonly rowGroupSize?: number;
  readonly logger?: StorageLogger;
  /** fsync files and directories on write (default true); turn off only for scratch data. */
  readonly fsync?: boolean;
  /** Cross-process partition lock tuning (timeouts, stale lock age, injectable clock). */
  readonly lock?: FileLockOptions;
  /** Partitions written at once by one `write` (default 4): overlaps fsync waits with encoding. */
  readonly concurrency?: number;
  /**
   * Rows of recently rewritten partitions kept in memory (default 100,000; 0 turns it off), so a
   * stream flushing into the same partitions merges without reading back what it just wrote. Used
   * only while the file is still the version this instance wrote (inode, size and mtime).
   */
  readonly cacheRows?: number;
}

/**
 * Counts of one {@link ParquetDataset.write}.
 *
 * @example
 * ```ts
 * const s: WriteSummary = await ds.write(bars);
 * console.log(`${s.rowsIn} in, ${s.added} new, ${s.duplicates} duplicates, ${s.partitions} partitions`);
 * ```
 */
export interface WriteSummary {
  /** Partitions touched (rewritten or found unchanged). */
  readonly partitions: number;
  /** Partitions whose file was rewritten. */
  readonly partitionsWritten: number;
  /** Records passed in. */
  readonly rowsIn: number;
  /** Rows in the partition files written (existing and new, after de-duplication). */
  readonly rowsWritten: number;
  /** Incoming records whose key was new to their partition. */
  readonly added: number;
  /** Incoming records whose key already existed (in the file or earlier in the batch); the incoming one wins. */
  readonly duplicates: number;
}

/**
 * Partition listing entry.
 *
 * @example
 * ```ts
 * for (const p of await ds.partitions({ tickers: ['SPY'] })) console.log(p.date, p.bytes);
 * ```
 */
export interface PartitionInfo {
  readonly ticker?: string;
  readonly date: string;
  /** Path of the partition's Parquet file. */
  readonly path: string;
  readonly bytes: number;
}

/**
 * Which partitions to visit: tickers (exact) and an inclusive `YYYY-MM-DD` date range.
 *
 * @example
 * ```ts
 * const f: PartitionFilter = { tickers: ['SPY'], from: '2025-03-03', to: '2025-03-07' };
 * ```
 */
export interface PartitionFilter {
  readonly tickers?: readonly string[];
  readonly from?: string;
  readonly to?: string;
}

/**
 * Read options: partition filter, projection, batch size and what to do with an unreadable file.
 *
 * @example
 * ```ts
 * const opts: ReadOptions = { from: '2025-03-04', columns: ['timestamp', 'close'], onCorrupt: 'skip', onSkip: (f) => bad.push(f) };
 * ```
 */
export interface ReadOptions extends PartitionFilter {
  /** Column names (snake_case) or record fields to read; all when omitted. */
  readonly columns?: readonly string[];
  /** Max rows per yielded batch (default 1,048,576). */
  readonly batchSize?: number;
  /** `throw` (default): a corrupt partition file fails the read with `CORRUPT_FILE`; `skip`: it is reported and skipped. */
  readonly onCorrupt?: 'throw' | 'skip';
  /** Called for each file skipped under `onCorrupt: 'skip'`. */
  readonly onSkip?: (file: string, error: SpyglassError) => void;
}

/**
 * One partition's data as an Arrow table (see {@link ParquetDataset.readTables}).
 *
 * @example
 * ```ts
 * for await (const { partition, table } of ds.readTables({ columns: ['close'] })) sum += table.numRows;
 * ```
 */
export interface PartitionTable {
  readonly partition: PartitionInfo;
  readonly table: Table;
}

/**
 * A hive-partitioned Parquet dataset (`<root>/<layer>/<name>/ticker=<T>/date=<YYYY-MM-DD>/part-0.parquet`).
 *
 * Writes group records by partition, merge them with the partition's file (de-duplicated on the
 * spec's key, incoming rows win, sorted by `sortBy`) and replace the file atomically, so a reader
 * never sees half a file and re-running a job is idempotent. Writers are serialised in-process and
 * across processes by a lock file (`.lock`, O_EXCL, broken when its process is dead) per ticker
 * directory (`ticker=<T>/.lock`; per date partition for datasets partitioned by date only), so
 * parallel workers may write the same dataset, even the same partitions.
 *
 * @example
 * ```ts
 * import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
 * import type { StockBar } from '@spyglass/core';
 *
 * const stocks = new ParquetDataset<StockBar>({ root: './data', spec: rawDatasetSpecs.stocks });
 * await stocks.write(bars);
 * for await (const batch of stocks.read({ tickers: ['SPY'], from: '2025-03-04', to: '2025-03-04' })) console.log(batch.length);
 * ```
 */
export class ParquetDataset<R extends object> {
  /** `<root>/<layer>/<name>`. */
  readonly dir: string;
  readonly spec: DatasetSpec;
  private readonly root: string;
  private readonly compression: ParquetCompression;
  private readonly rowGroupSize: number | undefined;
  private readonly logger: StorageLogger;
  private readonly fsync: boolean;
  private readonly lock: FileLock;
  private readonly byTicker: boolean;
  private readonly concurrency: number;
  private readonly cacheRows: number;
  /** Rows of partitions this instance rewrote, by file, while the file is that version (LRU). */
  private readonly written = new Map<string, { version: string; rows: readonly R[] }>();
  private writtenRows = 0;
  /** Seals of files this instance wrote, while the file is that version (a backfill seals what it just wrote). */
  private readonly seals = new Map<string, { version: string; seal: PartitionSeal }>();
  /** Partition directories whose stale temp files this instance has removed. */
  private readonly swept = new Set<string>();
  private readonly dateOf: (r: object) => string;

  constructor(opts: ParquetDatasetOptions) {
    this.spec = defineDataset(opts.spec);
    this.root = opts.root;
    this.dir = datasetDir(opts.root, this.spec);
    this.compression = opts.compression ?? 'snappy';
    this.rowGroupSize = opts.rowGroupSize;
    this.logger = opts.logger ?? silentLogger;
    this.fsync = opts.fsync ?? true;
    this.lock = new FileLock(opts.lock);
    this.byTicker = this.spec.partitionBy[0] === 'ticker';
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.cacheRows = Math.max(0, opts.cacheRows ?? 100_000);
    const dateCol = columnOf(this.spec, this.spec.dateColumn ?? 'timestamp');
    const f = dateCol.field;
    const spec = this.spec;
    // New York's offset changes only on whole UTC hours, so one UTC hour has one New York date.
    let lastHour = Number.NaN;
    let lastDate = '';
    this.dateOf =
      dateCol.type === 'timestamp_ms'
        ? (r) => {
            const t = (r as Record<string, unknown>)[f];
            if (typeof t !== 'number' || !Number.isFinite(t)) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': ${f} ${String(t)} is not an epoch-ms number`, { details: { dataset: spec.name, field: f } });
            const hour = Math.floor(t / 3_600_000);
            if (hour !== lastHour) {
              lastHour = hour;
              lastDate = nyDate(t);
            }
            return lastDate;
          }
        : (r) => {
            const d = (r as Record<string, unknown>)[f];
            if (typeof d !== 'string' || !isPartitionDate(d)) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': ${f} '${String(d)}' is not YYYY-MM-DD`, { details: { dataset: spec.name, field: f } });
            return d;
          };
  }

  /** Groups records by partition, keeping their order within each. */
  // The partitions `records` would touch; none for a set that cannot be grouped (writeRecords then
  // rejects it with its reason, after the other sets are written).
  private partitionIdsOf(records: readonly R[]): string[] {
    try {
      return [...this.group(records).keys()];
    } catch {
      return [];
    }
  }

  private group(records: readonly R[]): Map<string, { key: PartitionKey; rows: R[] }> {
    const groups = new Map<string, { key: PartitionKey; rows: R[] }>();
    // Records mostly come in runs of one ticker and day: reuse the previous group while it lasts.
    let last: { ticker: unknown; date: string; rows: R[] } | undefined;
    for (const r of records) {
      const date = this.dateOf(r);
      const ticker = this.byTicker ? (r as Record<string, unknown>).ticker : undefined;
      if (last !== undefined && last.date === date && last.ticker === ticker) {
        last.rows.push(r);
        continue;
      }
      if (this.byTicker && (typeof ticker !== 'string' || ticker === '')) {
        throw new SpyglassError('INVALID_ARGUMENT', `dataset '${this.spec.name}': record without a ticker`, { details: { dataset: this.spec.name } });
      }
      const id = this.byTicker ? `${ticker as string}\u0000${date}` : date;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key: this.byTicker ? { ticker: ticker as string, date } : { date }, rows: [] }));
      g.rows.push(r);
      last = { ticker, date, rows: g.rows };
    }
    return groups;
  }

  /**
   * Checks that `write` would accept the records (a partition key and a value of the right type in
   * every column) without writing anything: a journal checks what it accepts, so a bad record
   * cannot fail a later merge.
   *
   * @throws SpyglassError `INVALID_ARGUMENT` naming the record and column, as `write` would.
   */
  assertWritable(records: readonly R[]): void {
    if (records.length === 0) return;
    this.group(records);
    recordsToTable(this.spec, records);
  }

  /**
   * Writes records into their partitions (merge, de-duplicate, sort, atomic replace).
   *
   * @throws SpyglassError `INVALID_ARGUMENT` for a record that does not fit the spec (nothing of
   *   that partition is written), `CORRUPT_FILE` when an existing partition file cannot be read
   *   (it is left as is, not overwritten), `STORAGE` when the disk or lock fails.
   */
  async write(records: readonly R[]): Promise<WriteSummary> {
    // Directories are fsync'd once each after all files (every file is fsync'd before it is linked
    // in): the same durability when this resolves, half the fsyncs of a write of many new partitions.
    const dirs = this.fsync ? new Set<string>() : undefined;
    try {
      return await this.writeRecords(records, new Semaphore(this.concurrency), dirs, false);
    } finally {
      if (dirs) await Promise.all([...dirs].map((d) => fsyncDir(d)));
    }
  }

  /**
   * Writes several record sets (a backfill's days) as {@link write} would one after another, with one
   * summary each, but together: their partitions are encoded and written concurrently and each
   * directory they touched is fsync'd once at the end instead of after every file. Every file is
   * fsync'd before it is linked in, and all of them are durable, directory entries included, when
   * the promise resolves, so a checkpoint taken afterwards still vouches only for durable data.
   *
   * @throws SpyglassError as {@link write}; when one set fails the others may have been written
   *   (see {@link writeBatchesSettled} for which).
   */
  async writeBatches(batches: ReadonlyArray<readonly R[]>): Promise<WriteSummary[]> {
    const settled = await this.writeBatchesSettled(batches);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<WriteSummary>).value);
  }

  /**
   * {@link writeBatches} with one outcome per set instead of the first failure: when it resolves,
   * every `fulfilled` set is durable (its files and directory entries fsync'd) even if others were
   * `rejected`, so a backfill can checkpoint the days that were stored and report the one that was not.
   *
   * @example
   * ```ts
   * const out = await stocks.writeBatchesSettled([dayA, dayB]);
   * const durable = out.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
   * ```
   * @throws SpyglassError `STORAGE` only when a directory fsync fails (then nothing is known durable).
   */
  async writeBatchesSettled(batches: ReadonlyArray<readonly R[]>): Promise<Array<PromiseSettledResult<WriteSummary>>> {
    const dirs = this.fsync ? new Set<string>() : undefined;
    // More partitions in flight than one write's: their files' fsyncs overlap (one journal commit
    // serves several), and encoding is synchronous anyway.
    const slots = new Semaphore(Math.max(this.concurrency, 16));
    // Sets run together, but a set sharing a partition with an earlier one waits for the earlier
    // ones: the first set to reach a partition counts its rows added and a later one its duplicates,
    // as successive writes would, whichever encodes faster.
    const writes: Array<Promise<WriteSummary>> = [];
    let inFlight: Array<Promise<unknown>> = [];
    const touched = new Set<string>();
    for (const b of batches) {
      const ids = this.partitionIdsOf(b);
      if (ids.some((id) => touched.has(id))) {
        await Promise.allSettled(inFlight);
        inFlight = [];
        touched.clear();
      }
      for (const id of ids) touched.add(id);
      const write = this.writeRecords(b, slots, dirs, true);
      writes.push(write);
      inFlight.push(write);
    }
    const settled = await Promise.allSettled(writes);
    // Directories are synced even after a failure: what was written is then durable too.
    if (dirs) await Promise.all([...dirs].map((d) => fsyncDir(d)));
    return settled;
  }

  /**
   * `dirs`: directories whose entries changed, for the caller to fsync; undefined (no fsync) syncs
   * nothing. `nonBlocking`: new partitions are created through the thread pool (see createFileAtomic).
   */
  private async writeRecords(records: readonly R[], slots: Semaphore, dirs: Set<string> | undefined, nonBlocking: boolean): Promise<WriteSummary> {
    let partitionsWritten = 0;
    let rowsWritten = 0;
    let added = 0;
    let duplicates = 0;
    const groups = this.group(records);
    const count = (r: PartitionResult) => {
      if (r.written) {
        partitionsWritten++;
        rowsWritten += r.rows;
      }
      added += r.added;
      duplicates += r.duplicates;
    };
    // A few partitions in flight across all scopes (`slots`): one encodes while others wait on fsync.
    // Lock scopes: a ticker's directory (so a backfill of many days creates one lock file, not one
    // per day; file creation is the dominant cost of small partitions here), or the date partition
    // of a dataset partitioned by date only.
    const scopes = new Map<string, Array<{ key: PartitionKey; rows: R[] }>>();
    const toLock = (g: { key: PartitionKey; rows: R[] }) => {
      const scope = this.byTicker ? path.dirname(partitionDir(this.root, this.spec, g.key)) : partitionDir(this.root, this.spec, g.key);
      let list = scopes.get(scope);
      if (!list) scopes.set(scope, (list = []));
      list.push(g);
    };
    // A plain write creates its new partitions in batches (see createPartitions); a backfill's
    // writeBatches keeps to one partition at a time through the thread pool, not blocking the loop.
    const viaSlots = nonBlocking ? [...groups.values()] : await this.createPartitions([...groups.values()], dirs, count, toLock);
    await Promise.all(
      viaSlots.map((g) =>
        slots.run(async () => {
          // A partition with no file yet is created without the lock: nothing to merge with, and
          // the file is linked into place only if it still does not exist (another writer may have
          // created it meanwhile: then it is merged under the lock below).
          const created = await this.createPartition(g.key, g.rows, dirs, nonBlocking);
          if (created) return count(created);
          toLock(g);
        }),
      ),
    );
    await Promise.all(
      [...scopes].map(async ([scope, parts]) => {
        mkdirOrFail(scope, true);
        await this.lock.run(path.join(scope, '.lock'), () => Promise.all(parts.map((g) => slots.run(async () => count(await this.writePartition(g.key, g.rows, dirs))))));
      }),
    );
    const summary: WriteSummary = { partitions: groups.size, partitionsWritten, rowsIn: records.length, rowsWritten, added, duplicates };
    this.logger.info({ dataset: this.spec.name, ...summary }, 'parquet write');
    return summary;
  }

  /**
   * The partition file's content, encoded while it is written (see fillStreamed in atomic-file):
   * the records are checked and made columns now, so a bad record fails before any file is made.
   * Size and hash of the bytes are known once the content has been written (for the seal).
   */
  private encode(rows: readonly R[]): EncodedPartition {
    const table = recordsToTable(this.spec, rows);
    const opts = {
      compression: this.compression,
      rowGroupSize: this.rowGroupSize,
      // One entry only: parquet-wasm stores the map through a hash map, so several keys would be
      // written in varying order and break byte-identical re-writes.
      metadata: new Map([['spyglass', JSON.stringify({ dataset: `${this.spec.layer}/${this.spec.name}`, key: this.spec.key })]]),
    };
    const out: EncodedPartition = {
      bytes: 0,
      sha256: '',
      content: (write) => {
        const hash = createHash('sha256');
        let bytes = 0;
        encodeParquetTo(table, opts, (chunk) => {
          hash.update(chunk);
          bytes += chunk.length;
          write(chunk);
        });
        out.bytes = bytes;
        out.sha256 = hash.digest('hex');
      },
    };
    return out;
  }

  /**
   * Creates the partitions that have no file yet, without the lock, in batches: every partition
   * directory is made first (before this write's fsyncs keep the file system's journal busy, which
   * made each later mkdir and open wait), then batches of files are encoded straight into their
   * temp files, their fsyncs started together on the thread pool while the next batch is encoded,
   * and each batch linked into place once its data is durable (see stageNewFiles). Partitions
   * whose file exists, or appeared meanwhile, go to `toLock` (merged under the lock); returns none
   * left for the per-partition path.
   */
  private async createPartitions(
    groups: ReadonlyArray<{ key: PartitionKey; rows: R[] }>,
    dirs: Set<string> | undefined,
    count: (r: PartitionResult) => void,
    toLock: (g: { key: PartitionKey; rows: R[] }) => void,
  ): Promise<Array<{ key: PartitionKey; rows: R[] }>> {
    const fresh: Array<{ g: { key: PartitionKey; rows: R[] }; dir: string; file: string; created: string[] }> = [];
    for (const g of groups) {
      const dir = partitionDir(this.root, this.spec, g.key);
      const file = path.join(dir, PARTITION_FILE);
      const created = mkdirNew(dir);
      if (created.length === 0) {
        if (existsSync(file)) {
          toLock(g);
          continue;
        }
        removeStaleTempFiles(dir);
      }
      fresh.push({ g, dir, file, created });
    }
    const commits: Array<Promise<void>> = [];
    const dirSyncs: Array<Promise<void>> = [];
    try {
      for (let at = 0; at < fresh.length; at += CREATE_BATCH) {
        const batch = fresh.slice(at, at + CREATE_BATCH).map((p) => {
          const merged = mergeRecords(this.spec, [], p.g.rows);
          return { ...p, merged, encoded: this.encode(merged.rows) };
        });
        const staged = await stageNewFiles(batch.map((b) => ({ file: b.file, content: b.encoded.content })), { fsync: this.fsync });
        // One batch syncing while the next is encoded: wait for the one before before staging more.
        if (commits.length > 0) await commits[commits.length - 1];
        commits.push(
          staged.commit().then(async (outcomes) => {
            for (let k = 0; k < batch.length; k++) {
              const b = batch[k]!;
              // The new directories' own entries must be as durable as the files in them.
              if (dirs) for (const d of b.created) dirs.add(path.dirname(d));
              else if (this.fsync) for (const d of b.created) await fsyncDir(path.dirname(d));
              if (outcomes[k] !== 'created') {
                toLock(b.g);
                continue;
              }
              this.rememberSeal(b.file, b.encoded, b.merged.rows.length);
              // The partition directory holds only this file: its sync starts now, on the thread
              // pool while the next batch is encoded, instead of with all the others at the end.
              if (this.fsync) dirSyncs.push(fsyncDir(b.dir));
              count({ written: true, rows: b.merged.rows.length, added: b.merged.added, duplicates: b.merged.duplicates });
            }
          }),
        );
      }
    } finally {
      await Promise.allSettled(commits);
      await Promise.allSettled(dirSyncs);
    }
    await Promise.all(commits);
    await Promise.all(dirSyncs);
    return [];
  }

  /**
   * Writes a partition that has no file yet, without taking the lock. Undefined (nothing written)
   * when the file exists, so the caller merges under the lock.
   */
  private async createPartition(key: PartitionKey, rows: R[], dirs: Set<string> | undefined, nonBlocking: boolean): Promise<PartitionResult | undefined> {
    const dir = partitionDir(this.root, this.spec, key);
    const file = path.join(dir, PARTITION_FILE);
    // nonBlocking (backfill batches) leaves the event loop free while the file system waits.
    const created = nonBlocking ? await mkdirNewAsync(dir) : mkdirNew(dir);
    if (created.length === 0) {
      if (existsSync(file)) return undefined;
      // Left by a writer killed before it linked its file (only dead processes' temp files go).
      removeStaleTempFiles(dir);
    }
    const merged = mergeRecords(this.spec, [], rows);
    const encoded = this.encode(merged.rows);
    if ((await createFileAtomic(file, encoded.content, { fsync: this.fsync, syncDir: !dirs, nonBlocking })) !== 'created') return undefined;
    this.rememberSeal(file, encoded, merged.rows.length);
    // The new directories' own entries must be as durable as the file in them.
    if (dirs) {
      dirs.add(dir);
      for (const d of created) dirs.add(path.dirname(d));
    } else if (this.fsync) for (const d of created) await fsyncDir(path.dirname(d));
    return { written: true, rows: merged.rows.length, added: merged.added, duplicates: merged.duplicates };
  }

  /** Merges rows into one partition; the caller holds the partition's lock scope. */
  private async writePartition(key: PartitionKey, rows: R[], dirs: Set<string> | undefined): Promise<PartitionResult> {
    const dir = partitionDir(this.root, this.spec, key);
    const file = path.join(dir, PARTITION_FILE);
    // A directory that already existed may hold temp files of a writer killed mid-write (once per
    // directory and instance: a writer killed later leaves files readers ignore anyway).
    const made = mkdirOrFail(dir, false);
    if (made && dirs) dirs.add(path.dirname(dir));
    else if (made && this.fsync) await fsyncDir(path.dirname(dir));
    if (!made && !this.swept.has(dir)) {
      removeStaleTempFiles(dir);
      this.swept.add(dir);
    }
    for (;;) {
      const existing = existsSync(file) ? (this.cachedRows(file) ?? (await this.readFileRecords(file, this.spec.columns))) : undefined;
      const merged = mergeRecords(this.spec, existing ?? [], rows);
      if (existing && !merged.changed) return { written: false, rows: 0, added: 0, duplicates: merged.duplicates };
      const encoded = this.encode(merged.rows);
      const bytes = encoded.content;
      const durability = { fsync: this.fsync, syncDir: !dirs };
      if (existing) {
        // Safe to replace: every writer that replaces a file holds this lock, and lock-free writers only create.
        await writeFileAtomic(file, bytes, durability);
      } else {
        const created = await createFileAtomic(file, bytes, durability);
        if (created === 'exists') continue; // a lock-free writer created it since: merge with that
        // Without hard links no writer can create lock-free, so under the lock a rename is safe.
        if (created === 'no-links') await writeFileAtomic(file, bytes, durability);
      }
      dirs?.add(dir);
      this.remember(file, merged.rows);
      this.rememberSeal(file, encoded, merged.rows.length);
      return { written: true, rows: merged.rows.length, added: merged.added, duplicates: merged.duplicates };
    }
  }

  private rememberSeal(file: string, encoded: EncodedPartition, rows: number): void {
    const version = versionOf(file);
    if (version === undefined) return;
    if (this.seals.size >= 10_000) this.seals.clear();
    this.seals.set(file, { version, seal: { file: path.relative(this.root, file), rows, bytes: encoded.bytes, sha256: encoded.sha256 } });
  }

  /** The rows this instance last wrote to `file`, if the file is still that version. */
  private cachedRows(file: string): R[] | undefined {
    const hit = this.written.get(file);
    if (!hit) return undefined;
    if (hit.version !== versionOf(file)) {
      this.forget(file);
      return undefined;
    }
    return hit.rows as R[];
  }

  /** Keeps the rows just written to `file` (called under the partition's lock, so the file is ours). */
  private remember(file: string, rows: readonly R[]): void {
    this.forget(file);
    if (rows.length > this.cacheRows) return;
    const version = versionOf(file);
    if (version === undefined) return;
    // Shallow copies: the caller's records must not change the cached partition if it reuses them.
    this.written.set(file, { version, rows: rows.map((r) => ({ ...r })) });
    this.writtenRows += rows.length;
    for (const [f] of this.written) {
      if (this.writtenRows <= this.cacheRows) break;
      this.forget(f);
    }
  }

  private forget(file: string): void {
    const hit = this.written.get(file);
    if (!hit) return;
    this.written.delete(file);
    this.writtenRows -= hit.rows.length;
  }

  /** All rows of a partition file, or undefined when it does not exist. */
  private async readFileRecords(file: string, columns: readonly ColumnSpec[]): Promise<R[] | undefined> {
    let table: Table;
    try {
      table = await readParquetTable(file, { columns: columns.map((c) => c.name) });
    } catch (e) {
      if (isSpyglassError(e, 'NOT_FOUND')) return undefined;
      throw e;
    }
    const out: R[] = [];
    for (const b of table.batches) for (const r of this.decode(file, columns, b)) out.push(r);
    return out;
  }

  private decode(file: string, columns: readonly ColumnSpec[], batch: RecordBatch): R[] {
    this.checkColumns(file, columns, batch);
    return batchToRecords<R>(columns, batch);
  }

  private checkColumns(file: string, columns: readonly ColumnSpec[], batch: RecordBatch): void {
    for (const c of columns) {
      const f = batch.schema.fields.find((x) => x.name === c.name);
      if (f && columnTypeOfArrow(f.type) !== physicalTypeOf(c.type)) {
        throw new SpyglassError('SCHEMA_DRIFT', `${file}: column '${c.name}' is ${columnTypeOfArrow(f.type)} in the file but ${c.type} in dataset '${this.spec.name}'`, {
          details: { file, column: c.name, expected: c.type, actual: columnTypeOfArrow(f.type) },
        });
      }
      if (!f && !c.nullable) {
        throw new SpyglassError('SCHEMA_DRIFT', `${file}: required column '${c.name}' of dataset '${this.spec.name}' is missing`, { details: { file, column: c.name } });
      }
    }
  }

  private projection(columns: readonly string[] | undefined): readonly ColumnSpec[] {
    if (!columns) return this.spec.columns;
    return columns.map((name) => {
      const c = this.spec.columns.find((x) => x.name === name || x.field === name);
      if (!c) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${this.spec.name}' has no column '${name}'`, { details: { dataset: this.spec.name, column: name } });
      return c;
    });
  }

  /**
   * Partitions present on disk, filtered, sorted by ticker then date.
   */
  async partitions(filter: PartitionFilter = {}): Promise<PartitionInfo[]> {
    const tickers = filter.tickers ? new Set(filter.tickers) : undefined;
    const inRange = (d: string) => isPartitionDate(d) && (!filter.from || d >= filter.from) && (!filter.to || d <= filter.to);
    const out: PartitionInfo[] = [];
    const addDates = async (base: string, ticker: string | undefined) => {
      for (const seg of await listDir(base)) {
        const date = parseHiveSegment(seg, 'date');
        if (date === undefined || !inRange(date)) continue;
        const file = path.join(base, seg, PARTITION_FILE);
        const s = statOrUndefined(file);
        if (s?.isFile()) out.push({ ...(ticker === undefined ? {} : { ticker }), date, path: file, bytes: s.size });
      }
    };
    if (this.byTicker) {
      for (const seg of await listDir(this.dir)) {
        const ticker = parseHiveSegment(seg, 'ticker');
        if (ticker === undefined || (tickers && !tickers.has(ticker))) continue;
        await addDates(path.join(this.dir, seg), ticker);
      }
    } else {
      await addDates(this.dir, undefined);
    }
    out.sort((a, b) => ((a.ticker ?? '') < (b.ticker ?? '') ? -1 : (a.ticker ?? '') > (b.ticker ?? '') ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return out;
  }

  /** The file of one partition, relative to the data root (what a {@link PartitionSeal} names). */
  partitionFile(ticker: string | undefined, date: string): string {
    return path.relative(this.root, path.join(partitionDir(this.root, this.spec, ticker === undefined ? { date } : { ticker, date }), PARTITION_FILE));
  }

  /** Seals one partition as it is now (rows, size, hash), for a checkpoint to vouch for; undefined when it has no file. */
  async seal(ticker: string | undefined, date: string): Promise<PartitionSeal | undefined> {
    const rel = this.partitionFile(ticker, date);
    // A file this instance wrote and nobody replaced since: sealed from the bytes it wrote.
    const known = this.seals.get(path.join(this.root, rel));
    if (known && known.version === versionOf(path.join(this.root, rel))) return known.seal;
    return sealPartition(this.root, rel);
  }

  /** Whether a sealed partition still matches its seal (undefined) or how it does not. */
  checkSeal(seal: PartitionSeal): Promise<SealProblem | undefined> {
    return checkSeal(this.root, seal);
  }

  /**
   * Moves an unreadable sealed partition file aside (kept beside it as `part-0.parquet.corrupt-<ms>`
   * for inspection, never deleted), so the partition can be written afresh. Returns the new path.
   */
  async setAside(seal: PartitionSeal): Promise<string> {
    const from = path.join(this.root, seal.file);
    const to = `${from}.corrupt-${Date.now()}`;
    await rename(from, to);
    this.forget(from);
    return to;
  }

  /** True when the partition's file exists. */
  async hasPartition(ticker: string | undefined, date: string): Promise<boolean> {
    const file = path.join(partitionDir(this.root, this.spec, ticker === undefined ? { date } : { ticker, date }), PARTITION_FILE);
    return (await stat(file).catch(() => undefined))?.isFile() ?? false;
  }

  /**
   * Streams each selected partition as an Arrow table (columnar, no per-row objects): the fast path
   * for numeric consumers.
   */
  async *readTables(opts: ReadOptions = {}): AsyncIterable<PartitionTable> {
    const names = this.projection(opts.columns).map((c) => c.name);
    for (const partition of await this.partitions(opts)) {
      let table: Table;
      try {
        table = await readParquetTable(partition.path, { columns: names, batchSize: opts.batchSize });
      } catch (e) {
        if (opts.onCorrupt === 'skip' && isSpyglassError(e, 'CORRUPT_FILE')) {
          this.logger.warn({ dataset: this.spec.name, file: partition.path, err: e.message }, 'skipping corrupt partition file');
          opts.onSkip?.(partition.path, e);
          continue;
        }
        throw e;
      }
      yield { partition, table };
    }
  }

  /**
   * Streams records, one array per partition record batch. With `columns`, only those fields are
   * set on each record.
   */
  async *read(opts: ReadOptions = {}): AsyncIterable<R[]> {
    const columns = this.projection(opts.columns);
    for await (const { partition, table } of this.readTables(opts)) {
      for (const b of table.batches) if (b.numRows > 0) yield this.decode(partition.path, columns, b);
    }
  }

  /**
   * Streams the selected rows column by column, one {@link ColumnBatch} per partition record batch,
   * keyed by record field: typed arrays for numbers, no object per row. The fast way to records'
   * values when the caller works on columns (series, sums, the newest timestamp).
   *
   * @example
   * ```ts
   * let last = -Infinity;
   * for await (const { columns, length } of ds.readColumns({ columns: ['timestamp'] })) {
   *   const ts = columns.timestamp as Float64Array;
   *   for (let i = 0; i < length; i++) last = Math.max(last, ts[i]!);
   * }
   * ```
   */
  async *readColumns(opts: ReadOptions = {}): AsyncIterable<ColumnBatch & { readonly partition: PartitionInfo }> {
    const columns = this.projection(opts.columns);
    for await (const { partition, table } of this.readTables(opts)) {
      for (const b of table.batches) {
        if (b.numRows === 0) continue;
        this.checkColumns(partition.path, columns, b);
        yield { partition, ...batchToColumns(columns, b) };
      }
    }
  }

  /** All selected records in one array (partition order, then `sortBy` order). */
  async readAll(opts: ReadOptions = {}): Promise<R[]> {
    const batches: R[][] = [];
    for await (const batch of this.read(opts)) batches.push(batch);
    // One batch (a day's partition) is returned as is; several are joined once.
    return batches.length === 1 ? batches[0]! : batches.flat();
  }
}

/** New partitions staged and synced together (each holds a descriptor open until it is linked). */
const CREATE_BATCH = 64;

/** Identity of a file's current content: a rename (every write) gives a new inode. */
function versionOf(file: string): string | undefined {
  const s = statOrUndefined(file);
  return s ? `${s.ino}:${s.size}:${s.mtimeMs}` : undefined;
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Creates `dir` and missing parents; the directories created, outermost first. */
function mkdirNew(dir: string): string[] {
  let first: string | undefined;
  try {
    first = mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new SpyglassError('STORAGE', `${dir}: cannot create partition directory (${(cause as Error).message})`, { cause, details: { dir } });
  }
  return createdDirs(dir, first);
}

/** {@link mkdirNew} through the thread pool. */
async function mkdirNewAsync(dir: string): Promise<string[]> {
  let first: string | undefined;
  try {
    first = await mkdir(dir, { recursive: true });
  } catch (cause) {
    throw new SpyglassError('STORAGE', `${dir}: cannot create partition directory (${(cause as Error).message})`, { cause, details: { dir } });
  }
  return createdDirs(dir, first);
}

function createdDirs(dir: string, first: string | undefined): string[] {
  if (first === undefined) return [];
  const out = [dir];
  for (let d = dir; d !== first && path.dirname(d) !== d; ) out.unshift((d = path.dirname(d)));
  return out;
}

/** Creates `dir`; true when it was created, false when it already existed. */
function mkdirOrFail(dir: string, recursive: boolean): boolean {
  try {
    return mkdirSync(dir, { recursive }) !== undefined || !recursive;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SpyglassError('STORAGE', `${dir}: cannot create partition directory (${(cause as Error).message})`, { cause, details: { dir } });
  }
}

/** A partition file's content as written (see ParquetDataset's encode): size and hash set once written. */
interface EncodedPartition {
  bytes: number;
  sha256: string;
  readonly content: StreamedContent;
}

interface PartitionResult {
  readonly written: boolean;
  readonly rows: number;
  readonly added: number;
  readonly duplicates: number;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `${dir}: cannot list (${(e as Error).message})`, { cause: e, details: { dir } });
  }
}
