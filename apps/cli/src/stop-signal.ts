/**
 * An AbortSignal that SIGINT or SIGTERM aborts (its reason is the signal's name), for commands that
 * stop cleanly: finish or abandon the unit in flight, keep checkpoints intact, exit with one line.
 * A second signal exits at once.
 *
 * @example
 * ```ts
 * const stop = stopOnSignal();
 * try { await ingestion.backfill('stocks', { ...req, signal: stop.signal }); } finally { stop.dispose(); }
 * ```
 */
export function stopOnSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const on = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(exitCodeOf(sig));
    ac.abort(sig);
  };
  const onInt = () => on('SIGINT');
  const onTerm = () => on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

/** 128 + the signal number, as shells report a process ended by that signal. */
export const exitCodeOf = (sig: NodeJS.Signals): number => (sig === 'SIGINT' ? 130 : 143);

/**
 * Ends a command stopped by a signal: one line on stderr, exit 130 (SIGINT) or 143 (SIGTERM).
 *
 * @example
 * ```ts
 * if (stop.signal.aborted) exitStopped(stop.signal.reason, 'backfill');
 * ```
 */
export function exitStopped(sig: NodeJS.Signals, command: string): never {
  process.stderr.write(`spyglass: STOPPED: ${command} stopped by ${sig}; completed days are checkpointed, run again with --resume to continue\n`);
  process.exit(exitCodeOf(sig));
}
