#!/usr/bin/env node
// The `spyglass` command's entry. Loading the commands' modules (DuckDB, parquet-wasm, the XGBoost
// bindings) takes a moment; a SIGINT/SIGTERM in that window gets its one line and exit code like a
// signal at any other time, instead of a silent 143 (or, with a listener taken off too late, none).
import { installStartupSignals } from './startup-signals.js';

const signals = installStartupSignals();
const { runCli } = await import('./cli.js');
signals.started();
await runCli(process.argv);
