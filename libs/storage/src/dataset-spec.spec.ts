import { defineDataset, partitionDir, rawDatasetSpecs, type DatasetSpec } from './index.js';

const base: DatasetSpec = {
  name: 'bars', layer: 'processed', key: ['ticker', 'timestamp'], sortBy: ['timestamp'], partitionBy: ['ticker', 'date'],
  columns: [
    { name: 'ticker', field: 'ticker', type: 'utf8' },
    { name: 'timestamp', field: 'timestamp', type: 'timestamp_ms' },
    { name: 'tags', field: 'tags', type: 'utf8_list' },
  ],
};

describe('defineDataset', () => {
  it('accepts the raw dataset specs and fills in the date column', () => {
    expect(Object.keys(rawDatasetSpecs)).toEqual(['stocks', 'options', 'indices', 'news', 'contracts']);
    expect(defineDataset(base).dateColumn).toBe('timestamp');
    expect(rawDatasetSpecs.contracts.dateColumn).toBe('expiration');
  });

  it.each<[string, Partial<DatasetSpec>, RegExp]>([
    ['a camelCase name', { name: 'myBars' }, /name must be snake_case/],
    ['a camelCase column', { columns: [...base.columns, { name: 'closePrice', field: 'close', type: 'float64' }] }, /'closePrice' is not snake_case/],
    ['a duplicate column', { columns: [...base.columns, base.columns[0]] }, /'ticker' is defined twice/],
    ['an unknown type', { columns: [...base.columns, { name: 'x', field: 'x', type: 'decimal' as never }] }, /unknown type 'decimal'/],
    ['a key that is not a column', { key: ['ticker', 'ts'] }, /key\/sort column 'ts' is not a column/],
    ['a list column in the sort', { sortBy: ['tags'] }, /cannot be of type utf8_list/],
    ['an empty key', { key: [] }, /key is empty/],
    ['unsupported partitioning', { partitionBy: ['date', 'ticker'] as never }, /partitionBy must be/],
    ['a missing date column', { dateColumn: 'day' }, /date column 'day'/],
  ])('rejects %s with INVALID_ARGUMENT', (_, patch, message) => {
    expect(() => defineDataset({ ...base, ...patch })).toThrow(message);
    expect(() => defineDataset({ ...base, ...patch })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('partitionDir', () => {
  it.each<[string | undefined, string, string]>([
    ['SPY', '2025-03-04', 'data/raw/stocks/ticker=SPY/date=2025-03-04'],
    ['O:SPY250304C00601000', '2025-03-04', 'data/raw/stocks/ticker=O:SPY250304C00601000/date=2025-03-04'],
    ['BRK/B', '2025-03-04', 'data/raw/stocks/ticker=BRK%2FB/date=2025-03-04'],
    ['A=B%', '2025-03-04', 'data/raw/stocks/ticker=A%3DB%25/date=2025-03-04'],
  ])('puts ticker %j on %s in %s', (ticker, date, expected) => {
    expect(partitionDir('data', rawDatasetSpecs.stocks, { ticker, date })).toBe(expected);
  });

  it.each<[string | undefined, string]>([
    [undefined, '2025-03-04'],
    ['..', '2025-03-04'],
    ['SPY', '2025-3-4'],
  ])('rejects ticker %j with date %s', (ticker, date) => {
    expect(() => partitionDir('data', rawDatasetSpecs.stocks, { ticker, date })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
