#!/usr/bin/env bash
# The test command (`npm test`): installs dependencies, builds, checks types, lint and format, starts
# the servers, runs the test tiers, and stops the servers it started, even when a test fails.
#   scripts/test.sh [unit] [integration]     (default: every tier)
# SYNCED_TEST_CASSANDRA=host:port and SYNCED_TEST_ELASTICSEARCH=url point the tests at servers that
# already run; the script then starts neither. The TLS tests also need the HTTPS Elasticsearch node and
# the certificates both servers use: the script starts that node (SYNCED_TEST_ES_TLS_URL) when it runs
# Cassandra itself, since the certificates (SYNCED_TEST_TLS_DIR) must be the ones Cassandra has. Set
# both variables to run those tests against servers started otherwise; without them they are skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(unit integration)

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[test] installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
echo "[test] building"
npm run --silent build
echo "[test] lint and format"
npm run --silent lint
bash scripts/lint-container.sh

needs_servers=0
for tier in "${tiers[@]}"; do
  [ -d "test/$tier" ] || {
    echo "[test] error: no test tier '$tier' (test/$tier does not exist)" >&2
    exit 1
  }
  [ "$tier" = unit ] || needs_servers=1
done

started=()
managed_es=0
stop_started() {
  local status=$?
  if [ ${#started[@]} -gt 0 ]; then bash scripts/servers.sh stop "${started[@]}" || true; fi
  exit "$status"
}
trap stop_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$needs_servers" = 1 ]; then
  to_start=()
  if [ -z "${SYNCED_TEST_CASSANDRA:-}" ] && [ -z "${SYNCED_TEST_ES_TLS_URL:-}" ]; then
    ES_TLS=1 bash scripts/elasticsearch.sh status >/dev/null 2>&1 || started+=(elasticsearch-tls)
    to_start+=(elasticsearch-tls)
    export SYNCED_TEST_ES_TLS_URL=https://127.0.0.1:${ES_TLS_PORT:-9201}
    SYNCED_TEST_TLS_DIR=$(bash scripts/certs.sh)
    export SYNCED_TEST_TLS_DIR
  fi
  if [ -z "${SYNCED_TEST_CASSANDRA:-}" ]; then
    bash scripts/cassandra.sh status >/dev/null 2>&1 || started+=(cassandra)
    to_start+=(cassandra)
    export SYNCED_TEST_CASSANDRA=127.0.0.1:${CASSANDRA_PORT:-9042}
  fi
  if [ -z "${SYNCED_TEST_ELASTICSEARCH:-}" ]; then
    managed_es=1
    bash scripts/elasticsearch.sh status >/dev/null 2>&1 || started+=(elasticsearch)
    to_start+=(elasticsearch)
    export SYNCED_TEST_ELASTICSEARCH=http://127.0.0.1:${ES_PORT:-9200}
    export SYNCED_TEST_ES_USERNAME=${ES_USERNAME:-synced} SYNCED_TEST_ES_PASSWORD=${ES_PASSWORD:-synced-secret}
  fi
  [ ${#to_start[@]} -eq 0 ] || bash scripts/servers.sh start "${to_start[@]}"
  # The servers these scripts run, which test/integration/restarts.test.ts may stop and start again.
  export SYNCED_TEST_RESTARTABLE="${to_start[*]}"
fi

files=()
for tier in "${tiers[@]}"; do
  while IFS= read -r file; do files+=("$file"); done < <(find "dist/test/$tier" -name '*.test.js' | sort)
done
[ ${#files[@]} -gt 0 ] || {
  echo "[test] error: no compiled tests found for: ${tiers[*]}" >&2
  exit 1
}
# The compatibility run: a representative part of the integration tier (both directions, conflicts,
# tombstones, layouts, every type, the state and dead-letter backends, verify) against Elasticsearch
# 9 as well, with the same 8.x client. Only where these scripts run the servers, and not when the
# default node is already 9. SYNCED_TEST_COMPAT=0 leaves it out.
COMPAT_FILES=(reconcile-both-directions concurrent-writes layouts-and-deletes values-roundtrip
  values-through-synced reconcile-precision state-contract dead-letter-contract smoke uppercase-ids verify)
compat=0
if [ "$needs_servers" = 1 ] && [ "$managed_es" = 1 ] && [ "${SYNCED_TEST_COMPAT:-1}" != 0 ] &&
  [ "${SYNCED_ES_MAJOR:-8}" = 8 ]; then
  compat=1
  bash scripts/servers.sh status elasticsearch-9 >/dev/null 2>&1 || started+=(elasticsearch-9)
  # It starts while the main tests run: on two cores its start-up costs less than a wait would.
  compat_log=$(mktemp)
  bash scripts/servers.sh start elasticsearch-9 >"$compat_log" 2>&1 &
  compat_start=$!
fi

echo "[test] running ${#files[@]} test files: ${tiers[*]}"
tree_snapshot=$(mktemp)
bash scripts/working-tree.sh snapshot "$tree_snapshot"
status=0
# One file at a time: the integration tests share two small servers on a 2-core machine.
# A hung test fails after five minutes instead of holding CI until its own limit.
node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec "${files[@]}" || status=$?
if [ "$compat" = 1 ]; then
  if wait "$compat_start"; then
    compat_files=()
    for name in "${COMPAT_FILES[@]}"; do compat_files+=("dist/test/integration/$name.test.js"); done
    echo "[test] compatibility: ${#compat_files[@]} integration test files against Elasticsearch 9"
    SYNCED_TEST_ELASTICSEARCH=http://127.0.0.1:${ES9_PORT:-19200} \
      node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec "${compat_files[@]}" || status=$?
  else
    cat "$compat_log" >&2
    echo "[test] error: Elasticsearch 9 did not start for the compatibility run; its output is above" >&2
    status=1
  fi
  rm -f "$compat_log"
fi
bash scripts/working-tree.sh check "$tree_snapshot" || status=1
rm -f "$tree_snapshot"
exit "$status"
