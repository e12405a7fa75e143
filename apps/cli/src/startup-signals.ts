import { exitCodeOf } from './stop-signal.js';

/**
 * SIGINT/SIGTERM for the whole life of the process, installed before the commands' modules load.
 * A command that handles signals itself (`stopOnSignal`, a server's own stop) adds its listener
 * and this one steps aside; without one, the process ends with one line and 130/143, as the
 * default action would have ended it, plus the line.
 *
 * It is never removed: a signal that arrives while the main thread evaluates modules is queued
 * and dispatched later, and once its listener was taken off in the meantime, Node had already
 * replaced the default action, so the signal did nothing (a SIGTERM 4 s into `backfill` on a
 * loaded machine was lost and the year-long run went on for 300 s).
 *
 * @example
 * ```ts
 * const signals = installStartupSignals();
 * const { runCli } = await import('./cli.js');
 * signals.started();
 * await runCli(process.argv);
 * ```
 */
export function installStartupSignals(): { started(): void } {
  let started = false;
  const on = (sig: NodeJS.Signals): void => {
    // This listener was installed first, so it runs before a command's (a `once` one included).
    if (process.listenerCount(sig) > 1) return;
    process.stderr.write(started ? `spyglass: STOPPED: stopped by ${sig}\n` : `spyglass: STOPPED: stopped by ${sig} while starting; nothing was run\n`);
    process.exit(exitCodeOf(sig));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { started: () => void (started = true) };
}
