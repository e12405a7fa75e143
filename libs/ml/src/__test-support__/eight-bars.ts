import { makeTable } from './table-builder.js';

// Eight bars over two months with known outcomes.
export const eightBars = makeTable([
  { date: '2025-03-03', label: 1, maxGain: 40, minLoss: -2 },
  { date: '2025-03-03', label: 0, maxGain: 5, minLoss: -12 },
  { date: '2025-03-04', label: 1, maxGain: 30, minLoss: -4 },
  { date: '2025-03-04', label: 0, maxGain: 2, minLoss: -25 },
  { date: '2025-04-01', label: 0, maxGain: 1, minLoss: -3 },
  { date: '2025-04-01', label: 1, maxGain: 60, minLoss: -1 },
  { date: '2025-04-02', label: 0, maxGain: 0, minLoss: -18 },
  { date: '2025-04-02', label: 1, maxGain: 25, minLoss: Number.NaN },
]);
export const eightBarProbabilities = [0.9, 0.8, 0.7, 0.3, 0.2, 0.95, 0.75, 0.4];
