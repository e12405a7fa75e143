import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSpyglassError } from '@spyglass/core';
import { NUMERIC_FLAG_RULES, checkArguments, tickerProblem } from './argument-rules.js';

const SRC = new URL('.', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : n.endsWith('.ts') && !n.endsWith('.spec.ts') ? [p] : [];
  });

/** Every flag declared `type: 'number'` in a command file (`.option('x', { type: 'number' …` or `x: { type: 'number' …`). */
const declaredNumericFlags = (): string[] => {
  const found = new Set<string>();
  for (const f of sources(join(SRC, 'commands'))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:option\(\s*'([\w-]+)',|'?([\w-]+)'?\s*:)\s*\{\s*type:\s*'number'/g)) found.add((m[1] ?? m[2])!);
  }
  return [...found].sort();
};

/** Every flag declared with another type (`string`, `boolean`, `array`) in a command file. */
const declaredOtherFlags = (): string[] => {
  const found = new Set<string>();
  for (const f of sources(join(SRC, 'commands'))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:option\(\s*'([\w-]+)',|'?([\w-]+)'?\s*:)\s*\{\s*type:\s*'(?:string|boolean|array)'/g)) found.add((m[1] ?? m[2])!);
  }
  return [...found].sort();
};

const rejects = (argv: Record<string, unknown>): string => {
  try {
    checkArguments(argv);
  } catch (e) {
    expect(isSpyglassError(e, 'INVALID_ARGUMENT')).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(argv)}`);
};

describe('numeric flags', () => {
  it('every numeric flag of every command has a rule', () => {
    const declared = declaredNumericFlags();
    expect(declared.length).toBeGreaterThan(20);
    expect(declared.filter((f) => !(f in NUMERIC_FLAG_RULES))).toEqual([]);
  });

  it('no rule names a flag some command declares with another type (the rule would refuse its default)', () => {
    expect(declaredOtherFlags().filter((f) => f in NUMERIC_FLAG_RULES)).toEqual([]);
  });

  // For every rule: NaN and Infinity, below its minimum, above its maximum, a fraction where an integer is needed.
  const bad = Object.entries(NUMERIC_FLAG_RULES).flatMap(([flag, r]) => [
    [flag, Number.NaN],
    [flag, Number.POSITIVE_INFINITY],
    ...(r.min !== undefined ? [[flag, r.minExclusive ? r.min : r.min - 1]] : []),
    ...(r.max !== undefined ? [[flag, r.max + 1]] : []),
    ...(r.integer ? [[flag, (r.min ?? 0) + 1.5]] : []),
  ]) as Array<[string, number]>;
  it.each(bad)('--%s %d is a usage error naming the flag and what it must be', (flag, value) => {
    expect(rejects({ [flag]: value })).toMatch(new RegExp(`^--${flag} ${String(value)}: .+ must be`));
  });

  it.each([
    [['dashboard', '--port', 'abc'], 'abc'],
    [['sim', 'serve', '--port=12x'], '12x'],
  ])('%j names the value as typed, not the NaN it parsed to', (tokens, typed) => {
    expect(() => checkArguments({ port: Number.NaN }, tokens)).toThrow(new RegExp(`^--port ${typed}: `));
  });

  const good = Object.entries(NUMERIC_FLAG_RULES).map(([flag, r]) => [flag, r.max ?? (r.min === undefined ? 7 : r.minExclusive ? r.min + 0.5 : r.min)]) as Array<[string, number]>;
  it.each(good)('--%s %d is accepted', (flag, value) => {
    expect(() => checkArguments({ [flag]: value })).not.toThrow();
  });
});

describe('tickers', () => {
  it.each(['SPY', 'I:VIX', 'BRK.B', 'O:SPY250304C00601000'])('%s is a ticker', (t) => expect(tickerProblem(t)).toBeUndefined());
  it.each(['../../etc', 'S P/Y', '', '.', 'SPY/..', 'A..B', 'SPY;rm', 'SPY\n'])('%j is rejected before any request', (t) => {
    expect(rejects({ ticker: t })).toMatch(/^--ticker '.*' is not a ticker/s);
    expect(rejects({ tickers: ['SPY', t] })).toMatch(/^--tickers/);
  });
});
