import { defineDataset, rawDatasetSpecs } from './index.js';
import { mergeRecords } from './record-merge.js';

// Bars: key = sort order (ticker, timestamp) → the sorted merge. News: key (ticker, id) but sorted
// by (timestamp, id) → the map-based merge. Both must give the same answers.
const bars = rawDatasetSpecs.indices;
const byTimeKeyId = defineDataset({
  name: 'notes', layer: 'processed', key: ['ticker', 'id'], sortBy: ['timestamp', 'id'], partitionBy: ['date'],
  columns: [
    { name: 'ticker', field: 'ticker', type: 'utf8' },
    { name: 'id', field: 'id', type: 'utf8' },
    { name: 'timestamp', field: 'timestamp', type: 'timestamp_ms' },
    { name: 'close', field: 'close', type: 'float64' },
  ],
});

type Row = { ticker: string; id: string; timestamp: number; open: number; high: number; low: number; close: number; ingestedAt: number };
const row = (ts: number, close = ts, ticker = 'SPY'): Row => ({ ticker, id: `id${ts}`, timestamp: ts, open: 1, high: 1, low: 1, close, ingestedAt: 0 });
const stamps = (rows: readonly Row[]) => rows.map((r) => `${r.ticker}@${r.timestamp}=${r.close}`);

describe.each([
  ['sorted merge (key leads sortBy)', bars],
  ['map merge (key differs from sortBy)', byTimeKeyId],
])('mergeRecords: %s', (_, spec) => {
  it.each<[string, Row[], Row[], string[], { added: number; duplicates: number; changed: boolean }]>([
    ['into an empty partition', [], [row(2), row(1)], ['SPY@1=1', 'SPY@2=2'], { added: 2, duplicates: 0, changed: true }],
    ['the same rows again', [row(1), row(2)], [row(2), row(1)], ['SPY@1=1', 'SPY@2=2'], { added: 0, duplicates: 2, changed: false }],
    ['a corrected row (incoming wins)', [row(1), row(2)], [row(2, 9)], ['SPY@1=1', 'SPY@2=9'], { added: 0, duplicates: 1, changed: true }],
    ['late rows before and between', [row(2), row(4)], [row(3), row(1)], ['SPY@1=1', 'SPY@2=2', 'SPY@3=3', 'SPY@4=4'], { added: 2, duplicates: 0, changed: true }],
    ['duplicates inside the batch (last wins)', [], [row(1, 5), row(1, 6), row(1, 7)], ['SPY@1=7'], { added: 1, duplicates: 2, changed: true }],
    ['a batch repeating a stored row, last copy equal', [row(1)], [row(1, 8), row(1)], ['SPY@1=1'], { added: 0, duplicates: 2, changed: false }],
  ])('%s', (_, existing, incoming, expected, counts) => {
    const r = mergeRecords(spec, existing, incoming);
    expect(stamps(r.rows)).toEqual(expected);
    expect({ added: r.added, duplicates: r.duplicates, changed: r.changed }).toEqual(counts);
  });

  it('keeps different tickers at the same time apart', () => {
    const r = mergeRecords(spec, [row(1, 1, 'QQQ')], [row(1, 2, 'SPY')]);
    expect(r.rows).toHaveLength(2);
    expect(r.added).toBe(1);
  });
});
