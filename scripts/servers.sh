#!/usr/bin/env bash
# Starts, stops or reports the test servers: Cassandra and Elasticsearch unless named (stop also stops
# the HTTPS node and the compatibility nodes).
#   scripts/servers.sh start|stop|status [NAME]...
#   scripts/servers.sh nodetool CASSANDRA_NAME COMMAND [ARGUMENT]...   (nodetool against a running node)
# NAME: a node of scripts/nodes.sh, which gives each its script, version and ports: cassandra,
# elasticsearch, elasticsearch-tls, elasticsearch-9, cassandra-4, opensearch-2, opensearch-3 or
# opensearch-tls. elasticsearch-tls is the HTTPS node for the TLS tests; opensearch-tls is its
# OpenSearch counterpart, OpenSearch 2.19.4 with the security plugin. The compatibility nodes
# (elasticsearch-9, cassandra-4, opensearch-2, opensearch-3) run beside the default ones on ports of
# their own, which variables move (ES9_PORT, CASSANDRA4_PORT, OS2_PORT...: see scripts/nodes.sh).
# Each server script's own environment variables apply too (ES_USERNAME, OPENSEARCH_HEAP...).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=scripts/nodes.sh
source "$here/nodes.sh"
action=${1:-}

if [ "$action" = nodetool ]; then
  name=${2:-}
  if ! node_words "$name" >/dev/null 2>&1 || [ "$(node_script "$name")" != cassandra ] || [ $# -lt 3 ]; then
    echo "[servers] usage: scripts/servers.sh nodetool cassandra|cassandra-4 COMMAND [ARGUMENT]..." >&2
    exit 1
  fi
  mapfile -t environment < <(node_environment "$name")
  exec env "${environment[@]}" bash "$here/cassandra.sh" nodetool "${@:3}"
fi

servers=("${@:2}")
if [ ${#servers[@]} -eq 0 ]; then
  servers=(cassandra elasticsearch)
  # The test command may have started the HTTPS node too; a plain stop leaves nothing running.
  [ "$action" != stop ] || mapfile -t servers < <(node_names)
fi

known=$(node_names | paste -sd ' ')
for server in "${servers[@]}"; do
  node_words "$server" >/dev/null || {
    echo "[servers] error: unknown server '$server' (one of: $known)" >&2
    exit 1
  }
done

# Runs one server's script with the action, in the environment of its line in nodes.sh.
server_script() {
  local environment
  mapfile -t environment < <(node_environment "$1")
  env "${environment[@]}" bash "$here/$(node_script "$1").sh" "$2"
}

case $action in
  start)
    # Both start at once: each spends most of its start-up waiting on its own JVM.
    pids=()
    for server in "${servers[@]}"; do
      server_script "$server" start &
      pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    exit $failed
    ;;
  stop)
    failed=0
    for server in "${servers[@]}"; do server_script "$server" stop || failed=1; done
    exit $failed
    ;;
  status)
    failed=0
    for server in "${servers[@]}"; do server_script "$server" status || failed=1; done
    exit $failed
    ;;
  *)
    echo "[servers] usage: scripts/servers.sh start|stop|status [NAME]... (NAME: one of $known)," \
      "or scripts/servers.sh nodetool cassandra|cassandra-4 COMMAND [ARGUMENT]..." >&2
    exit 1
    ;;
esac
