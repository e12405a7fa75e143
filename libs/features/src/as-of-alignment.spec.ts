import { alignAsOf, takeAsOf } from './index.js';
import { SpyglassError } from '@spyglass/core';

describe('alignAsOf', () => {
  it.each([
    ['exact matches', [1, 2, 3], [1, 2, 3], [0, 1, 2]],
    ['gaps forward-fill', [1, 2, 3, 4], [1, 3], [0, 0, 1, 1]],
    ['nothing yet', [0, 1, 5], [2, 4], [-1, -1, 1]],
    ['empty right', [1, 2], [], [-1, -1]],
    ['duplicate right times take the last', [2], [1, 2, 2], [2]],
  ])('%s', (_name, left, right, expected) => {
    expect(Array.from(alignAsOf(left, right))).toEqual(expected);
  });

  it('maxLagMs stops forward-filling stale values', () => {
    expect(Array.from(alignAsOf([0, 60_000, 120_000, 180_000], [0], { maxLagMs: 120_000 }))).toEqual([0, 0, 0, -1]);
  });

  it('rejects descending input (e.g. a newest-first file that was not reversed)', () => {
    expect(() => alignAsOf([3, 2, 1], [1])).toThrow(SpyglassError);
    expect(() => alignAsOf([1], [3, 2])).toThrow(/rightTimes/);
  });
});

describe('takeAsOf', () => {
  it('gathers by index with NaN for −1', () => {
    expect(Array.from(takeAsOf([10, 20], Int32Array.from([-1, 0, 1, 1])))).toEqual([Number.NaN, 10, 20, 20]);
  });
});
