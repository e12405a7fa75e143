#!/usr/bin/env bash
# The README's main-job command (`npm run demo`): set-up, build, then the whole pipeline on the
# embedded exchange simulator: backfill -> consolidate -> features -> train -> evaluate -> report.
# Extra arguments go to `spyglass demo` (e.g. `npm run demo -- --days 3 --data-root /tmp/spy`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --for demo
npx tsc -b tsconfig.json
node apps/cli/bin/spyglass.js demo "$@"
