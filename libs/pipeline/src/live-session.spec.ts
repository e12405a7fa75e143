import { liveSessionDate } from './live-session.js';

describe('liveSessionDate', () => {
  it.each([
    ['Tuesday before the open', '2025-03-04T13:00:00Z', '2025-03-04'],
    ['Tuesday during the session', '2025-03-04T15:00:00Z', '2025-03-04'],
    ['Tuesday after the close', '2025-03-04T21:05:00Z', '2025-03-05'],
    ['Tuesday late evening (already Wednesday UTC)', '2025-03-05T03:00:00Z', '2025-03-05'],
    ['Friday after the close', '2025-03-07T21:30:00Z', '2025-03-10'],
    ['Saturday', '2025-03-08T15:00:00Z', '2025-03-10'],
    ['Good Friday (holiday)', '2025-04-18T15:00:00Z', '2025-04-21'],
    ['day after Thanksgiving, after the 13:00 early close', '2025-11-28T18:30:00Z', '2025-12-01'],
  ])('%s → %s', (_name, at, expected) => {
    expect(liveSessionDate(Date.parse(at))).toBe(expected);
  });
});
