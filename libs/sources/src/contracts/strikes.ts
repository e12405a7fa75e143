import { SpyglassError } from '@spyglass/core';

/**
 * Inputs of {@link computeStrikes}.
 *
 * @example
 * ```ts
 * const req: StrikeRequest = { opening: 593.88, nCalls: 2, nPuts: 2, increment: 0.5 };
 * computeStrikes(req); // calls [594, 594.5], puts [593.5, 593]
 * ```
 */
export interface StrikeRequest {
  /** The underlying's opening price that day. */
  readonly opening: number;
  /** Number of call strikes wanted, strictly above `opening`. */
  readonly nCalls: number;
  /** Number of put strikes wanted, at or below `opening`. */
  readonly nPuts: number;
  /** Strike grid step in dollars (SPY: 0.5 near the money, 1 further out). */
  readonly increment: number;
}

/**
 * Target strikes, nearest first.
 *
 * @example
 * ```ts
 * const { calls, puts }: StrikeSelection = computeStrikes({ opening: 600, nCalls: 1, nPuts: 1, increment: 1 }); // [601], [600]
 * ```
 */
export interface StrikeSelection {
  readonly calls: readonly number[];
  readonly puts: readonly number[];
}

// Relative tolerance for "is the opening exactly on a grid line": 593.3 / 0.1 = 5932.999…, which must count as 5933.
const GRID_EPSILON = 1e-9;

/**
 * The original's step-25 strike rule: `nCalls` strikes strictly above the opening price and `nPuts`
 * at or below it, on a grid of `increment`. When the opening lands exactly on a strike, that strike
 * is a put and calls start one increment up, so the two sides never share a strike.
 *
 * @example
 * ```ts
 * computeStrikes({ opening: 593.88, nCalls: 2, nPuts: 2, increment: 0.5 });
 * // { calls: [594, 594.5], puts: [593.5, 593] }
 * ```
 */
export function computeStrikes(request: StrikeRequest): StrikeSelection {
  const { opening, nCalls, nPuts, increment } = request;
  if (!(Number.isFinite(opening) && opening > 0)) throw new SpyglassError('INVALID_ARGUMENT', `computeStrikes: opening ${opening} must be a positive price`);
  if (!(Number.isFinite(increment) && increment > 0)) throw new SpyglassError('INVALID_ARGUMENT', `computeStrikes: increment ${increment} must be positive`);
  for (const [name, n] of [['nCalls', nCalls], ['nPuts', nPuts]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new SpyglassError('INVALID_ARGUMENT', `computeStrikes: ${name} ${n} must be a non-negative integer`);
  }
  const k = opening / increment;
  // Index of the highest grid strike <= opening, immune to binary-fraction noise on exact boundaries.
  const atOrBelow = Math.floor(k + GRID_EPSILON * Math.max(1, Math.abs(k)));
  const calls = Array.from({ length: nCalls }, (_, i) => toStrike(atOrBelow + 1 + i, increment));
  const puts = Array.from({ length: nPuts }, (_, i) => toStrike(atOrBelow - i, increment)).filter((s) => s > 0);
  return { calls, puts };
}

/**
 * Strike bounds of the ±`range` discovery mode, `range` a fraction of the opening (0.01 = ±1 %,
 * the original's step 12: list every contract within ±1 % of the opening).
 *
 * @example
 * ```ts
 * discoveryStrikeRange(600, 0.01); // { strikeGte: 594, strikeLte: 606 }
 * ```
 */
export function discoveryStrikeRange(opening: number, range: number): { strikeGte: number; strikeLte: number } {
  if (!(Number.isFinite(opening) && opening > 0)) throw new SpyglassError('INVALID_ARGUMENT', `discoveryStrikeRange: opening ${opening} must be a positive price`);
  // A percent passed where the fraction belongs (1 for ±1 %) would list every strike down to 0: refused.
  if (!(Number.isFinite(range) && range >= 0 && range < 1)) {
    throw new SpyglassError('INVALID_ARGUMENT', `discoveryStrikeRange: range ${range} must be a fraction in [0, 1) (0.01 = ±1 %)`);
  }
  return { strikeGte: roundCents(opening * (1 - range)), strikeLte: roundCents(opening * (1 + range)) };
}

/**
 * True when two strikes are the same contract strike (1/10-cent tolerance, as floats drift).
 *
 * @example
 * ```ts
 * sameStrike(593.5, 593.4999999); // true
 * ```
 */
export function sameStrike(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.001;
}

function toStrike(index: number, increment: number): number {
  // Round to 1/1000 (the OCC resolution) so 1187 * 0.5 prints as 593.5, not 593.4999999.
  return Math.round(index * increment * 1000) / 1000;
}

function roundCents(x: number): number {
  return Math.round(x * 100) / 100;
}
