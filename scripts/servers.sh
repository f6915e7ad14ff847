#!/usr/bin/env bash
# Starts, stops or reports both test servers.
#   scripts/servers.sh start|stop|status [cassandra|elasticsearch]
# Each server script's own environment variables apply (CASSANDRA_PORT, ES_PORT, SYNCED_ES_MAJOR...).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
action=${1:-}
servers=("${@:2}")
[ ${#servers[@]} -gt 0 ] || servers=(cassandra elasticsearch)

for server in "${servers[@]}"; do
  case $server in
    cassandra | elasticsearch) ;;
    *)
      echo "[servers] error: unknown server '$server' (cassandra or elasticsearch)" >&2
      exit 1
      ;;
  esac
done

case $action in
  start)
    # Both start at once: each spends most of its start-up waiting on its own JVM.
    pids=()
    for server in "${servers[@]}"; do
      bash "$here/$server.sh" start &
      pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    exit $failed
    ;;
  stop)
    failed=0
    for server in "${servers[@]}"; do bash "$here/$server.sh" stop || failed=1; done
    exit $failed
    ;;
  status)
    failed=0
    for server in "${servers[@]}"; do bash "$here/$server.sh" status || failed=1; done
    exit $failed
    ;;
  *)
    echo "[servers] usage: scripts/servers.sh start|stop|status [cassandra|elasticsearch]" >&2
    exit 1
    ;;
esac
