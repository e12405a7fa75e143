/**
 * Whether process `pid` exists on this machine. Signal 0 probes without delivering anything;
 * `EPERM` means it exists but belongs to another user, so it counts as alive (a lock or temp file
 * of a live writer must never be taken for stale).
 *
 * @example
 * ```ts
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
