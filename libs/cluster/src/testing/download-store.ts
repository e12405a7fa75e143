import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ObjectStore } from '@spyglass/storage';

/**
 * Every Parquet object of `store` downloaded into a fresh temp directory with the data root's
 * layout, so a cluster run's datasets can be compared with an embedded run's files.
 *
 * @example
 * ```ts
 * const dir = await downloadStore(new S3ObjectStore({ url: 's3://market/run', endpoint, credentials }));
 * console.log(await partitionChecksums(dir));
 * ```
 */
export async function downloadStore(store: ObjectStore): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spyglass-objects-'));
  for (const o of await store.list('')) {
    if (!o.key.endsWith('.parquet')) continue;
    const body = await store.get(o.key);
    if (!body) continue;
    await mkdir(path.dirname(path.join(dir, o.key)), { recursive: true });
    await writeFile(path.join(dir, o.key), body);
  }
  return dir;
}
