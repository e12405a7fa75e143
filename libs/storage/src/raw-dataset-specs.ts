import type { Dataset } from '@spyglass/core';
import { defineDataset, type ColumnSpec, type DatasetSpec } from './dataset-spec.js';

const ticker: ColumnSpec = { name: 'ticker', field: 'ticker', type: 'utf8' };
const timestamp: ColumnSpec = { name: 'timestamp', field: 'timestamp', type: 'timestamp_ms' };
const ingestedAt: ColumnSpec = { name: 'ingested_at', field: 'ingestedAt', type: 'timestamp_ms' };
const ohlc: ColumnSpec[] = (['open', 'high', 'low', 'close'] as const).map((n) => ({ name: n, field: n, type: 'float64' }));
const barTail: ColumnSpec[] = [
  { name: 'volume', field: 'volume', type: 'float64' },
  { name: 'vwap', field: 'vwap', type: 'float64', nullable: true },
  { name: 'transactions', field: 'transactions', type: 'int64', nullable: true },
];
const contractIdentity: ColumnSpec[] = [
  { name: 'underlying', field: 'underlying', type: 'utf8' },
  { name: 'expiration', field: 'expiration', type: 'utf8' },
  { name: 'strike', field: 'strike', type: 'float64' },
  { name: 'contract_type', field: 'contractType', type: 'utf8' },
];
const barKey = ['ticker', 'timestamp'];

/**
 * The raw datasets written by ingestion, one per {@link Dataset} of `@spyglass/core`, mapping each
 * record type's camelCase properties to snake_case Parquet columns. Bars are keyed and sorted by
 * (ticker, timestamp) and partitioned by ticker and New York date; news is keyed by (ticker, id);
 * option contracts are partitioned by expiration date and keyed by their OCC ticker.
 *
 * @example
 * ```ts
 * const stocks = new ParquetDataset<StockBar>({ root: './data', spec: rawDatasetSpecs.stocks });
 * ```
 */
export const rawDatasetSpecs: Readonly<Record<Dataset, DatasetSpec>> = Object.freeze({
  stocks: defineDataset({
    name: 'stocks', layer: 'raw', key: barKey, partitionBy: ['ticker', 'date'], sortBy: barKey,
    columns: [ticker, timestamp, ...ohlc, ...barTail, ingestedAt],
  }),
  options: defineDataset({
    name: 'options', layer: 'raw', key: barKey, partitionBy: ['ticker', 'date'], sortBy: barKey,
    columns: [ticker, timestamp, ...ohlc, ...barTail, ...contractIdentity, ingestedAt],
  }),
  indices: defineDataset({
    name: 'indices', layer: 'raw', key: barKey, partitionBy: ['ticker', 'date'], sortBy: barKey,
    columns: [ticker, timestamp, ...ohlc, ingestedAt],
  }),
  news: defineDataset({
    name: 'news', layer: 'raw', key: ['ticker', 'id'], partitionBy: ['ticker', 'date'], sortBy: ['timestamp', 'id'],
    columns: [
      { name: 'id', field: 'id', type: 'utf8' },
      ticker,
      timestamp,
      { name: 'title', field: 'title', type: 'utf8' },
      { name: 'author', field: 'author', type: 'utf8', nullable: true },
      { name: 'publisher', field: 'publisher', type: 'utf8' },
      { name: 'article_url', field: 'articleUrl', type: 'utf8' },
      { name: 'tickers', field: 'tickers', type: 'utf8_list' },
      { name: 'description', field: 'description', type: 'utf8', nullable: true },
      { name: 'keywords', field: 'keywords', type: 'utf8_list' },
      { name: 'sentiment', field: 'sentiment', type: 'utf8', nullable: true },
      { name: 'sentiment_reasoning', field: 'sentimentReasoning', type: 'utf8', nullable: true },
      { name: 'insights', field: 'insights', type: 'json' },
      ingestedAt,
    ],
  }),
  contracts: defineDataset({
    name: 'contracts', layer: 'raw', key: ['ticker'], partitionBy: ['date'], sortBy: ['ticker'], dateColumn: 'expiration',
    columns: [
      ticker,
      ...contractIdentity,
      { name: 'exercise_style', field: 'exerciseStyle', type: 'utf8' },
      { name: 'shares_per_contract', field: 'sharesPerContract', type: 'int32' },
      { name: 'primary_exchange', field: 'primaryExchange', type: 'utf8', nullable: true },
    ],
  }),
});
