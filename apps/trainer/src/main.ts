#!/usr/bin/env node
// The trainer app's entry: the only file that reads argv and the environment. Exit codes follow the
// CLI's: 0 done, 1 a failure, 2 bad arguments or configuration.
import { isSpyglassError } from '@spyglass/core';
import { xgboostLibraryFromEnv } from '@spyglass/ml';
import { renderTrainerResult, runTrainer } from './run-trainer.js';
import { parseTrainerArgs, TRAINER_USAGE } from './trainer-args.js';

function fail(e: unknown): never {
  const line = isSpyglassError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`trainer: ${line.split('\n')[0]}\n`);
  process.exit(isSpyglassError(e, 'CONFIG', 'INVALID_ARGUMENT') ? 2 : 1);
}

// Queued folds outlive this process: with --queue, SIGTERM/SIGINT gives the run up so no worker
// trains them later (without it the default handling ends the process at once).
const stop = new AbortController();
const exitCodeOf = (sig: 'SIGTERM' | 'SIGINT') => (sig === 'SIGINT' ? 130 : 143);
try {
  const args = parseTrainerArgs(process.argv.slice(2));
  if (args.queue) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        stop.abort(sig);
        // Before the walk-forward stage nothing is queued and training would run on: end soon regardless.
        setTimeout(() => process.exit(exitCodeOf(sig)), 10_000).unref();
      });
    }
  }
  if (args.help) {
    process.stdout.write(`${TRAINER_USAGE}\n`);
  } else {
    const { libraryPath } = xgboostLibraryFromEnv(process.env);
    const result = await runTrainer(args, {
      env: process.env,
      signal: stop.signal,
      ...(libraryPath ? { xgboostLibraryPath: libraryPath } : {}),
      ...(args.json ? {} : { progress: (line: string) => process.stderr.write(`${line}\n`) }),
    });
    process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderTrainerResult(result)}\n`);
  }
} catch (e) {
  if (stop.signal.aborted) {
    const sig = stop.signal.reason as 'SIGTERM' | 'SIGINT';
    process.stderr.write(`trainer: STOPPED: stopped by ${sig}; the run's walk-forward folds still waiting in the queue were removed and the workers skip the rest\n`);
    process.exit(exitCodeOf(sig));
  }
  fail(e);
}
