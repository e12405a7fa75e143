import { SpyglassError } from '@spyglass/core';

/**
 * What a numeric flag accepts. Flags of the same name mean the same quantity in every command, so
 * one rule per name (`threshold` is a probability wherever it appears).
 *
 * @example
 * ```ts
 * const r: NumericRule = { min: 1, integer: true, what: 'worker processes' };
 * ```
 */
export interface NumericRule {
  readonly min?: number;
  /** `min` itself is not allowed (a step of 0 would never end). */
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly integer?: boolean;
  readonly what: string;
}

const probability = (what: string): NumericRule => ({ min: 0, max: 1, what });
const count = (what: string, min = 1): NumericRule => ({ min, integer: true, what });

/**
 * Every numeric flag of every `spyglass` command, by name. A numeric flag not listed here fails the
 * CLI's table test, so a new flag cannot slip in unchecked.
 *
 * @example
 * ```ts
 * NUMERIC_FLAG_RULES.workers; // { min: 1, integer: true, what: 'worker processes' }
 * ```
 */
export const NUMERIC_FLAG_RULES: Readonly<Record<string, NumericRule>> = {
  'rate-limit': { min: 0, what: 'requests per minute (0 = unlimited)' },
  workers: count('worker processes'),
  port: { min: 0, max: 65_535, integer: true, what: 'TCP port (0 = any free port)' },
  'strikes-per-side': count('strikes per side'),
  'n-calls': count('calls', 0),
  'n-puts': count('puts', 0),
  increment: { min: 0, minExclusive: true, what: 'strike increment in dollars' },
  speed: { min: 0, what: 'replay speed (0 = no delay)' },
  'max-gap-ms': { min: 0, what: 'milliseconds' },
  limit: count('records'),
  'train-months': count('months'),
  'test-months': count('months'),
  'step-months': count('months'),
  threshold: probability('probability threshold'),
  rounds: count('boosting rounds'),
  'min-precision': probability('precision (a fraction)'),
  'min-signals': count('signals', 0),
  'sweep-from': probability('probability threshold'),
  'sweep-to': probability('probability threshold'),
  step: { min: 0, minExclusive: true, max: 1, what: 'threshold step' },
  row: count('row index', 0),
  'top-n': count('features'),
  'min-threshold': probability('probability threshold'),
  'max-threshold': probability('probability threshold'),
  iterations: count('iterations'),
  'shap-iterations': count('iterations'),
  'fault-seed': { integer: true, what: 'seed' },
  'max-connections': count('connections'),
  days: count('sessions'),
  'take-profit': { min: 0, minExclusive: true, what: 'take-profit (a fraction of the entry fill, 0.2 = +20 %)' },
  'stop-loss': { min: 0, max: 1, what: 'stop-loss (a fraction of the entry fill, 0 = no stop)' },
  slippage: { min: 0, max: 0.5, what: 'slippage (a fraction of price per fill)' },
  commission: { min: 0, what: 'commission (dollars per contract per side)' },
  contracts: count('contracts per trade'),
  premium: { min: 0, minExclusive: true, what: 'premium per trade (dollars)' },
  'max-positions': count('open positions'),
  'random-draws': count('random-entry portfolios'),
  'bootstrap-draws': count('bootstrap resamples'),
  'random-seed': { integer: true, what: 'seed' },
  concurrency: count('jobs at once'),
  band: { min: 0, what: 'band width' },
  'calibration-days': count('sessions'),
  'retention-days': count('days', 0),
  'sse-port': { min: 0, max: 65_535, integer: true, what: 'TCP port (0 = any free port)' },
};

// Tickers name directories and URL paths: letters, digits and `.`/`:`/`-` inside (BRK.B, I:VIX,
// O:SPY250304C00601000), nothing that could climb out of a directory or split a path.
const TICKER = /^[A-Za-z0-9](?:[A-Za-z0-9.:-]{0,38}[A-Za-z0-9])?$/;

/**
 * Why a ticker is unusable, or undefined when it is fine.
 *
 * @example
 * ```ts
 * tickerProblem('../../etc'); // 'is not a ticker (letters, digits, and . : - inside)'
 * tickerProblem('I:VIX');     // undefined
 * ```
 */
export function tickerProblem(t: string): string | undefined {
  return TICKER.test(t) && !t.includes('..') ? undefined : 'is not a ticker (letters, digits, and . : - inside)';
}

/**
 * Checks parsed arguments before any command runs: every numeric flag against its rule (NaN from
 * `--workers abc` included) and every ticker. Throws `INVALID_ARGUMENT` (exit code 2) naming the
 * flag, the value as typed (`tokens`, the command line: yargs has turned `abc` into NaN by then)
 * and what it must be.
 *
 * @example
 * ```ts
 * checkArguments({ workers: 0 }); // throws: --workers 0: worker processes must be an integer ≥ 1
 * checkArguments({ port: NaN }, ['dashboard', '--port', 'abc']); // throws: --port abc: …
 * ```
 */
export function checkArguments(argv: Readonly<Record<string, unknown>>, tokens: readonly string[] = []): void {
  for (const [flag, rule] of Object.entries(NUMERIC_FLAG_RULES)) {
    const raw = argv[flag];
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      const problem = numericProblem(v, rule);
      const shown = typeof v === 'number' && Number.isNaN(v) ? (typedValue(tokens, flag) ?? String(v)) : String(v);
      if (problem) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} ${shown}: ${rule.what} ${problem}`, { details: { flag, value: shown } });
    }
  }
  for (const flag of ['ticker', 'tickers']) {
    const raw = argv[flag];
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      const problem = tickerProblem(String(v));
      if (problem) throw new SpyglassError('INVALID_ARGUMENT', `--${flag} '${String(v)}' ${problem}`, { details: { flag, value: v } });
    }
  }
}

// What followed `--flag` (or `--flag=`) on the command line, for messages about values yargs could not parse.
function typedValue(tokens: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === `--${flag}`) return tokens[i + 1];
    if (t.startsWith(`--${flag}=`)) return t.slice(flag.length + 3);
  }
  return undefined;
}

function numericProblem(v: unknown, r: NumericRule): string | undefined {
  const range = `${r.min === undefined ? '' : `${r.minExclusive ? '>' : '≥'} ${r.min}`}${r.min !== undefined && r.max !== undefined ? ' and ' : ''}${r.max === undefined ? '' : `≤ ${r.max}`}`;
  const must = `must be ${r.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return must;
  if (r.integer && !Number.isInteger(v)) return must;
  if (r.min !== undefined && (v < r.min || (r.minExclusive && v === r.min))) return must;
  if (r.max !== undefined && v > r.max) return must;
  return undefined;
}
