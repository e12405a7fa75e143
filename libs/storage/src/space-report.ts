import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isSpyglassError } from '@spyglass/core';
import { readParquetInfo } from './parquet-file.js';
import type { ParquetInfoCache } from './parquet-info-cache.js';
import { hiveValue, walkFiles } from './walk-files.js';

/**
 * Sizes of a group of Parquet files.
 *
 * @example
 * ```ts
 * const s: SpaceStats = { files: 2, bytes: 80_000, rows: 780, uncompressedBytes: 240_000, compressionRatio: 3 };
 * ```
 */
export interface SpaceStats {
  readonly files: number;
  /** Bytes on disk. */
  readonly bytes: number;
  /** Rows, from the footers. */
  readonly rows: number;
  /** Uncompressed size of the column data, from the footers. */
  readonly uncompressedBytes: number;
  /** `uncompressedBytes / bytes` (null when there are no readable bytes). */
  readonly compressionRatio: number | null;
}

/**
 * One dataset's sizes, in total and by ticker and month (`YYYY-MM` of the partition date).
 *
 * @example
 * ```ts
 * const spy = report.datasets.find((d) => d.dataset === 'stocks')?.tickers.find((t) => t.ticker === 'SPY');
 * ```
 */
export interface DatasetSpace extends SpaceStats {
  readonly layer: string;
  readonly dataset: string;
  readonly tickers: ReadonlyArray<SpaceStats & { readonly ticker: string }>;
  readonly months: ReadonlyArray<SpaceStats & { readonly month: string }>;
  /** Files whose footer could not be read: counted in `bytes`, not in rows or ratio. */
  readonly unreadable: readonly string[];
}

/**
 * Result of {@link spaceReport}.
 *
 * @example
 * ```ts
 * const r: SpaceReport = await spaceReport({ root: './data' });
 * console.log(formatSpaceReport(r));
 * ```
 */
export interface SpaceReport {
  readonly root: string;
  /** Every file under the root. */
  readonly totalBytes: number;
  readonly datasets: readonly DatasetSpace[];
  /** Other top-level directories (metrics, checkpoints, …) and non-Parquet files of the layers. */
  readonly other: ReadonlyArray<{ readonly dir: string; readonly files: number; readonly bytes: number }>;
}

class Acc {
  files = 0;
  bytes = 0;
  rows = 0;
  uncompressedBytes = 0;
  readableBytes = 0;

  add(bytes: number, info?: { rows: number; uncompressedBytes: number }): void {
    this.files++;
    this.bytes += bytes;
    if (info) {
      this.rows += info.rows;
      this.uncompressedBytes += info.uncompressedBytes;
      this.readableBytes += bytes;
    }
  }

  stats(): SpaceStats {
    const { files, bytes, rows, uncompressedBytes } = this;
    return { files, bytes, rows, uncompressedBytes, compressionRatio: this.readableBytes > 0 ? uncompressedBytes / this.readableBytes : null };
  }
}

function accOf<K>(m: Map<K, Acc>, k: K): Acc {
  let a = m.get(k);
  if (!a) m.set(k, (a = new Acc()));
  return a;
}

const LAYERS = ['raw', 'processed'];

/**
 * Disk usage of a data root: each dataset of `raw/` and `processed/` by ticker and month, with the
 * compression ratio (uncompressed column size from the Parquet footers over bytes on disk), and
 * the other directories (metrics, checkpoints, …). Only footers are read; with a `cache`, only
 * those of files that changed since the last report.
 *
 * @example
 * ```ts
 * const report = await spaceReport({ root: './data' });
 * for (const d of report.datasets) console.log(d.dataset, d.bytes, d.compressionRatio?.toFixed(2));
 * ```
 */
export async function spaceReport(opts: { readonly root: string; readonly cache?: ParquetInfoCache }): Promise<SpaceReport> {
  const root = opts.root;
  const datasets: DatasetSpace[] = [];
  const other = new Map<string, Acc>();
  let totalBytes = 0;
  for (const top of (await readdir(root).catch(() => [] as string[])).sort()) {
    const topDir = path.join(root, top);
    if (!LAYERS.includes(top)) {
      const s = await stat(topDir).catch(() => undefined);
      const files = s?.isFile() ? [{ bytes: s.size }] : await walkFiles(topDir);
      for (const f of files) {
        accOf(other, top).add(f.bytes);
        totalBytes += f.bytes;
      }
      continue;
    }
    for (const name of (await readdir(topDir).catch(() => [] as string[])).sort()) {
      const total = new Acc();
      const tickers = new Map<string, Acc>();
      const months = new Map<string, Acc>();
      const unreadable: string[] = [];
      for (const f of await walkFiles(path.join(topDir, name))) {
        totalBytes += f.bytes;
        if (!f.path.endsWith('.parquet')) {
          accOf(other, `${top}/${name}`).add(f.bytes);
          continue;
        }
        let info: { rows: number; uncompressedBytes: number } | undefined;
        try {
          info = opts.cache ? await opts.cache.read(f.path, { size: f.bytes, mtimeMs: f.mtimeMs }) : await readParquetInfo(f.path);
        } catch (e) {
          if (!isSpyglassError(e, 'CORRUPT_FILE', 'NOT_FOUND')) throw e;
          unreadable.push(f.path);
        }
        total.add(f.bytes, info);
        const ticker = hiveValue(f.path, 'ticker');
        if (ticker !== undefined) accOf(tickers, ticker).add(f.bytes, info);
        const date = hiveValue(f.path, 'date');
        accOf(months, date?.slice(0, 7) ?? 'unknown').add(f.bytes, info);
      }
      if (total.files === 0) continue;
      datasets.push({
        layer: top, dataset: name, ...total.stats(), unreadable,
        tickers: [...tickers].sort(([a], [b]) => a.localeCompare(b)).map(([ticker, a]) => ({ ticker, ...a.stats() })),
        months: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, a]) => ({ month, ...a.stats() })),
      });
    }
  }
  return { root, totalBytes, datasets, other: [...other].map(([dir, a]) => ({ dir, files: a.files, bytes: a.bytes })) };
}

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/**
 * A plain-text tree of a {@link SpaceReport} for the CLI.
 *
 * @example
 * ```ts
 * console.log(formatSpaceReport(await spaceReport({ root: './data' })));
 * // raw/stocks  12.3 MiB  1,234,567 rows  ratio 3.10
 * //   SPY  …
 * ```
 */
export function formatSpaceReport(r: SpaceReport): string {
  const line = (label: string, s: SpaceStats, indent = '') =>
    `${indent}${label.padEnd(28 - indent.length)} ${human(s.bytes).padStart(10)} ${s.files.toLocaleString('en-US').padStart(7)} files ${s.rows.toLocaleString('en-US').padStart(13)} rows  ratio ${s.compressionRatio === null ? '-' : s.compressionRatio.toFixed(2)}`;
  const out = [`${r.root}: ${human(r.totalBytes)}`];
  for (const d of r.datasets) {
    out.push(line(`${d.layer}/${d.dataset}`, d));
    for (const t of d.tickers) out.push(line(t.ticker, t, '  '));
    for (const m of d.months) out.push(line(m.month, m, '  '));
    for (const u of d.unreadable) out.push(`  unreadable: ${u}`);
  }
  for (const o of r.other) out.push(`${o.dir.padEnd(28)} ${human(o.bytes).padStart(10)} ${o.files.toLocaleString('en-US').padStart(7)} files`);
  return out.join('\n');
}
