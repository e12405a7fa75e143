#!/usr/bin/env node
// The `spyglass` executable: runs the compiled CLI (build first: `npm run build` at the repo root).
// OpenMP's busy-waiting makes XGBoost far slower on small shared machines; passive waiting is the safe default.
process.env.OMP_WAIT_POLICY ??= 'passive';
await import('../dist/main.js');
