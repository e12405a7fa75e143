import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { classWeights, DataBalancer, undersampleMajority } from './data-balancer.js';
import { seededRandom } from './seeded-random.js';

describe('DataBalancer', () => {
  const table = syntheticTable({ days: 5, minutesPerDay: 40 });

  it('undersamples the majority to the minority size, reproducibly for a seed', () => {
    const a = new DataBalancer({ seed: 42 }).balance(table).table;
    const b = new DataBalancer({ seed: 42 }).balance(table).table;
    const c = new DataBalancer({ seed: 7 }).balance(table).table;
    const s = new DataBalancer().summary(a);
    expect(s.positives).toBe(s.negatives);
    expect(s.positives).toBe(new DataBalancer().summary(table).positives);
    expect(Array.from(a.timestamp)).toEqual(Array.from(b.timestamp));
    expect(Array.from(a.timestamp)).not.toEqual(Array.from(c.timestamp));
    // kept rows stay chronological
    for (let i = 1; i < a.rows; i++) expect(a.timestamp[i]).toBeGreaterThanOrEqual(a.timestamp[i - 1]!);
  });

  it.each([
    [[0, 0, 0, 1], { 0: 4 / 6, 1: 2 }],
    [[0, 1], { 0: 1, 1: 1 }],
    [[1, 1], { 0: 0, 1: 1 }],
  ])('classWeights(%j) = %j (sklearn balanced)', (labels, expected) => {
    const w = classWeights(labels);
    expect(w[0]).toBeCloseTo(expected[0]);
    expect(w[1]).toBeCloseTo(expected[1]);
  });

  it('returns single-class tables unchanged and weights rows in class_weights mode', () => {
    const single = { ...table, label: new Uint8Array(table.rows) };
    expect(undersampleMajority(single, seededRandom(1))).toBe(single);
    const { table: same, weights } = new DataBalancer({ method: 'class_weights' }).balance(table);
    expect(same).toBe(table);
    const w = classWeights(table.label);
    expect(weights![0]).toBeCloseTo(table.label[0] ? w[1] : w[0]);
    expect(new DataBalancer().summary(single).imbalanceRatio).toBe(Number.POSITIVE_INFINITY);
  });
});
