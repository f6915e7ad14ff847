#!/usr/bin/env bash
# The test command (`npm test`): installs dependencies, builds, checks types, lint and format, starts
# the servers, runs the test tiers, and stops the servers it started, even when a test fails.
#   scripts/test.sh [unit] [integration]     (default: every tier)
# SYNCED_TEST_CASSANDRA=host:port and SYNCED_TEST_ELASTICSEARCH=url point the tests at servers that
# already run; the script then starts neither. The TLS tests also need the HTTPS Elasticsearch node and
# the certificates both servers use: the script starts that node (SYNCED_TEST_ES_TLS_URL) when it runs
# Cassandra itself, since the certificates (SYNCED_TEST_TLS_DIR) must be the ones Cassandra has. Set
# both variables to run those tests against servers started otherwise; without them they are skipped.
# SYNCED_CASSANDRA_VERSION=4.1 runs every test against Cassandra 4.1 instead of 5.0 (scripts/cassandra.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/nodes.sh
source scripts/nodes.sh

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
managed_cassandra=0
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
    bash scripts/servers.sh status elasticsearch-tls >/dev/null 2>&1 || started+=(elasticsearch-tls)
    to_start+=(elasticsearch-tls)
    export SYNCED_TEST_ES_TLS_URL=https://127.0.0.1:$(node_port elasticsearch-tls)
    SYNCED_TEST_TLS_DIR=$(bash scripts/certs.sh)
    export SYNCED_TEST_TLS_DIR
  fi
  if [ -z "${SYNCED_TEST_CASSANDRA:-}" ]; then
    managed_cassandra=1
    bash scripts/servers.sh status cassandra >/dev/null 2>&1 || started+=(cassandra)
    to_start+=(cassandra)
    export SYNCED_TEST_CASSANDRA=127.0.0.1:$(node_port cassandra)
    # A 4.1 node of these scripts checks permissions (scripts/cassandra.sh).
    [ "${SYNCED_CASSANDRA_VERSION:-5.0}" != 4.1 ] || export SYNCED_TEST_CASSANDRA_AUTHORIZER=1
  fi
  if [ -z "${SYNCED_TEST_ELASTICSEARCH:-}" ]; then
    managed_es=1
    bash scripts/servers.sh status elasticsearch >/dev/null 2>&1 || started+=(elasticsearch)
    to_start+=(elasticsearch)
    export SYNCED_TEST_ELASTICSEARCH=http://127.0.0.1:$(node_port elasticsearch)
    export SYNCED_TEST_ES_USERNAME=${ES_USERNAME:-synced} SYNCED_TEST_ES_PASSWORD=${ES_PASSWORD:-synced-secret}
    # The node scripts/elasticsearch.sh starts has users of least privileges (least-privileges.test.ts).
    export SYNCED_TEST_ES_LEAST_USERS=1
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
# The compatibility runs: a representative part of the integration tier (both directions, conflicts,
# tombstones, layouts, every type, tables of any primary key (frozen key columns too), a table's
# ingest pipeline and routing, indices behind aliases, closed, refused, without a whole _source,
# blocked (by a template, or for reads and mapping changes) or allowing smaller pages, schema changes,
# shards sharing out an index, the state and dead-letter backends, verify, requests repeated after
# their answer was lost) against Elasticsearch 9 (with the same 8.x client), OpenSearch 2 and
# OpenSearch 3 (read through scroll contexts). Only where these scripts run the servers, and not when
# the default node is already 9. SYNCED_TEST_COMPAT=0 leaves
# them all out. With them, opensearch-tls.test.ts runs against OpenSearch with the security plugin
# (the opensearch-tls node, HTTPS and the tests' login).
COMPAT_FILES=(reconcile-both-directions concurrent-writes layouts-and-deletes values-roundtrip
  values-through-synced reconcile-precision state-contract dead-letter-contract smoke uppercase-ids verify
  search-products lost-page-answer lost-search-answer lost-lease-answer lost-state-answer any-key table-pipeline
  frozen-key table-routing schema-changes sharding bulk-answers settled-reads index-aliases index-creation
  index-source template-blocks index-blocks index-result-window checkpoint-coverage read-index-gone down-node exact-numbers created-schema)
# OpenSearch only, beside those: the fault trials and the convergence check, which read and write
# through OpenSearch's own client and its scroll reads, not the Elasticsearch client that 8 and 9 share.
# Both versions go through the same client and the same scroll reads, so each check runs against one
# of them (30 to 50 s each on the 2-core machine): the fault trials against 2, the convergence check
# against 3.
OPENSEARCH2_FILES=(faults)
OPENSEARCH3_FILES=(convergence)
# The same for Cassandra 4.1 (the cassandra-4 node, with the default Elasticsearch): the shapes both
# ways, conflicts, writes beside other applications (maxwritetime() and the transactions used without
# it), every type, tables of any primary key (the newest row of a key by ORDER BY; frozen key
# columns), the state and dead letters in Cassandra, plan and verify (which read current rows the
# 4.1 way), TLS, what differs on 4.1 (cassandra-41), and roles of README's grants on a node that
# checks permissions, which only this node does (cassandra-permissions). timestamp-index is left out: 4.1 has no
# storage-attached indexes, so those tests would only skip; cassandra-41 checks the refusal instead.
# The node partitions with RandomPartitioner (scripts/nodes.sh), so each of these runs also reads and
# splits that ring, shards (sharding) included.
CASSANDRA_COMPAT_FILES=(reconcile-both-directions concurrent-writes layouts-and-deletes values-roundtrip
  values-through-synced reconcile-precision state-contract dead-letter-contract verify plan tls cassandra-41 any-key
  frozen-key write-batches table-changed cassandra-permissions sharding static-columns)
compat_es=0
compat_cassandra=0
if [ "$needs_servers" = 1 ] && [ "${SYNCED_TEST_COMPAT:-1}" != 0 ]; then
  [ "$managed_es" = 0 ] || [ "${SYNCED_ES_MAJOR:-8}" != 8 ] || compat_es=1
  [ "$managed_cassandra" = 0 ] || [ "${SYNCED_CASSANDRA_VERSION:-5.0}" != 5.0 ] || compat_cassandra=1
fi
# Each compatibility node starts while the main tests run: on two cores its start-up costs less than
# a wait would.
start_compat_node() {
  bash scripts/servers.sh status "$1" >/dev/null 2>&1 || started+=("$1")
  bash scripts/servers.sh start "$1" >"$2" 2>&1 &
}
if [ "$compat_es" = 1 ]; then
  compat_log=$(mktemp)
  start_compat_node elasticsearch-9 "$compat_log"
  compat_start=$!
  opensearch2_log=$(mktemp)
  start_compat_node opensearch-2 "$opensearch2_log"
  opensearch2_start=$!
  opensearch3_log=$(mktemp)
  start_compat_node opensearch-3 "$opensearch3_log"
  opensearch3_start=$!
  opensearch_tls_log=$(mktemp)
  OPENSEARCH_USERNAME=$SYNCED_TEST_ES_USERNAME OPENSEARCH_PASSWORD=$SYNCED_TEST_ES_PASSWORD \
    start_compat_node opensearch-tls "$opensearch_tls_log"
  opensearch_tls_start=$!
fi
if [ "$compat_cassandra" = 1 ]; then
  cassandra_compat_log=$(mktemp)
  start_compat_node cassandra-4 "$cassandra_compat_log"
  cassandra_compat_start=$!
fi

echo "[test] running ${#files[@]} test files: ${tiers[*]}"
tree_snapshot=$(mktemp)
bash scripts/working-tree.sh snapshot "$tree_snapshot"
status=0
# One file at a time: the integration tests share two small servers on a 2-core machine.
# A hung test fails after five minutes instead of holding CI until its own limit.
# Each run's failures are printed again at the very end (failure_recap), where the end of a CI log
# shows them: the compatibility runs come after the main one and would push its failures out of view.
failure_recap=$(mktemp)
#   run_tests <label> <command>...
run_tests() {
  local label=$1 output code=0
  shift
  output=$(mktemp)
  "$@" | tee "$output" || code=$?
  if [ "$code" != 0 ]; then
    {
      echo "[test] $label: exit $code"
      # The spec reporter ends a run with its failing tests and their errors; a long list is cut.
      sed -n '/^✖ failing tests:/,$p' "$output" | head -n 120
    } >>"$failure_recap"
  fi
  rm -f "$output"
  return "$code"
}
run_tests "the test tiers (${tiers[*]})" \
  node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec "${files[@]}" || status=$?
# Runs integration files by name against a compatibility node, once it has started:
#   compat_run <start pid> <start log> <label> <VARIABLE=value>... -- <name>...
compat_run() {
  local start=$1 log=$2 label=$3
  shift 3
  local variables=() files=() name
  while [ "$1" != -- ]; do
    variables+=("$1")
    shift
  done
  shift
  if wait "$start"; then
    for name in "$@"; do files+=("dist/test/integration/$name.test.js"); done
    echo "[test] compatibility: ${#files[@]} integration test files against $label"
    run_tests "the compatibility run against $label" env "${variables[@]}" \
      node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec "${files[@]}" || status=1
  else
    cat "$log" >&2
    echo "[test] error: $label did not start for the compatibility run; its output is above" >&2
    status=1
  fi
  rm -f "$log"
}
# A search node's run also restarts that node in the middle of a run (restarts.test.ts), and only it.
#   search_compat_run <node> <port> <start pid> <start log> <label> [<more file>...]
search_compat_run() {
  local node=$1 port=$2 start=$3 log=$4 label=$5
  shift 5
  compat_run "$start" "$log" "$label" "SYNCED_TEST_ELASTICSEARCH=http://127.0.0.1:$port" \
    "SYNCED_TEST_SEARCH_NODE=$node" "SYNCED_TEST_RESTARTABLE=$node" -- "${COMPAT_FILES[@]}" restarts "$@"
}
if [ "$compat_es" = 1 ]; then
  search_compat_run elasticsearch-9 "$(node_port elasticsearch-9)" "$compat_start" "$compat_log" "Elasticsearch 9"
  search_compat_run opensearch-2 "$(node_port opensearch-2)" "$opensearch2_start" "$opensearch2_log" "OpenSearch 2" \
    "${OPENSEARCH2_FILES[@]}"
  search_compat_run opensearch-3 "$(node_port opensearch-3)" "$opensearch3_start" "$opensearch3_log" "OpenSearch 3" \
    "${OPENSEARCH3_FILES[@]}"
  # The node uses the certificates of scripts/certs.sh, whatever SYNCED_TEST_TLS_DIR says.
  SYNCED_TEST_TLS_DIR=$(bash scripts/certs.sh) compat_run "$opensearch_tls_start" "$opensearch_tls_log" \
    "OpenSearch with the security plugin" "SYNCED_TEST_OS_TLS_URL=https://127.0.0.1:$(node_port opensearch-tls)" \
    -- opensearch-tls
fi
if [ "$compat_cassandra" = 1 ]; then
  compat_run "$cassandra_compat_start" "$cassandra_compat_log" "Cassandra 4.1" \
    "SYNCED_TEST_CASSANDRA=127.0.0.1:$(node_port cassandra-4)" "SYNCED_TEST_CASSANDRA_AUTHORIZER=1" \
    -- "${CASSANDRA_COMPAT_FILES[@]}"
fi
bash scripts/working-tree.sh check "$tree_snapshot" || status=1
rm -f "$tree_snapshot"
if [ -s "$failure_recap" ]; then
  echo "[test] the failures of every run, again (each run's whole output is above):"
  cat "$failure_recap"
fi
rm -f "$failure_recap"
exit "$status"
