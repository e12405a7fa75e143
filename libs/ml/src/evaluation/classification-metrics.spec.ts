import { classificationMetrics, confusion, precisionRecallCurve, rocAuc, rocCurve } from './classification-metrics.js';

describe('classification metrics', () => {
  it.each([
    // sklearn.metrics.roc_auc_score reference values
    [[0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75],
    [[0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 0.5],
    [[1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1], 1],
    [[1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 0],
    [[1, 1, 1], [0.1, 0.2, 0.3], Number.NaN],
  ])('rocAuc(%j, %j) = %d', (y, s, auc) => {
    expect(rocAuc(y, s)).toBe(auc);
  });

  it('derives precision, recall, F1 and accuracy from the confusion matrix', () => {
    const y = [1, 1, 1, 0, 0, 0, 0, 1];
    const p = [0.9, 0.7, 0.2, 0.8, 0.1, 0.3, 0.6, 0.55];
    expect(confusion(y, p, 0.5)).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
    const m = classificationMetrics(y, p, 0.5);
    expect(m.precision).toBeCloseTo(3 / 5);
    expect(m.recall).toBeCloseTo(3 / 4);
    expect(m.f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35);
    expect(m.accuracy).toBeCloseTo(5 / 8);
    expect(m.positiveRate).toBe(0.5);
  });

  it('builds ROC and PR curves whose area matches rocAuc', () => {
    const y = [0, 0, 1, 1, 0, 1, 1, 0];
    const s = [0.1, 0.4, 0.35, 0.8, 0.5, 0.9, 0.45, 0.2];
    const roc = rocCurve(y, s);
    let area = 0;
    for (let i = 1; i < roc.length; i++) area += ((roc[i]!.x - roc[i - 1]!.x) * (roc[i]!.y + roc[i - 1]!.y)) / 2;
    expect(area).toBeCloseTo(rocAuc(y, s));
    expect(roc.at(-1)).toMatchObject({ x: 1, y: 1 });
    const pr = precisionRecallCurve(y, s);
    expect(pr[0]).toMatchObject({ x: 0.25, y: 1, threshold: 0.9 });
    expect(pr.at(-1)).toMatchObject({ x: 1, y: 0.5 });
  });
});
