import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RecordBatch, Table } from 'apache-arrow';
import { SpyglassError, isSpyglassError, nyDate } from '@spyglass/core';
import { batchToRecords, columnTypeOfArrow, physicalTypeOf, recordsToTable } from './arrow-codec.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';
import { columnOf, defineDataset, type ColumnSpec, type DatasetSpec } from './dataset-spec.js';
import { FileLock, type FileLockOptions } from './file-lock.js';
import { encodeParquet, readParquetTable, type ParquetCompression } from './parquet-file.js';
import { PARTITION_FILE, datasetDir, isPartitionDate, parseHiveSegment, partitionDir, type PartitionKey } from './partition-path.js';
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
 * never sees half a file and re-running a job is idempotent. Writers of one partition are
 * serialised in-process and across processes by a lock file (`.lock`, O_EXCL, broken when its
 * process is dead), so parallel workers may write the same dataset, even the same partition.
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
    const dateCol = columnOf(this.spec, this.spec.dateColumn ?? 'timestamp');
    const f = dateCol.field;
    const spec = this.spec;
    this.dateOf =
      dateCol.type === 'timestamp_ms'
        ? (r) => {
            const t = (r as Record<string, unknown>)[f];
            if (typeof t !== 'number' || !Number.isFinite(t)) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': ${f} ${String(t)} is not an epoch-ms number`, { details: { dataset: spec.name, field: f } });
            return nyDate(t);
          }
        : (r) => {
            const d = (r as Record<string, unknown>)[f];
            if (typeof d !== 'string' || !isPartitionDate(d)) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${spec.name}': ${f} '${String(d)}' is not YYYY-MM-DD`, { details: { dataset: spec.name, field: f } });
            return d;
          };
  }

  /** Groups records by partition, keeping their order within each. */
  private group(records: readonly R[]): Map<string, { key: PartitionKey; rows: R[] }> {
    const groups = new Map<string, { key: PartitionKey; rows: R[] }>();
    for (const r of records) {
      const date = this.dateOf(r);
      const ticker = this.byTicker ? (r as Record<string, unknown>).ticker : undefined;
      if (this.byTicker && (typeof ticker !== 'string' || ticker === '')) {
        throw new SpyglassError('INVALID_ARGUMENT', `dataset '${this.spec.name}': record without a ticker`, { details: { dataset: this.spec.name } });
      }
      const id = this.byTicker ? `${ticker as string}\u0000${date}` : date;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key: this.byTicker ? { ticker: ticker as string, date } : { date }, rows: [] }));
      g.rows.push(r);
    }
    return groups;
  }

  /**
   * Writes records into their partitions (merge, de-duplicate, sort, atomic replace).
   *
   * @throws SpyglassError `INVALID_ARGUMENT` for a record that does not fit the spec (nothing of
   *   that partition is written), `CORRUPT_FILE` when an existing partition file cannot be read
   *   (it is left as is, not overwritten), `STORAGE` when the disk or lock fails.
   */
  async write(records: readonly R[]): Promise<WriteSummary> {
    let partitionsWritten = 0;
    let rowsWritten = 0;
    let added = 0;
    let duplicates = 0;
    const groups = this.group(records);
    const queue = [...groups.values()];
    // A few partitions in flight: one encodes while others wait on fsync and rename.
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift()) {
        const r = await this.writePartition(g.key, g.rows);
        if (r.written) {
          partitionsWritten++;
          rowsWritten += r.rows;
        }
        added += r.added;
        duplicates += r.duplicates;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    const summary: WriteSummary = { partitions: groups.size, partitionsWritten, rowsIn: records.length, rowsWritten, added, duplicates };
    this.logger.info({ dataset: this.spec.name, ...summary }, 'parquet write');
    return summary;
  }

  private async writePartition(key: PartitionKey, rows: R[]): Promise<{ written: boolean; rows: number; added: number; duplicates: number }> {
    const dir = partitionDir(this.root, this.spec, key);
    const file = path.join(dir, PARTITION_FILE);
    try {
      await mkdir(dir, { recursive: true });
    } catch (cause) {
      throw new SpyglassError('STORAGE', `${dir}: cannot create partition directory (${(cause as Error).message})`, { cause, details: { dir } });
    }
    return this.lock.run(path.join(dir, '.lock'), async () => {
      await removeStaleTempFiles(dir);
      const existing = await this.readFileRecords(file, this.spec.columns);
      const merged = mergeRecords(this.spec, existing ?? [], rows);
      if (existing && !merged.changed) return { written: false, rows: 0, added: 0, duplicates: merged.duplicates };
      const bytes = encodeParquet(recordsToTable(this.spec, merged.rows), {
        compression: this.compression,
        rowGroupSize: this.rowGroupSize,
        // One entry only: parquet-wasm stores the map through a hash map, so several keys would be
        // written in varying order and break byte-identical re-writes.
        metadata: new Map([['spyglass', JSON.stringify({ dataset: `${this.spec.layer}/${this.spec.name}`, key: this.spec.key })]]),
      });
      await writeFileAtomic(file, bytes, { fsync: this.fsync });
      return { written: true, rows: merged.rows.length, added: merged.added, duplicates: merged.duplicates };
    });
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
    return batchToRecords<R>(columns, batch);
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
        const s = await stat(file).catch(() => undefined);
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

  /** All selected records in one array (partition order, then `sortBy` order). */
  async readAll(opts: ReadOptions = {}): Promise<R[]> {
    const out: R[] = [];
    for await (const batch of this.read(opts)) for (const r of batch) out.push(r);
    return out;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `${dir}: cannot list (${(e as Error).message})`, { cause: e, details: { dir } });
  }
}
