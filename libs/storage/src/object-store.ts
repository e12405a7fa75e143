import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SpyglassError } from '@spyglass/core';
import { writeFileAtomic } from './atomic-file.js';

/**
 * One stored object of an {@link ObjectStore} listing.
 *
 * @example
 * ```ts
 * for (const o: ObjectInfo of await store.list('raw/stocks/')) console.log(o.key, o.bytes);
 * ```
 */
export interface ObjectInfo {
  /** Key relative to the store's prefix, `/`-separated. */
  readonly key: string;
  readonly bytes: number;
  /** Content tag when the store has one (S3 ETag): equal tags mean equal content. */
  readonly etag?: string;
}

/**
 * Where dataset files live when they are not on local disk: whole objects, written atomically (a
 * reader sees the previous object or the new one, never half of one). The embedded default keeps
 * using {@link ParquetDataset} on a local directory; {@link ObjectStoreDataset} writes through this
 * port; {@link LocalObjectStore} and `S3ObjectStore` implement it.
 *
 * @example
 * ```ts
 * const store: ObjectStore = new LocalObjectStore({ dir: '/srv/objects' });
 * await store.put('raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', bytes);
 * const back = await store.get('raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet'); // Uint8Array | undefined
 * ```
 */
export interface ObjectStore {
  /** The store's URL for messages and logs, never with a secret in it. */
  readonly url: string;
  /** Fails fast with one clear error when the store is unreachable, refuses the credentials or lacks its bucket. */
  check(): Promise<void>;
  /** Writes the whole object in one request (atomic for readers). */
  put(key: string, body: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Removes the object (no error when there is none). */
  delete(key: string): Promise<void>;
}

/**
 * A partition-scoped mutual exclusion across every process that writes a dataset. `FileLock`
 * (one machine, lock files) and the cluster library's Redis lock (many machines) implement it.
 *
 * @example
 * ```ts
 * const lock: PartitionLock = new FileLock();
 * await lock.run('raw/stocks/ticker=SPY/date=2025-03-04', async () => mergeAndPut());
 * ```
 */
export interface PartitionLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Rejects keys that could escape a store's root or prefix. */
export function checkObjectKey(key: string): string {
  if (key === '' || key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new SpyglassError('INVALID_ARGUMENT', `object key '${key}' must be a relative '/'-separated path without '.', '..' or empty segments`, { details: { key } });
  }
  return key;
}

/**
 * An {@link ObjectStore} on a local directory (objects are files, written by temp file + rename):
 * for tests and for machines that share a network file system.
 *
 * @example
 * ```ts
 * const store = new LocalObjectStore({ dir: './objects' });
 * await store.put('a/b.parquet', new Uint8Array([1, 2, 3]));
 * console.log((await store.list('a/')).map((o) => o.key)); // ['a/b.parquet']
 * ```
 */
export class LocalObjectStore implements ObjectStore {
  readonly url: string;
  private readonly dir: string;

  constructor(opts: { readonly dir: string }) {
    this.dir = path.resolve(opts.dir);
    this.url = `file://${this.dir}`;
  }

  async check(): Promise<void> {
    const s = await stat(this.dir).catch(() => undefined);
    if (!s?.isDirectory()) throw new SpyglassError('CONFIG', `${this.url}: not a directory`, { details: { url: this.url } });
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const file = path.join(this.dir, checkObjectKey(key));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, body, { fsync: true });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(path.join(this.dir, checkObjectKey(key))));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SpyglassError('STORAGE', `${this.url}/${key}: cannot read (${(e as Error).message})`, { cause: e, details: { key } });
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const walk = async (rel: string): Promise<void> => {
      const entries = await readdir(path.join(this.dir, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return [];
        throw new SpyglassError('STORAGE', `${this.url}/${rel}: cannot list (${e.message})`, { cause: e });
      });
      for (const e of entries) {
        const key = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) await walk(key);
        else if (e.isFile() && key.startsWith(prefix) && !e.name.endsWith('.tmp')) out.push({ key, bytes: (await stat(path.join(this.dir, key))).size });
      }
    };
    // Start from the deepest directory the prefix names, so listing one partition is not a full walk.
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(base);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await rm(path.join(this.dir, checkObjectKey(key)), { force: true });
  }
}
