import { makeTable } from './table-builder.js';

// Eight bars over two months with known outcomes; gains and losses are fractions (0.4 = +40 %).
export const eightBars = makeTable([
  { date: '2025-03-03', label: 1, maxGain: 0.4, minLoss: -0.02 },
  { date: '2025-03-03', label: 0, maxGain: 0.05, minLoss: -0.12 },
  { date: '2025-03-04', label: 1, maxGain: 0.3, minLoss: -0.04 },
  { date: '2025-03-04', label: 0, maxGain: 0.02, minLoss: -0.25 },
  { date: '2025-04-01', label: 0, maxGain: 0.01, minLoss: -0.03 },
  { date: '2025-04-01', label: 1, maxGain: 0.6, minLoss: -0.01 },
  { date: '2025-04-02', label: 0, maxGain: 0, minLoss: -0.18 },
  { date: '2025-04-02', label: 1, maxGain: 0.25, minLoss: Number.NaN },
]);
export const eightBarProbabilities = [0.9, 0.8, 0.7, 0.3, 0.2, 0.95, 0.75, 0.4];
