import { computeStrikes, discoveryStrikeRange, sameStrike } from './strikes.js';

describe('computeStrikes', () => {
  it.each([
    // opening, increment, n, calls, puts
    [593.88, 0.5, 2, [594, 594.5], [593.5, 593]], // the original's live example
    [594, 0.5, 2, [594.5, 595], [594, 593.5]], // exactly on a strike: it is a put, calls start one up
    [593.5, 0.5, 1, [594], [593.5]],
    [593.49, 0.5, 1, [593.5], [593]],
    [600.01, 1, 3, [601, 602, 603], [600, 599, 598]],
    [599.99, 1, 1, [600], [599]],
    [593.3, 0.1, 2, [593.4, 593.5], [593.3, 593.2]], // 593.3 / 0.1 = 5932.999… must still be on the grid
    [0.7, 0.5, 2, [1, 1.5], [0.5]], // no zero or negative put strikes
  ])('opening %p on a %p grid, %p each side', (opening, increment, n, calls, puts) => {
    const s = computeStrikes({ opening, increment, nCalls: n, nPuts: n });
    expect(s.calls).toEqual(calls);
    expect(s.puts).toEqual(puts);
  });

  it.each([590.01, 593.25, 600, 601.37, 612.5])('keeps calls strictly above and puts at or below %p', (opening) => {
    const { calls, puts } = computeStrikes({ opening, increment: 0.5, nCalls: 4, nPuts: 4 });
    expect(calls.every((k) => k > opening)).toBe(true);
    expect(puts.every((k) => k <= opening)).toBe(true);
    expect(calls[0] - puts[0]).toBeCloseTo(0.5, 10);
  });

  it.each([
    [{ opening: 0, increment: 0.5, nCalls: 1, nPuts: 1 }, 'opening'],
    [{ opening: 600, increment: 0, nCalls: 1, nPuts: 1 }, 'increment'],
    [{ opening: 600, increment: 0.5, nCalls: 1.5, nPuts: 1 }, 'nCalls'],
    [{ opening: 600, increment: 0.5, nCalls: 1, nPuts: -1 }, 'nPuts'],
  ])('rejects %o', (req, what) => {
    expect(() => computeStrikes(req)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(what) }));
  });
});

describe('discoveryStrikeRange', () => {
  it.each([
    [600, 0.01, 594, 606],
    [593.88, 0.05, 564.19, 623.57],
    [600, 0, 600, 600],
  ])('%p ±%p (a fraction)', (opening, range, lo, hi) => {
    expect(discoveryStrikeRange(opening, range)).toEqual({ strikeGte: lo, strikeLte: hi });
  });

  it.each([1, 5, -0.01])('refuses range %p: the unit is a fraction in [0, 1)', (range) => {
    expect(() => discoveryStrikeRange(600, range)).toThrow(/fraction/);
  });

  it('compares strikes with a sub-cent tolerance', () => {
    expect(sameStrike(593.5, 593.49999999)).toBe(true);
    expect(sameStrike(593.5, 593.51)).toBe(false);
  });
});
