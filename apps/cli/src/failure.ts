import { isSpyglassError } from '@spyglass/core';

/** Exit codes: 1 for any failure, 2 for usage and configuration errors, 3 for auth/entitlement. */
const exitCodeFor = (e: unknown): number =>
  isSpyglassError(e, 'AUTH_FAILED', 'NOT_ENTITLED') ? 3 : isSpyglassError(e, 'CONFIG', 'INVALID_ARGUMENT') ? 2 : 1;

/**
 * Prints one line saying what failed (with its code) and exits non-zero. Stack traces only with
 * `SPYGLASS_DEBUG=1`, so scripts get a stable, greppable reason.
 */
export function reportFailure(e: unknown): never {
  const line = isSpyglassError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`spyglass: ${line.split('\n')[0]}\n`);
  if (process.env.SPYGLASS_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(exitCodeFor(e));
}
