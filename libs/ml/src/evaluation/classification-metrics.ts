/**
 * Counts of a binary confusion matrix.
 *
 * @example
 * ```ts
 * const { tp, fp }: Confusion = confusion([1, 0, 1], [0.9, 0.8, 0.2], 0.5); // tp 1, fp 1
 * ```
 */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/**
 * The trainer's evaluation metrics (the original's accuracy, precision, recall, F1, ROC-AUC).
 *
 * @example
 * ```ts
 * const m: ClassificationMetrics = classificationMetrics(test.label, probabilities, 0.67);
 * console.log(m.precision, m.recall, m.rocAuc);
 * ```
 */
export interface ClassificationMetrics extends Confusion {
  readonly rows: number;
  readonly threshold: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** NaN when only one class is present. */
  readonly rocAuc: number;
  readonly positiveRate: number;
}

/**
 * Confusion counts of `scores ≥ threshold` against 0/1 labels.
 *
 * @example
 * ```ts
 * confusion([1, 0, 1], [0.9, 0.8, 0.2], 0.5); // { tp: 1, fp: 1, tn: 0, fn: 1 }
 * ```
 */
export function confusion(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): Confusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i]! >= threshold;
    if (labels[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  return { tp, fp, tn, fn };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * ROC-AUC by the rank statistic (Mann–Whitney U), ties sharing their average rank, as sklearn's
 * `roc_auc_score`. NaN when one class is absent.
 *
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Accuracy, precision, recall, F1 and ROC-AUC of probabilities at a threshold.
 *
 * @example
 * ```ts
 * const m = classificationMetrics(test.label, probabilities, 0.5);
 * console.log(m.precision, m.rocAuc);
 * ```
 */
export function classificationMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5): ClassificationMetrics {
  const c = confusion(labels, scores, threshold);
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  return {
    ...c,
    rows: labels.length,
    threshold,
    accuracy: ratio(c.tp + c.tn, labels.length),
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    rocAuc: rocAuc(labels, scores),
    positiveRate: ratio(c.tp + c.fn, labels.length),
  };
}

/**
 * One point of a ROC or precision–recall curve.
 *
 * @example
 * ```ts
 * const roc: CurvePoint[] = rocCurve(labels, probabilities);
 * const points = roc.map((p) => ({ x: p.x, y: p.y }));
 * ```
 */
export interface CurvePoint {
  readonly x: number;
  readonly y: number;
  readonly threshold: number;
}

function sweep(labels: ArrayLike<number>, scores: ArrayLike<number>): Array<{ tp: number; fp: number; threshold: number }> {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const out: Array<{ tp: number; fp: number; threshold: number }> = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    labels[order[i]!] === 1 ? tp++ : fp++;
    // One point per distinct score, after all rows sharing it are counted.
    if (i + 1 === order.length || scores[order[i + 1]!] !== scores[order[i]!]) out.push({ tp, fp, threshold: scores[order[i]!]! });
  }
  return out;
}

/**
 * ROC curve: `x` = false-positive rate, `y` = true-positive rate, one point per distinct score
 * (starting at (0, 0)).
 *
 * @example
 * ```ts
 * rocCurve([0, 1], [0.2, 0.9]); // [{x:0,y:0,…}, {x:0,y:1,…}, {x:1,y:1,…}]
 * ```
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): CurvePoint[] {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  return [
    { x: 0, y: 0, threshold: Number.POSITIVE_INFINITY },
    ...sweep(labels, scores).map((p) => ({ x: ratio(p.fp, negatives), y: ratio(p.tp, positives), threshold: p.threshold })),
  ];
}

/**
 * Precision–recall curve: `x` = recall, `y` = precision, one point per distinct score.
 *
 * @example
 * ```ts
 * precisionRecallCurve([0, 1], [0.2, 0.9]); // [{x:1,y:1,…}, {x:1,y:0.5,…}]
 * ```
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): CurvePoint[] {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return sweep(labels, scores).map((p) => ({ x: ratio(p.tp, positives), y: ratio(p.tp, p.tp + p.fp), threshold: p.threshold }));
}
