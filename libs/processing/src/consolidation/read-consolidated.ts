import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SpyglassError } from '@spyglass/core';
import { sqlFileList, sqlString } from '../duck/duck-session.js';
import { listPartitions } from '../layout/parquet-layout.js';
import { CONSOLIDATED_DATASET } from './consolidate.js';
import { openDuck } from './market-tables.js';

/**
 * One consolidated row as replayed: `ticker`, `timestamp` (bar start, UTC epoch ms), `date` and every
 * other stored column (numbers, text, or null for a missing value).
 *
 * @example
 * ```ts
 * const row: ConsolidatedRow = { ticker: 'O:SPY250304C00590000', timestamp: 1741098600000, date: '2025-03-04', opt_close: 1.25 };
 * ```
 */
export interface ConsolidatedRow {
  readonly ticker: string;
  readonly timestamp: number;
  readonly date: string;
  readonly [column: string]: string | number | null;
}

/**
 * What {@link readConsolidated} reads: every stored date unless `dates` names some, every
 * contract unless `tickers` does.
 *
 * @example
 * ```ts
 * const opts: ReadConsolidatedOptions = { root: 'data', dates: ['2025-03-04'], tickers: ['O:SPY250304C00590000'] };
 * ```
 */
export interface ReadConsolidatedOptions {
  readonly root: string;
  readonly dates?: readonly string[];
  readonly tickers?: readonly string[];
  /** DuckDB threads; default 2. */
  readonly threads?: number;
}

/**
 * Reads `<root>/processed/consolidated` one date partition at a time, each batch ordered by
 * timestamp then ticker, so the batches in sequence are in event-time order: what a replay
 * (`FeedSimulator({ batches })`) needs, with one day in memory at a time.
 *
 * @example
 * ```ts
 * for await (const day of readConsolidated({ root: 'data', dates: ['2025-03-04'] })) console.log(day.length, day[0]?.opt_close);
 * ```
 */
export async function* readConsolidated(options: ReadConsolidatedOptions): AsyncGenerator<ConsolidatedRow[]> {
  const dates = new Set(options.dates ?? (await storedDates(options.root)));
  const parts = await listPartitions(options.root, 'processed', CONSOLIDATED_DATASET, { dates, byTicker: false });
  if (parts.length === 0) {
    throw new SpyglassError('NOT_FOUND', `no consolidated data under ${join(options.root, 'processed', CONSOLIDATED_DATASET)}${options.dates ? ` for ${[...dates].join(', ')}` : ''}: run \`spyglass consolidate\` first`);
  }
  const filter = options.tickers?.length ? `WHERE ticker IN (${options.tickers.map(sqlString).join(', ')})` : '';
  const duck = await openDuck(options.threads ?? 2);
  try {
    for (const part of parts) {
      const { rows, cols } = await duck.columns(
        `SELECT * EXCLUDE (timestamp), epoch_ms(timestamp) AS timestamp FROM read_parquet(${sqlFileList(part.files)}) ${filter} ORDER BY timestamp, ticker`,
      );
      const names = Object.keys(cols);
      const batch = new Array<ConsolidatedRow>(rows);
      for (let i = 0; i < rows; i++) {
        const row: Record<string, string | number | null> = { date: part.date };
        for (const name of names) {
          const v = cols[name]![i]!;
          row[name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
        }
        batch[i] = row as ConsolidatedRow;
      }
      if (rows > 0) yield batch;
    }
  } finally {
    duck.close();
  }
}

async function storedDates(root: string): Promise<string[]> {
  const dir = join(root, 'processed', CONSOLIDATED_DATASET);
  try {
    return (await readdir(dir)).filter((e) => e.startsWith('date=')).map((e) => e.slice(5));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SpyglassError('STORAGE', `cannot list ${dir}: ${(e as Error).message}`, { cause: e, details: { dir } });
  }
}
