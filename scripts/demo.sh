#!/usr/bin/env bash
# The demo (`npm run demo`): installs, builds, starts both servers and shows them ready.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
bash scripts/servers.sh start
bash scripts/servers.sh status
