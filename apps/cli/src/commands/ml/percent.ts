// Rates printed by several `spyglass ml …` commands (precision, recall) as one-decimal percentages.

/**
 * A rate in [0, 1] as a one-decimal percentage; `n/a` when there is none (no signals) or it is not finite.
 *
 * @example
 * ```ts
 * pct(0.8125); // '81.3%'
 * pct(null);   // 'n/a'
 * ```
 */
export const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(1)}%`);
