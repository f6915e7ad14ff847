# The test servers, one line a node. servers.sh starts, stops and reports them from here, test.sh and
# convergence.sh point the tests at them, and the server scripts take their default ports from here,
# so a node's port or version changes on its line and nowhere else. Sourced, never run.
# shellcheck shell=bash

# name, the script that runs it (scripts/<script>.sh), then the environment the script runs with: the
# version, the ports (the first is the one clients use), anything else. Each ${VARIABLE:-value} is
# the caller's VARIABLE when set (ES9_PORT=19250 moves the elasticsearch-9 node), else the value.
node_table() {
  cat <<EOF
cassandra          cassandra      SYNCED_CASSANDRA_VERSION=${SYNCED_CASSANDRA_VERSION:-5.0}  CASSANDRA_PORT=${CASSANDRA_PORT:-9042} CASSANDRA_STORAGE_PORT=${CASSANDRA_STORAGE_PORT:-7000} CASSANDRA_JMX_PORT=${CASSANDRA_JMX_PORT:-7199}
elasticsearch      elasticsearch  SYNCED_ES_MAJOR=${SYNCED_ES_MAJOR:-8}  ES_PORT=${ES_PORT:-9200} ES_TRANSPORT_PORT=${ES_TRANSPORT_PORT:-9300}  ES_TLS=0
elasticsearch-tls  elasticsearch  SYNCED_ES_MAJOR=${SYNCED_ES_MAJOR:-8}  ES_TLS_PORT=${ES_TLS_PORT:-9201} ES_TLS_TRANSPORT_PORT=${ES_TLS_TRANSPORT_PORT:-9301}  ES_TLS=1
elasticsearch-9    elasticsearch  SYNCED_ES_MAJOR=9  ES_PORT=${ES9_PORT:-19200} ES_TRANSPORT_PORT=${ES9_TRANSPORT_PORT:-19300}  ES_TLS=0
cassandra-4        cassandra      SYNCED_CASSANDRA_VERSION=4.1  CASSANDRA_PORT=${CASSANDRA4_PORT:-9142} CASSANDRA_STORAGE_PORT=${CASSANDRA4_STORAGE_PORT:-7100} CASSANDRA_JMX_PORT=${CASSANDRA4_JMX_PORT:-7299}  CASSANDRA_PARTITIONER=RandomPartitioner
opensearch-2       opensearch     SYNCED_OPENSEARCH_MAJOR=2  OPENSEARCH_PORT=${OS2_PORT:-29200} OPENSEARCH_TRANSPORT_PORT=${OS2_TRANSPORT_PORT:-29300}  OPENSEARCH_TLS=0
opensearch-3       opensearch     SYNCED_OPENSEARCH_MAJOR=3  OPENSEARCH_PORT=${OS3_PORT:-29202} OPENSEARCH_TRANSPORT_PORT=${OS3_TRANSPORT_PORT:-29302}  OPENSEARCH_TLS=0
opensearch-tls     opensearch     SYNCED_OPENSEARCH_MAJOR=2  OPENSEARCH_TLS_PORT=${OS_TLS_PORT:-29201} OPENSEARCH_TLS_TRANSPORT_PORT=${OS_TLS_TRANSPORT_PORT:-29301}  OPENSEARCH_TLS=1
EOF
}

# Every node's name, in the table's order.
node_names() {
  node_table | awk '{ print $1 }'
}

# The words of a node's line after its name; fails for a name the table does not have.
node_words() {
  local line
  line=$(node_table | awk -v name="$1" '$1 == name { $1 = ""; print substr($0, 2) }')
  [ -n "$line" ] || return 1
  printf '%s\n' "$line"
}

# The script that runs the node: scripts/<this>.sh.
node_script() {
  local words
  read -ra words <<<"$(node_words "$1")"
  printf '%s\n' "${words[0]}"
}

# The node's environment, one VARIABLE=value a line.
node_environment() {
  local words
  read -ra words <<<"$(node_words "$1")"
  printf '%s\n' "${words[@]:1}"
}

# The value of VARIABLE ($2) in the node's environment.
node_setting() {
  node_environment "$1" | awk -F= -v variable="$2" '$1 == variable { print $2; found = 1 } END { exit !found }'
}

# The port clients connect to: the node's first port.
node_port() {
  node_environment "$1" | awk -F= '$1 ~ /_PORT$/ { print $2; exit }'
}
