import { inConsolidatedOrder } from './file-order.js';

const M = 60_000;
// Two sessions: [0, 100 M) and [1000 M, 1100 M).
const open = Float64Array.of(0, 1000 * M);
const close = Float64Array.of(100 * M, 1100 * M);

describe('inConsolidatedOrder', () => {
  it.each<[string, number[], number[], boolean]>([
    ['empty', [], [], true],
    ['one contract, ascending bars', [1, 2, 3], [1, 1, 1], true],
    ['contracts ascending within a session', [1, 2, 1, 2], [1, 1, 2, 2], true],
    ['next session starts over at a lower contract', [1, 2, 1000, 1001], [2, 2, 1, 1], true],
    ['bars out of order within a contract', [2, 1], [1, 1], false],
    ['duplicate bar (equal keys)', [1, 1], [1, 1], false],
    ['contract goes back within a session', [1, 1], [2, 1], false],
    ['an earlier session after a later one', [1000, 1], [1, 1], false],
    ['a bar outside every session', [500], [1], false],
    ['a row without ticker', [1, 2], [1, Number.NaN], false],
  ])('%s → %s', (_name, minutes, contracts, expected) => {
    expect(inConsolidatedOrder(Float64Array.from(minutes, (m) => m * M), Float64Array.from(contracts), open, close)).toBe(expected);
  });
});
