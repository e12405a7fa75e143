import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SpyglassError, nyDate } from '@spyglass/core';
import { writeFileAtomic } from './atomic-file.js';
import { columnOf, defineDataset, type DatasetSpec } from './dataset-spec.js';
import { FileLock } from './file-lock.js';
import { checkObjectKey, type ObjectStore, type PartitionLock } from './object-store.js';
import { ParquetDataset, type PartitionFilter, type WriteSummary } from './parquet-dataset.js';
import type { ParquetCompression } from './parquet-file.js';
import { PARTITION_FILE, datasetDir, isPartitionDate, parseHiveSegment, partitionDir, type PartitionKey } from './partition-path.js';

/**
 * Options of {@link ObjectStoreDataset}.
 *
 * @example
 * ```ts
 * const opts: ObjectStoreDatasetOptions = { store, spec: rawDatasetSpecs.stocks, cacheDir: '/var/cache/spyglass', lock: redisLock };
 * ```
 */
export interface ObjectStoreDatasetOptions {
  readonly store: ObjectStore;
  readonly spec: DatasetSpec;
  /**
   * Local directory where partitions are merged before their PUT and staged for DuckDB (same hive
   * layout as a data root). Private to this machine; may be shared by its processes.
   */
  readonly cacheDir: string;
  /** Serialises writers of one partition across machines (default: lock files, one machine only). */
  readonly lock?: PartitionLock;
  /** Upper bound of staged bytes kept in `cacheDir` by {@link ObjectStoreDataset.stage} (default 2 GiB). */
  readonly cacheBytes?: number;
  readonly compression?: ParquetCompression;
}

/**
 * What {@link ObjectStoreDataset.stage} did.
 *
 * @example
 * ```ts
 * const s: StageSummary = await ds.stage({ from: '2025-03-03', to: '2025-03-07' });
 * console.log(`${s.downloaded} downloaded, ${s.reused} reused, ${s.evicted} evicted`);
 * ```
 */
export interface StageSummary {
  readonly partitions: number;
  readonly downloaded: number;
  readonly reused: number;
  readonly evicted: number;
  readonly bytes: number;
}

/** Staged objects: key → content tag and size, kept as `<cacheDir>/.staged-<layer>-<name>.json`. */
type Manifest = Record<string, { etag: string; bytes: number; usedAt: number }>;

/**
 * A hive-partitioned Parquet dataset kept in an {@link ObjectStore} (S3-compatible storage): the
 * same layout and file format as {@link ParquetDataset} under the store's prefix, each partition one
 * object written whole by one PUT, so readers never see half a file.
 *
 * A write merges like the local dataset does (de-duplicated on the spec's key, incoming rows win):
 * under the partition's lock it fetches the current object into the local cache, merges there with
 * a {@link ParquetDataset}, and PUTs the result back when it changed. Readers such as DuckDB (which
 * has no `httpfs` extension offline here) work on local copies: {@link ObjectStoreDataset.stage}
 * downloads the partitions a job needs into `cacheDir`, re-using copies whose content tag is
 * unchanged and evicting the least recently staged copies beyond `cacheBytes`.
 *
 * @example
 * ```ts
 * const stocks = new ObjectStoreDataset<StockBar>({ store: new S3ObjectStore({ url: 's3://market/spyglass' }),
 *   spec: rawDatasetSpecs.stocks, cacheDir: '/var/cache/spyglass', lock: redisLock });
 * await stocks.write(bars);                                     // one PUT per partition touched
 * await stocks.stage({ tickers: ['SPY'], from: '2025-03-03' }); // local copies under /var/cache/spyglass/raw/stocks
 * ```
 */
export class ObjectStoreDataset<R extends object> {
  readonly spec: DatasetSpec;
  private readonly store: ObjectStore;
  private readonly cacheDir: string;
  private readonly lock: PartitionLock;
  private readonly local: ParquetDataset<R>;
  private readonly cacheBytes: number;
  private readonly byTicker: boolean;
  private readonly dateOf: (r: object) => string;

  constructor(opts: ObjectStoreDatasetOptions) {
    this.spec = defineDataset(opts.spec);
    this.store = opts.store;
    this.cacheDir = opts.cacheDir;
    const files = new FileLock();
    // One machine: lock files in the cache (names are URLs, so they are encoded into one segment).
    this.lock = opts.lock ?? {
      run: async (name, fn) => {
        const dir = path.join(opts.cacheDir, '.locks');
        await mkdir(dir, { recursive: true });
        return files.run(path.join(dir, encodeURIComponent(name)), fn);
      },
    };
    this.cacheBytes = opts.cacheBytes ?? 2 * 1024 ** 3;
    this.byTicker = this.spec.partitionBy[0] === 'ticker';
    // The cache is scratch space (the object store is the durable copy): no fsync, no row cache.
    this.local = new ParquetDataset<R>({ root: opts.cacheDir, spec: this.spec, fsync: false, cacheRows: 0, ...(opts.compression ? { compression: opts.compression } : {}) });
    const col = columnOf(this.spec, this.spec.dateColumn ?? 'timestamp');
    this.dateOf = col.type === 'timestamp_ms' ? (r) => nyDate((r as Record<string, number>)[col.field]!) : (r) => String((r as Record<string, unknown>)[col.field]);
  }

  /** The object key of a partition's file (relative to the store's prefix). */
  objectKey(p: PartitionKey): string {
    return checkObjectKey(`${partitionDir('', this.spec, p).split(path.sep).join('/')}/${PARTITION_FILE}`);
  }

  /** Merges records into their partitions, one locked GET + merge + PUT per partition touched. */
  async write(records: readonly R[]): Promise<WriteSummary> {
    const groups = new Map<string, { key: PartitionKey; rows: R[] }>();
    for (const r of records) {
      const date = this.dateOf(r);
      if (!isPartitionDate(date)) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${this.spec.name}': record has no valid date (${date})`, { details: { dataset: this.spec.name } });
      const ticker = this.byTicker ? (r as Record<string, unknown>).ticker : undefined;
      if (this.byTicker && (typeof ticker !== 'string' || ticker === '')) throw new SpyglassError('INVALID_ARGUMENT', `dataset '${this.spec.name}': record without a ticker`, { details: { dataset: this.spec.name } });
      const key: PartitionKey = this.byTicker ? { ticker: ticker as string, date } : { date };
      const id = this.objectKey(key);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key, rows: [] }));
      g.rows.push(r);
    }
    const totals = { partitions: groups.size, partitionsWritten: 0, rowsIn: records.length, rowsWritten: 0, added: 0, duplicates: 0 };
    await Promise.all(
      [...groups].map(([objectKey, g]) =>
        this.lock.run(`${this.store.url}/${objectKey}`, async () => {
          const file = path.join(this.cacheDir, objectKey);
          const current = await this.store.get(objectKey);
          if (current) {
            await mkdir(path.dirname(file), { recursive: true });
            await writeFileAtomic(file, current, { fsync: false });
          } else await rm(file, { force: true });
          const s = await this.local.write(g.rows);
          if (s.partitionsWritten > 0) await this.store.put(objectKey, new Uint8Array(await readFile(file)));
          // The object is the durable copy; a stale local one must not be staged later.
          await rm(file, { force: true });
          totals.partitionsWritten += s.partitionsWritten;
          totals.rowsWritten += s.rowsWritten;
          totals.added += s.added;
          totals.duplicates += s.duplicates;
        }),
      ),
    );
    return totals;
  }

  /** Partitions present in the store, filtered, sorted by ticker then date (`path` is the object key). */
  async partitions(filter: PartitionFilter = {}): Promise<Array<{ ticker?: string; date: string; key: string; bytes: number; etag?: string }>> {
    const base = datasetDir('', this.spec).split(path.sep).join('/');
    const tickers = filter.tickers ? new Set(filter.tickers) : undefined;
    const out: Array<{ ticker?: string; date: string; key: string; bytes: number; etag?: string }> = [];
    for (const o of await this.store.list(`${base}/`)) {
      const segs = o.key.slice(base.length + 1).split('/');
      if (segs.at(-1) !== PARTITION_FILE || segs.length !== (this.byTicker ? 3 : 2)) continue;
      const ticker = this.byTicker ? parseHiveSegment(segs[0]!, 'ticker') : undefined;
      const date = parseHiveSegment(segs[this.byTicker ? 1 : 0]!, 'date');
      if (date === undefined || !isPartitionDate(date) || (this.byTicker && ticker === undefined)) continue;
      if ((tickers && !tickers.has(ticker!)) || (filter.from && date < filter.from) || (filter.to && date > filter.to)) continue;
      out.push({ ...(ticker === undefined ? {} : { ticker }), date, key: o.key, bytes: o.bytes, ...(o.etag ? { etag: o.etag } : {}) });
    }
    return out;
  }

  /**
   * Downloads the selected partitions into `cacheDir` (same layout as a data root, so DuckDB and
   * {@link ParquetDataset} read them there), re-using local copies whose content tag is unchanged,
   * removing local copies of partitions gone from the store, then evicting the least recently
   * staged copies beyond `cacheBytes`.
   *
   * @throws SpyglassError `STORAGE` when the selection alone is larger than `cacheBytes` (narrow it).
   */
  async stage(filter: PartitionFilter = {}): Promise<StageSummary> {
    const wanted = await this.partitions(filter);
    const bytes = wanted.reduce((a, p) => a + p.bytes, 0);
    if (bytes > this.cacheBytes) {
      throw new SpyglassError('STORAGE', `${this.store.url}: staging ${wanted.length} partitions of '${this.spec.name}' needs ${bytes} bytes, more than the cache's ${this.cacheBytes}; select fewer dates or raise the cache size`, {
        details: { dataset: this.spec.name, bytes, cacheBytes: this.cacheBytes },
      });
    }
    const manifest = await this.readManifest();
    const now = Date.now();
    let downloaded = 0;
    let reused = 0;
    for (const p of wanted) {
      const file = path.join(this.cacheDir, p.key);
      const tag = p.etag ?? `${p.bytes}`;
      const had = manifest[p.key];
      if (had && had.etag === tag && existsSync(file)) {
        reused++;
        had.usedAt = now;
        continue;
      }
      const body = await this.store.get(p.key);
      if (!body) continue; // removed since the listing: nothing to stage
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, body, { fsync: false });
      manifest[p.key] = { etag: tag, bytes: body.byteLength, usedAt: now };
      downloaded++;
    }
    // Local copies of partitions that no longer exist in the store must not be read as data.
    const present = new Set((filter.tickers || filter.from || filter.to ? [] : wanted).map((p) => p.key));
    if (present.size > 0) for (const k of Object.keys(manifest)) if (!present.has(k)) await this.evict(manifest, k);
    let evicted = 0;
    let total = Object.values(manifest).reduce((a, m) => a + m.bytes, 0);
    const inUse = new Set(wanted.map((p) => p.key));
    for (const [k, m] of Object.entries(manifest).sort((a, b) => a[1].usedAt - b[1].usedAt)) {
      if (total <= this.cacheBytes) break;
      if (inUse.has(k)) continue;
      await this.evict(manifest, k);
      total -= m.bytes;
      evicted++;
    }
    await this.writeManifest(manifest);
    return { partitions: wanted.length, downloaded, reused, evicted, bytes };
  }

  /** Uploads every local partition of `root` (e.g. consolidation output) to the store, one PUT each. */
  async publish(root: string, filter: PartitionFilter = {}): Promise<number> {
    const local = new ParquetDataset<R>({ root, spec: this.spec });
    let n = 0;
    for (const p of await local.partitions(filter)) {
      const key = this.objectKey(p.ticker === undefined ? { date: p.date } : { ticker: p.ticker, date: p.date });
      await this.lock.run(`${this.store.url}/${key}`, async () => this.store.put(key, new Uint8Array(await readFile(p.path))));
      n++;
    }
    return n;
  }

  private manifestFile(): string {
    return path.join(this.cacheDir, `.staged-${this.spec.layer}-${this.spec.name}.json`);
  }

  private async readManifest(): Promise<Manifest> {
    try {
      return JSON.parse(await readFile(this.manifestFile(), 'utf8')) as Manifest;
    } catch {
      // Missing or damaged: every partition is downloaded again, which is always correct.
      return {};
    }
  }

  private async writeManifest(m: Manifest): Promise<void> {
    await mkdir(this.cacheDir, { recursive: true });
    await writeFile(this.manifestFile(), JSON.stringify(m));
  }

  private async evict(m: Manifest, key: string): Promise<void> {
    await rm(path.join(this.cacheDir, key), { force: true });
    delete m[key];
  }

  /** Bytes of staged copies currently on disk. */
  async stagedBytes(): Promise<number> {
    let n = 0;
    for (const k of Object.keys(await this.readManifest())) n += (await stat(path.join(this.cacheDir, k)).catch(() => undefined))?.size ?? 0;
    return n;
  }
}
