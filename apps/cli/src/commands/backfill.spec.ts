import { resolveRange } from './backfill.js';

describe('resolveRange', () => {
  const saturday = Date.parse('2025-03-08T15:00:00Z');
  const tuesdayMidday = Date.parse('2025-03-04T16:00:00Z');

  it.each([
    [{}, 5, saturday, { from: '2025-03-03', to: '2025-03-07' }],
    [{}, 1, tuesdayMidday, { from: '2025-03-03', to: '2025-03-03' }], // today's session is not over yet
    [{ 'start-date': '2025-01-02', 'end-date': '2025-01-31' }, 5, saturday, { from: '2025-01-02', to: '2025-01-31' }],
    [{ 'end-date': '2025-01-03' }, 3, saturday, { from: '2024-12-31', to: '2025-01-03' }], // skips New Year's Day
  ])('%j with span %d', (args, span, now, expected) => {
    expect(resolveRange(args, span, now)).toEqual(expected);
  });

  it.each([
    [{ 'start-date': '2025-13-01', 'end-date': '2025-12-01' }, /--start-date 2025-13-01 is not a calendar date/],
    [{ 'start-date': '2025-02-30', 'end-date': '2025-03-01' }, /not a calendar date/],
    [{ 'start-date': '2025-03-05', 'end-date': '2025-03-04' }, /is after --end-date/],
  ])('rejects %j', (args, message) => {
    expect(() => resolveRange(args, 5, saturday)).toThrow(message);
  });
});
