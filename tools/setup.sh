#!/usr/bin/env bash
# Installs what a fresh machine lacks, once: npm packages (npm ci when the lockfile changed) and the
# Debian packages the tests and the main job use. As root with apt it installs them; otherwise it
# stops at once with the exact command to run. Usage: tools/setup.sh [--for demo|test]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${2:-test}"

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

# Debian packages: libxgboost0 (the XGBoost engine) for both; chromium (dashboard browser test) and
# python3-xgboost (model interop test) and redis-server (cluster tests) for the tests only.
need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1" || ls /usr/lib/*/"$1"* >/dev/null 2>&1; }
have_lib libxgboost.so.0 || need+=(libxgboost0)
if [ "$purpose" = "test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  /usr/bin/python3 -c 'import xgboost' >/dev/null 2>&1 || need+=(python3-xgboost)
  command -v redis-server >/dev/null || need+=(redis-server)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: apt-get install -y ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${need[*]}" >&2
    echo "setup: run: sudo apt-get install -y ${need[*]}   (then run this command again)" >&2
    exit 1
  fi
fi
