#!/usr/bin/env bash
# The long convergence check: rounds of seeded writers on both stores while synced runs again and
# again (with --faults, some runs killed or stopped at random moments), each round ending with every
# record compared with the oracle's winner. Starts the servers it needs and stops the ones it started.
#   scripts/convergence.sh [--rounds 5] [--operations 20000] [--ids 500] [--writers 6] [--duration 120]
#                          [--seed N] [--faults]
# Prints one JSON line per round and the totals; exits 1 when anything diverged or a run failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/nodes.sh
source scripts/nodes.sh

[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
npm run --silent build

started=()
stop_started() {
  local status=$?
  if [ ${#started[@]} -gt 0 ]; then bash scripts/servers.sh stop "${started[@]}" || true; fi
  exit "$status"
}
trap stop_started EXIT
if [ -z "${SYNCED_TEST_CASSANDRA:-}" ]; then
  bash scripts/servers.sh status cassandra >/dev/null 2>&1 || started+=(cassandra)
  export SYNCED_TEST_CASSANDRA=127.0.0.1:$(node_port cassandra)
fi
if [ -z "${SYNCED_TEST_ELASTICSEARCH:-}" ]; then
  bash scripts/servers.sh status elasticsearch >/dev/null 2>&1 || started+=(elasticsearch)
  export SYNCED_TEST_ELASTICSEARCH=http://127.0.0.1:$(node_port elasticsearch)
  export SYNCED_TEST_ES_USERNAME=${ES_USERNAME:-synced} SYNCED_TEST_ES_PASSWORD=${ES_PASSWORD:-synced-secret}
fi
[ ${#started[@]} -eq 0 ] || bash scripts/servers.sh start "${started[@]}"

node dist/test/reliability/convergence-main.js "$@"
