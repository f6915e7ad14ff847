#!/usr/bin/env bash
# Starts, stops or reports the test servers: Cassandra and Elasticsearch unless named (stop also stops
# the HTTPS node and the compatibility nodes).
#   scripts/servers.sh start|stop|status [NAME]...
# NAME: cassandra, elasticsearch, elasticsearch-tls, elasticsearch-9, cassandra-4, opensearch-2,
# opensearch-3 or opensearch-tls. elasticsearch-tls is the HTTPS node for the TLS tests
# (scripts/elasticsearch.sh with ES_TLS=1); opensearch-tls is its OpenSearch counterpart, OpenSearch
# 2.19.4 with the security plugin (scripts/opensearch.sh with OPENSEARCH_TLS=1), on OS_TLS_PORT
# (29201) and OS_TLS_TRANSPORT_PORT (29301). The compatibility nodes run beside the default ones on ports of their own:
# elasticsearch-9 (Elasticsearch 9) on ES9_PORT (19200) and ES9_TRANSPORT_PORT (19300); cassandra-4
# (Cassandra 4.1) on CASSANDRA4_PORT (9142), CASSANDRA4_STORAGE_PORT (7100) and CASSANDRA4_JMX_PORT
# (7299); opensearch-2 and opensearch-3 (scripts/opensearch.sh) on OS2_PORT (29200) and
# OS2_TRANSPORT_PORT (29300), OS3_PORT (29202) and OS3_TRANSPORT_PORT (29302). Each server script's
# own environment variables apply (CASSANDRA_PORT, ES_PORT, ES_TLS_PORT, SYNCED_ES_MAJOR,
# SYNCED_CASSANDRA_VERSION, OPENSEARCH_HEAP...).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
action=${1:-}
servers=("${@:2}")
if [ ${#servers[@]} -eq 0 ]; then
  servers=(cassandra elasticsearch)
  # The test command may have started the HTTPS node too; a plain stop leaves nothing running.
  [ "$action" != stop ] || servers+=(elasticsearch-tls elasticsearch-9 cassandra-4 opensearch-2 opensearch-3 opensearch-tls)
fi

for server in "${servers[@]}"; do
  case $server in
    cassandra | elasticsearch | elasticsearch-tls | elasticsearch-9 | cassandra-4 | opensearch-2 | opensearch-3 | opensearch-tls) ;;
    *)
      echo "[servers] error: unknown server '$server' (cassandra, elasticsearch, elasticsearch-tls, elasticsearch-9, cassandra-4, opensearch-2, opensearch-3 or opensearch-tls)" >&2
      exit 1
      ;;
  esac
done

# Runs one server's script with the action.
server_script() {
  case $1 in
    elasticsearch-tls) ES_TLS=1 bash "$here/elasticsearch.sh" "$2" ;;
    # The compatibility node: Elasticsearch 9 beside the default 8, on ports of its own.
    elasticsearch-9)
      SYNCED_ES_MAJOR=9 ES_TLS=0 ES_PORT=${ES9_PORT:-19200} ES_TRANSPORT_PORT=${ES9_TRANSPORT_PORT:-19300} \
        bash "$here/elasticsearch.sh" "$2"
      ;;
    # The other compatibility node: Cassandra 4.1 beside the default 5.0, on ports of its own.
    cassandra-4)
      SYNCED_CASSANDRA_VERSION=4.1 CASSANDRA_PORT=${CASSANDRA4_PORT:-9142} \
        CASSANDRA_STORAGE_PORT=${CASSANDRA4_STORAGE_PORT:-7100} CASSANDRA_JMX_PORT=${CASSANDRA4_JMX_PORT:-7299} \
        bash "$here/cassandra.sh" "$2"
      ;;
    # OpenSearch, each major on ports of its own beside Elasticsearch. Every port here lies below
    # Linux's ephemeral range (32768 and up), where an outgoing connection may hold it at any moment.
    opensearch-2)
      SYNCED_OPENSEARCH_MAJOR=2 OPENSEARCH_TLS=0 OPENSEARCH_PORT=${OS2_PORT:-29200} OPENSEARCH_TRANSPORT_PORT=${OS2_TRANSPORT_PORT:-29300} \
        bash "$here/opensearch.sh" "$2"
      ;;
    opensearch-3)
      SYNCED_OPENSEARCH_MAJOR=3 OPENSEARCH_TLS=0 OPENSEARCH_PORT=${OS3_PORT:-29202} OPENSEARCH_TRANSPORT_PORT=${OS3_TRANSPORT_PORT:-29302} \
        bash "$here/opensearch.sh" "$2"
      ;;
    opensearch-tls)
      SYNCED_OPENSEARCH_MAJOR=2 OPENSEARCH_TLS=1 OPENSEARCH_TLS_PORT=${OS_TLS_PORT:-29201} \
        OPENSEARCH_TLS_TRANSPORT_PORT=${OS_TLS_TRANSPORT_PORT:-29301} bash "$here/opensearch.sh" "$2"
      ;;
    *) ES_TLS=0 bash "$here/$1.sh" "$2" ;;
  esac
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
    echo "[servers] usage: scripts/servers.sh start|stop|status [cassandra|elasticsearch|elasticsearch-tls|elasticsearch-9|cassandra-4|opensearch-2|opensearch-3|opensearch-tls]..." >&2
    exit 1
    ;;
esac
