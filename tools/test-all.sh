#!/usr/bin/env bash
# The README's test command (`npm test`): set-up, module-boundary check, build + typecheck of every
# project, the JSDoc examples check, then every jest suite with coverage (tools/ holds the
# publish-and-consume and affected-set tests) and the per-library coverage table with its floors.
# Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --for test

echo "== module boundaries"
node tools/check-boundaries.mjs
echo "== build (tsc -b)"
npx tsc -b tsconfig.json
echo "== typecheck specs and benchmarks"
for p in libs/* apps/*; do
  (cd "$p" && npx tsc -p tsconfig.spec.json --noEmit) || { echo "typecheck failed in $p"; exit 1; }
done
npx tsc -p tools/tsconfig.json || { echo "typecheck failed in tools/"; exit 1; }
echo "== JSDoc @example blocks (compiled against the public entries)"
node --import tsx tools/docs/check-examples.ts
echo "== jest"
mkdir -p .ci-output
export SPYGLASS_ARTIFACTS_DIR="${SPYGLASS_ARTIFACTS_DIR:-$PWD/.ci-output}"
set +e
NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' \
  npx jest -c jest.config.cjs --ci --maxWorkers=2 --forceExit --coverage --json --outputFile=.ci-output/jest.json "$@"
rc=$?
set -e
# With a pattern ("$@") only some suites ran: the table is printed but the floors are not held.
if [ $# -eq 0 ]; then
  node tools/test-coverage/coverage-table.mjs || rc=1
else
  node tools/test-coverage/coverage-table.mjs || true
fi
node -e '
const r = require("./.ci-output/jest.json");
console.log(`suites: ${r.numPassedTestSuites} passed, ${r.numFailedTestSuites} failed`);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit $rc
