import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Bytes and files of one area of the data root (`raw/stocks`, `quarantine`, `reports`, …). */
export interface SpaceArea {
  readonly area: string;
  readonly bytes: number;
  readonly files: number;
}

/** Disk use of a data root by area. */
export interface SpaceUsage {
  readonly totalBytes: number;
  readonly totalFiles: number;
  readonly areas: readonly SpaceArea[];
}

// Layers whose second level is a dataset worth its own bar (raw/stocks, processed/features…).
const LAYERED = new Set(['raw', 'processed', 'consolidated', 'features']);

/**
 * Walks the data root and sums file sizes per area: `<layer>/<dataset>` for data layers, the top
 * directory otherwise. Largest area first.
 *
 * @example
 * ```ts
 * const { totalBytes, areas } = await measureSpace('data');
 * ```
 */
export async function measureSpace(root: string): Promise<SpaceUsage> {
  const areas = new Map<string, { bytes: number; files: number }>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) {
        const parts = relative(root, p).split(sep);
        const area = parts.length > 2 && LAYERED.has(parts[0]) ? `${parts[0]}/${parts[1]}` : parts.length > 1 ? parts[0] : '(root)';
        const s = await stat(p).catch(() => undefined);
        if (!s) continue; // removed while walking
        const a = areas.get(area) ?? { bytes: 0, files: 0 };
        a.bytes += s.size;
        a.files++;
        areas.set(area, a);
      }
    }
  };
  await walk(root);
  const list = [...areas].map(([area, a]) => ({ area, ...a })).sort((x, y) => y.bytes - x.bytes || x.area.localeCompare(y.area));
  return { totalBytes: list.reduce((n, a) => n + a.bytes, 0), totalFiles: list.reduce((n, a) => n + a.files, 0), areas: list };
}
