import { BarBook } from '@spyglass/backtest';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/**
 * Loads the stored option minute bars of the given days (and tickers) into a {@link BarBook} for
 * the P&L backtest: one contract-session per `raw/options` partition.
 *
 * @example
 * ```ts
 * const book = await loadOptionBarBook('data', ['2025-03-03'], ['O:SPY250303C00590000']);
 * ```
 */
export async function loadOptionBarBook(root: string, days: readonly string[], tickers?: readonly string[]): Promise<BarBook> {
  const book = new BarBook();
  if (!days.length) return book;
  const wanted = new Set(days);
  const sorted = [...wanted].sort();
  const ds = new ParquetDataset({ root, spec: rawDatasetSpecs.options });
  const columns = ['timestamp', 'open', 'high', 'low', 'close'];
  for await (const { partition, table } of ds.readTables({ from: sorted[0]!, to: sorted.at(-1)!, columns, ...(tickers ? { tickers: [...new Set(tickers)] } : {}) })) {
    if (!wanted.has(partition.date) || partition.ticker === undefined || table.numRows === 0) continue;
    const col = (name: string) => Array.from(table.getChild(name)!.toArray() as ArrayLike<number | bigint>, Number);
    book.add({ ticker: partition.ticker, date: partition.date, t: col('timestamp'), open: col('open'), high: col('high'), low: col('low'), close: col('close') });
  }
  return book;
}
