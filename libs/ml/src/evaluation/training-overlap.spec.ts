import { trainingOverlap } from './training-overlap.js';

const artifact = {
  dataRange: {
    from: '2025-01-02', to: '2025-03-31',
    train: { from: '2025-01-02', to: '2025-02-28' },
    validation: { from: '2025-03-03', to: '2025-03-14' },
    test: { from: '2025-03-17', to: '2025-03-31' },
  },
};

describe('trainingOverlap', () => {
  it.each([
    [['2025-03-17', '2025-03-31'], []],
    [['2025-02-27', '2025-02-28', '2025-03-03', '2025-03-17'], ['2025-02-27', '2025-02-28', '2025-03-03']],
    [['2024-12-31', '2025-04-01'], []],
  ])('%j → %j', (days, expected) => {
    expect(trainingOverlap(artifact, days)).toEqual(expected);
  });

  it('an artifact without ranges overlaps nothing', () => {
    const none = { from: null, to: null };
    expect(trainingOverlap({ dataRange: { ...none, train: none, validation: none, test: none } }, ['2025-01-02'])).toEqual([]);
  });
});
