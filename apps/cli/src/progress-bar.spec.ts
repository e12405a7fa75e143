import { renderProgress } from './progress-bar.js';

describe('renderProgress', () => {
  it.each([
    [{ done: 1, total: 4, bars: 390 }, 2000, 'backfill [######------------------] 25% 1/4  390 bars  195 bars/s  ETA 6s'],
    [{ done: 0, total: 4, bars: 0 }, 0, 'backfill [------------------------] 0% 0/4  0 bars  0 bars/s  ETA ?'],
    [{ done: 4, total: 4, bars: 1560, label: 'SPY' }, 4000, 'backfill [########################] 100% 4/4 SPY  1,560 bars  390 bars/s  ETA 0s'],
    [{ done: 1, total: 121, bars: 10 }, 60_000, 'backfill [------------------------] 1% 1/121  10 bars  0 bars/s  ETA 2h00m'],
  ])('%j after %d ms', (p, elapsed, expected) => {
    expect(renderProgress('backfill', p, elapsed)).toBe(expected);
  });
});
