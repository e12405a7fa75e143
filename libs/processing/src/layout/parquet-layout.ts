import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SpyglassError } from '@spyglass/core';

/** Parquet files of one hive partition directory, found on disk. */
export interface PartitionFiles {
  readonly ticker: string | null;
  readonly date: string;
  readonly files: readonly string[];
}

/**
 * Lists the Parquet files of `<root>/<layer>/<dataset>/[ticker=<T>/]date=<D>/` for the wanted dates
 * (and tickers), reading each directory once: a year of 0DTE contracts is ~2 000 ticker
 * directories, so probing every (ticker, date) pair would cost half a million stat calls.
 */
export async function listPartitions(
  root: string,
  layer: 'raw' | 'processed',
  dataset: string,
  opts: { readonly dates: ReadonlySet<string>; readonly tickers?: ReadonlySet<string>; readonly byTicker: boolean },
): Promise<PartitionFiles[]> {
  const base = join(root, layer, dataset);
  const out: PartitionFiles[] = [];
  const scanDates = async (dir: string, ticker: string | null) => {
    for (const entry of await list(dir)) {
      if (!entry.startsWith('date=')) continue;
      const date = entry.slice(5);
      if (!opts.dates.has(date)) continue;
      const files = (await list(join(dir, entry))).filter((f) => f.endsWith('.parquet') && !f.startsWith('.')).map((f) => join(dir, entry, f));
      if (files.length > 0) out.push({ ticker, date, files });
    }
  };
  if (!opts.byTicker) {
    await scanDates(base, null);
  } else {
    for (const entry of await list(base)) {
      if (!entry.startsWith('ticker=')) continue;
      const ticker = entry.slice(7).replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      if (opts.tickers && !opts.tickers.has(ticker)) continue;
      await scanDates(join(base, entry), ticker);
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || String(a.ticker).localeCompare(String(b.ticker)));
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `cannot list ${dir}: ${(e as Error).message}`, { cause: e, details: { dir } });
  }
}
