import { selectRows, type FeatureTable } from './feature-table.js';
import { seededRandom } from './seeded-random.js';

/**
 * `undersample` drops majority rows; `class_weights` keeps rows and weights classes instead.
 *
 * @example
 * ```ts
 * const method: BalanceMethod = 'class_weights';
 * const { weights } = new DataBalancer({ method }).balance(table);
 * ```
 */
export type BalanceMethod = 'undersample' | 'class_weights';

/**
 * Options of {@link DataBalancer}.
 *
 * @example
 * ```ts
 * const opts: DataBalancerOptions = { method: 'undersample', seed: 7 };
 * const { table: balanced } = new DataBalancer(opts).balance(table);
 * ```
 */
export interface DataBalancerOptions {
  /** Default `undersample` (the original's default). */
  readonly method?: BalanceMethod;
  /** Seed of the default random source; default 42 (the original's `random_state`). */
  readonly seed?: number;
  /** Inject a uniform [0, 1) source instead of the seeded one. */
  readonly random?: () => number;
}

/**
 * Balanced class weights `n / (n_classes · count_c)`, as sklearn's `compute_class_weight('balanced')`.
 *
 * @example
 * ```ts
 * const w: ClassWeights = classWeights([0, 0, 0, 1]); // { 0: 0.667, 1: 2 }
 * ```
 */
export interface ClassWeights {
  readonly 0: number;
  readonly 1: number;
}

/**
 * Class distribution of a table.
 *
 * @example
 * ```ts
 * const s: BalanceSummary = new DataBalancer().summary(table);
 * console.log(`${(100 * s.positiveRate).toFixed(1)} % positive, ratio 1:${s.imbalanceRatio.toFixed(1)}`);
 * ```
 */
export interface BalanceSummary {
  readonly rows: number;
  readonly positives: number;
  readonly negatives: number;
  readonly positiveRate: number;
  /** majority / minority; Infinity when a class is absent. */
  readonly imbalanceRatio: number;
  readonly classWeights: ClassWeights;
}

function counts(label: ArrayLike<number>): [number, number] {
  let positives = 0;
  for (let i = 0; i < label.length; i++) positives += label[i] === 1 ? 1 : 0;
  return [label.length - positives, positives];
}

/**
 * Balanced class weights (`n_total / (n_classes × count_c)`); a missing class gets weight 0.
 *
 * @example
 * ```ts
 * classWeights([0, 0, 0, 1]); // { 0: 0.667, 1: 2 }
 * ```
 */
export function classWeights(label: ArrayLike<number>): ClassWeights {
  const [neg, pos] = counts(label);
  const n = label.length;
  // Like sklearn, n_classes counts the classes present, so a single-class table gets weight 1.
  const classes = (neg ? 1 : 0) + (pos ? 1 : 0);
  return { 0: neg ? n / (classes * neg) : 0, 1: pos ? n / (classes * pos) : 0 };
}

/**
 * Keeps every minority row and an equal-sized random sample of the majority; the kept rows stay
 * in their original (chronological) order. Empty, single-class and balanced tables come back
 * unchanged.
 *
 * @example
 * ```ts
 * const balanced = undersampleMajority(train, seededRandom(42));
 * ```
 */
export function undersampleMajority(table: FeatureTable, random: () => number = seededRandom(42)): FeatureTable {
  const [neg, pos] = counts(table.label);
  if (neg === 0 || pos === 0 || neg === pos) return table;
  const majority = neg > pos ? 0 : 1;
  const keep = Math.min(neg, pos);
  const majorityRows: number[] = [];
  const selected: number[] = [];
  for (let i = 0; i < table.rows; i++) (table.label[i] === majority ? majorityRows : selected).push(i);
  // Partial Fisher–Yates: the first `keep` slots become a uniform sample without replacement.
  for (let i = 0; i < keep; i++) {
    const j = i + Math.floor(random() * (majorityRows.length - i));
    [majorityRows[i], majorityRows[j]] = [majorityRows[j]!, majorityRows[i]!];
  }
  for (let i = 0; i < keep; i++) selected.push(majorityRows[i]!);
  selected.sort((a, b) => a - b);
  return selectRows(table, selected);
}

/**
 * The original's DataBalancer: undersample the majority class (seeded) or compute class weights,
 * plus a distribution summary. Apply it to the training part only, after the split.
 *
 * @example
 * ```ts
 * const balancer = new DataBalancer({ method: 'undersample', seed: 42 });
 * const { table, weights } = balancer.balance(split.train);
 * console.log(balancer.summary(split.train).imbalanceRatio);
 * ```
 */
export class DataBalancer {
  readonly method: BalanceMethod;
  readonly #random: () => number;

  constructor(options: DataBalancerOptions = {}) {
    this.method = options.method ?? 'undersample';
    this.#random = options.random ?? seededRandom(options.seed ?? 42);
  }

  /** The balanced table (undersample) or the table with per-row weights (class_weights). */
  balance(table: FeatureTable): { table: FeatureTable; weights?: Float32Array } {
    if (this.method === 'undersample') return { table: undersampleMajority(table, this.#random) };
    const w = classWeights(table.label);
    return { table, weights: Float32Array.from(table.label, (y) => (y === 1 ? w[1] : w[0])) };
  }

  /** Distribution statistics, imbalance ratio and balanced class weights. */
  summary(table: Pick<FeatureTable, 'label'>): BalanceSummary {
    const [negatives, positives] = counts(table.label);
    const rows = negatives + positives;
    const minority = Math.min(negatives, positives);
    return {
      rows,
      positives,
      negatives,
      positiveRate: rows ? positives / rows : 0,
      imbalanceRatio: minority ? Math.max(negatives, positives) / minority : Number.POSITIVE_INFINITY,
      classWeights: classWeights(table.label),
    };
  }
}
