#!/usr/bin/env node
// The `spyglass` command's entry. Loading the commands' modules (DuckDB, parquet-wasm, the XGBoost
// bindings) takes a moment; a SIGINT/SIGTERM in that window gets its one line and exit code like a
// signal at any other time, instead of a silent 143.
import { exitCodeOf } from './stop-signal.js';

const onStartupSignal = (sig: NodeJS.Signals): void => {
  process.stderr.write(`spyglass: STOPPED: stopped by ${sig} while starting; nothing was run\n`);
  process.exit(exitCodeOf(sig));
};
process.once('SIGINT', onStartupSignal);
process.once('SIGTERM', onStartupSignal);

const { runCli } = await import('./cli.js');
process.off('SIGINT', onStartupSignal);
process.off('SIGTERM', onStartupSignal);
await runCli(process.argv);
