import { calibration } from './calibration.js';

describe('calibration', () => {
  it('bins probabilities, averages each bin and scores Brier', () => {
    const c = calibration([1, 0, 1, 1], [0.95, 0.05, 0.65, 0.7], 4);
    expect(c.bins.map((b) => b.count)).toEqual([1, 0, 2, 1]);
    expect(c.bins[2]!.meanPredicted).toBeCloseTo(0.675, 12);
    expect(c.bins[2]).toMatchObject({ from: 0.5, to: 0.75, observedRate: 1 });
    expect(c.brier).toBeCloseTo((0.05 ** 2 + 0.05 ** 2 + 0.35 ** 2 + 0.3 ** 2) / 4, 12);
    expect(c.brierBaseRate).toBeCloseTo(0.75 * 0.25, 12);
    expect(c.expectedCalibrationError).toBeCloseTo((1 / 4) * 0.05 + (2 / 4) * 0.325 + (1 / 4) * 0.05, 12);
  });

  it('puts probability 1 in the last bin', () => {
    expect(calibration([1], [1], 10).bins[9]!.count).toBe(1);
  });

  it('scores a perfectly calibrated forecaster near 0 error', () => {
    const labels: number[] = [];
    const probs: number[] = [];
    for (let b = 0; b < 10; b++) for (let i = 0; i < 100; i++) { probs.push(b / 10 + 0.05); labels.push(i < b * 10 + 5 ? 1 : 0); }
    expect(calibration(labels, probs).expectedCalibrationError).toBeCloseTo(0, 12);
  });

  it('refuses mismatched lengths', () => {
    expect(() => calibration([1, 0], [0.5])).toThrow(/1 probabilities for 2 labels/);
  });
});
