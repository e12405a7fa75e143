import { newsInputDates } from './market-tables.js';

describe('newsInputDates: the news partitions a processing step of some dates reads', () => {
  it.each([
    { dates: ['2025-03-04'], lookback: 60, want: ['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04'] },
    // A lookback over a day adds a calendar day; dates share their earlier ones.
    { dates: ['2025-03-04', '2025-03-05'], lookback: 1_500, want: ['2025-02-26', '2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05'] },
    { dates: [], lookback: 60, want: [] },
  ])('$dates with a $lookback-minute lookback', ({ dates, lookback, want }) => {
    expect([...newsInputDates(dates, lookback)].sort()).toEqual(want);
  });
});
