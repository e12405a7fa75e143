/**
 * Formats a duration for people: `850 ms`, `12.5 s`, `4.0 min`, `2.5 h`.
 *
 * @example
 * ```ts
 * fmtMs(90_000); // '90.0 s'
 * ```
 */
export function fmtMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
