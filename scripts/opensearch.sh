#!/usr/bin/env bash
# Starts, stops and reports a single-node OpenSearch from Maven Central's integ-test-zip.
#   scripts/opensearch.sh start|stop|status
# Environment: SYNCED_OPENSEARCH_MAJOR (2, the default, runs 2.19.6; 3 runs 3.6.0, which needs a JDK
# 21 or newer), OPENSEARCH_PORT (HTTP, default 29200 for 2.x and 39200 for 3.x), OPENSEARCH_TRANSPORT_PORT
# (default 29300 and 39300), OPENSEARCH_HEAP (default 384m), OPENSEARCH_START_TIMEOUT (seconds, default
# 180). Each major has its own config, data, logs and pid file, so a 2.x and a 3.x node can run side
# by side. The zip has no security plugin: plain HTTP and no login. OpenSearch refuses to run as root,
# so as root the server runs as the unprivileged user synced-es (shared with Elasticsearch), which
# this script creates.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/search-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/search-node.sh"

PRODUCT=opensearch ENV_PREFIX=OPENSEARCH HOME_PROPERTY=opensearch.path.home MAJOR_VARIABLE=SYNCED_OPENSEARCH_MAJOR
# Default ports per major, the same as servers.sh's opensearch-2 and opensearch-3, so that either
# major started from this script alone takes none of Elasticsearch's ports or the other's.
case "${SYNCED_OPENSEARCH_MAJOR:-2}" in
  # OpenSearch 2 installs the Security Manager at start, which JDK 24 removed.
  2) VERSION=2.19.6 MIN_JAVA=17 MAX_JAVA=23 default_port=29200 default_transport_port=29300 ;;
  3) VERSION=3.6.0 MIN_JAVA=21 MAX_JAVA="" default_port=39200 default_transport_port=39300 ;;
  *) die "SYNCED_OPENSEARCH_MAJOR must be 2 or 3, not '${SYNCED_OPENSEARCH_MAJOR}'" ;;
esac
SUFFIX="" SCHEME=http PORT_VARIABLE=OPENSEARCH_PORT
HTTP_PORT=${OPENSEARCH_PORT:-$default_port}
TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-$default_transport_port}
HEAP=${OPENSEARCH_HEAP:-384m}
START_TIMEOUT=${OPENSEARCH_START_TIMEOUT:-180}
NODE=opensearch-${VERSION%%.*}
LABEL=OpenSearch
CLUSTER=synced-test-$NODE
set_paths

configure() {
  prepare_node_dirs
  cat >"$CONF_DIR/opensearch.yml" <<EOF
# Written by scripts/opensearch.sh: a single loopback node for tests.
cluster.name: $CLUSTER
node.name: $CLUSTER-node
discovery.type: single-node
network.host: 127.0.0.1
http.port: $HTTP_PORT
transport.port: $TRANSPORT_PORT
path.data: $DATA_DIR
path.logs: $LOG_DIR
# Tests delete their per-run indices by pattern.
action.destructive_requires_name: false
# Smaller than the 100mb default, as on the Elasticsearch node, so a test can build a Cassandra row
# that is too large for the search server.
http.max_content_length: 6mb
# A nearly full developer disk must not turn the test indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  own_node_files
}

ready() {
  curl -fsS -m 5 "$SCHEME://127.0.0.1:$HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" |
    grep -qE '"status":"(yellow|green)"'
}

node_main "$@"
