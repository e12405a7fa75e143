import { SpyglassError, type Dataset } from '@spyglass/core';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';

/**
 * One stored minute bar as the charts take it: `time` in UTC seconds (lightweight-charts' unit).
 *
 * @example
 * ```ts
 * const bar: ChartBar = { time: 1608042600, open: 363.3, high: 363.5, low: 363.1, close: 363.4 };
 * ```
 */
export interface ChartBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * The stored bars of one ticker on one day (`GET /api/bars?dataset=&ticker=&date=`).
 *
 * @example
 * ```ts
 * const r: BarsResponse = await readChartBars('data', new URLSearchParams('dataset=stocks&ticker=SPY&date=2020-12-18'));
 * console.log(r.bars.length, r.bars.at(-1)?.close);
 * ```
 */
export interface BarsResponse {
  readonly dataset: Dataset;
  readonly ticker: string;
  readonly date: string;
  readonly bars: readonly ChartBar[];
}

const CHARTABLE = ['stocks', 'options', 'indices'] as const satisfies readonly Dataset[];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a ticker-day of raw bars for the dashboard's price charts, sorted by time. Bad parameters
 * throw `SpyglassError('INVALID_ARGUMENT')` naming the parameter; a day with no bars is an empty list.
 *
 * @example
 * ```ts
 * const { bars } = await readChartBars('data', new URLSearchParams({ dataset: 'indices', ticker: 'I:VIX', date: '2025-03-04' }));
 * ```
 */
export async function readChartBars(root: string, query: URLSearchParams): Promise<BarsResponse> {
  const dataset = query.get('dataset') ?? '';
  const ticker = query.get('ticker') ?? '';
  const date = query.get('date') ?? '';
  const bad = (param: string, why: string) => new SpyglassError('INVALID_ARGUMENT', `/api/bars: ${param} ${why}`, { details: { dataset, ticker, date } });
  if (!(CHARTABLE as readonly string[]).includes(dataset)) throw bad('dataset', `must be one of ${CHARTABLE.join(', ')}, got "${dataset}"`);
  if (!ticker) throw bad('ticker', 'is required');
  if (!DAY.test(date)) throw bad('date', `must be YYYY-MM-DD, got "${date}"`);
  const store = new ParquetDataset<{ timestamp: number; open: number; high: number; low: number; close: number }>({ root, spec: rawDatasetSpecs[dataset as Dataset] });
  const bars: ChartBar[] = [];
  for await (const batch of store.read({ tickers: [ticker], from: date, to: date, columns: ['timestamp', 'open', 'high', 'low', 'close'] })) {
    for (const b of batch) bars.push({ time: Math.floor(b.timestamp / 1000), open: b.open, high: b.high, low: b.low, close: b.close });
  }
  bars.sort((a, b) => a.time - b.time);
  return { dataset: dataset as Dataset, ticker, date, bars };
}
