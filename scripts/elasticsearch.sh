#!/usr/bin/env bash
# Starts, stops and reports a single-node Elasticsearch from Maven Central's integ-test-zip.
#   scripts/elasticsearch.sh start|stop|status
# Environment: ES_PORT (HTTP) and ES_TRANSPORT_PORT, by default the elasticsearch node's of
# scripts/nodes.sh; ES_USERNAME and ES_PASSWORD (the login the server requires, default synced /
# synced-secret), ES_HEAP (default 512m, at most 1g), ES_START_TIMEOUT (seconds, default 180), SYNCED_ES_MAJOR=9 to run 9.x instead of 8.x
# (needs a JDK 21 or newer). Elasticsearch refuses to run as root, so as root the server runs as the
# unprivileged user synced-es, which this script creates.
# ES_TLS=1 starts, stops or reports a second node instead, with HTTPS only, for the TLS tests: its own
# config, data, logs and pid file, ES_TLS_PORT (HTTP) and ES_TLS_TRANSPORT_PORT (by default the
# elasticsearch-tls node's), ES_TLS_HEAP (default 384m), the same login, and the certificates of
# scripts/certs.sh. It asks for a client certificate and checks one that is shown, but does not require one.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/search-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/search-node.sh"
# shellcheck source=scripts/nodes.sh
source "$(dirname "${BASH_SOURCE[0]}")/nodes.sh"

PRODUCT=elasticsearch ENV_PREFIX=ES HOME_PROPERTY=es.path.home MAJOR_VARIABLE=SYNCED_ES_MAJOR
case "${SYNCED_ES_MAJOR:-8}" in
  8) VERSION=8.19.21 MIN_JAVA=17 ;;
  9) VERSION=9.3.2 MIN_JAVA=21 ;;
  *) die "SYNCED_ES_MAJOR must be 8 or 9, not '${SYNCED_ES_MAJOR}'" ;;
esac
MAX_JAVA=""
case "${ES_TLS:-0}" in
  0)
    TLS=0 NODE=elasticsearch SUFFIX="" SCHEME=http PORT_VARIABLE=ES_PORT
    HTTP_PORT=${ES_PORT:-$(node_setting elasticsearch ES_PORT)}
    TRANSPORT_PORT=${ES_TRANSPORT_PORT:-$(node_setting elasticsearch ES_TRANSPORT_PORT)} HEAP=${ES_HEAP:-512m}
    ;;
  1)
    TLS=1 NODE=elasticsearch-tls SUFFIX=-tls SCHEME=https PORT_VARIABLE=ES_TLS_PORT
    HTTP_PORT=${ES_TLS_PORT:-$(node_setting elasticsearch-tls ES_TLS_PORT)}
    TRANSPORT_PORT=${ES_TLS_TRANSPORT_PORT:-$(node_setting elasticsearch-tls ES_TLS_TRANSPORT_PORT)}
    HEAP=${ES_TLS_HEAP:-384m}
    ;;
  *) die "ES_TLS must be 0 or 1, not '${ES_TLS}'" ;;
esac
CLUSTER=synced-test$SUFFIX
LABEL="Elasticsearch${SUFFIX:+ (TLS)}"
USERNAME=${ES_USERNAME:-synced}
PASSWORD=${ES_PASSWORD:-synced-secret}
START_TIMEOUT=${ES_START_TIMEOUT:-180}
set_paths

configure() {
  prepare_node_dirs
  cat >"$CONF_DIR/elasticsearch.yml" <<EOF
# Written by scripts/elasticsearch.sh: a single loopback node for tests and the demo.
$(node_settings)
# Logins are required, as on production clusters. One loopback node needs no TLS between nodes.
xpack.security.enabled: true
xpack.security.transport.ssl.enabled: false
$(http_tls_settings)
xpack.security.authc.realms.file.file1.order: 0
EOF
  [ "$TLS" = 0 ] || copy_certs
  own_node_files
  # A file-realm superuser: no running cluster is needed to create it, unlike a native user.
  run_as_server_user env ES_JAVA_HOME="$1" ES_PATH_CONF="$CONF_DIR" \
    "$HOME_DIR/bin/elasticsearch-users" useradd "$USERNAME" -p "$PASSWORD" -r superuser >/dev/null 2>&1 ||
    run_as_server_user env ES_JAVA_HOME="$1" ES_PATH_CONF="$CONF_DIR" \
      "$HOME_DIR/bin/elasticsearch-users" passwd "$USERNAME" -p "$PASSWORD" >/dev/null ||
    die "could not create the Elasticsearch user $USERNAME"
  least_privileged_users
}

# Users whose roles hold only what README's "Privileges" lists, for -i least_<name> and --state
# es:leaststate_<name>, and two that each lack one privilege of it: the tests run synced under them. File
# roles, since this distribution cannot keep native ones; each user takes the superuser's password
# hash (bcrypt salts its hash, which names no user), so no tool is started for them.
least_privileged_users() {
  local hash user
  cat >"$CONF_DIR/roles.yml" <<EOF
synced_least:
  cluster: [monitor]
  indices:
    - names: ["least_*"]
      privileges: [read, view_index_metadata, write, create_index, manage]
    - names: ["/leaststate_[a-z0-9_]+/", "/leaststate_[a-z0-9_]+-dead-letters/"]
      privileges: [read, view_index_metadata, write, create_index]
synced_least_reader:
  cluster: [monitor]
  indices:
    - names: ["least_*"]
      privileges: [read, view_index_metadata]
    - names: ["/leaststate_[a-z0-9_]+/", "/leaststate_[a-z0-9_]+-dead-letters/"]
      privileges: [read, view_index_metadata, write, create_index]
synced_least_no_letters:
  cluster: [monitor]
  indices:
    - names: ["least_*"]
      privileges: [read, view_index_metadata, write, create_index, manage]
    - names: ["/leaststate_[a-z0-9_]+/"]
      privileges: [read, view_index_metadata, write, create_index]
    - names: ["/leaststate_[a-z0-9_]+-dead-letters/"]
      privileges: [read, view_index_metadata]
EOF
  hash=$(grep "^$USERNAME:" "$CONF_DIR/users" | cut -d: -f2-) || die "no password hash for $USERNAME in $CONF_DIR/users"
  sed -i '/^synced-least/d' "$CONF_DIR/users"
  for user in synced-least synced-least-reader synced-least-no-letters; do
    printf '%s:%s\n' "$user" "$hash" >>"$CONF_DIR/users"
  done
  printf '%s\n' "superuser:$USERNAME" "synced_least:synced-least" "synced_least_reader:synced-least-reader" \
    "synced_least_no_letters:synced-least-no-letters" >"$CONF_DIR/users_roles"
  own_node_files
}

# Plain HTTP keeps the test clients of the main node simple; the TLS node serves HTTPS only.
http_tls_settings() {
  if [ "$TLS" = 0 ]; then
    echo "xpack.security.http.ssl.enabled: false"
    return 0
  fi
  printf '%s\n' \
    "xpack.security.http.ssl.enabled: true" \
    "xpack.security.http.ssl.key: certs/server.key" \
    "xpack.security.http.ssl.certificate: certs/server.crt" \
    "xpack.security.http.ssl.certificate_authorities: [certs/ca.crt]" \
    "# Asked for and checked against the test CA when shown, not required: tests connect both ways." \
    "xpack.security.http.ssl.client_authentication: optional"
}

# Elasticsearch reads TLS files only from inside its config folder.
copy_certs() {
  local certs_dir file
  certs_dir=$(bash "$REPO_ROOT/scripts/certs.sh") || die "could not make the test certificates"
  mkdir -p "$CONF_DIR/certs"
  for file in ca.crt server.crt server.key; do cp "$certs_dir/$file" "$CONF_DIR/certs/$file"; done
}

ready() {
  local ca=()
  [ "$TLS" = 0 ] || ca=(--cacert "$CONF_DIR/certs/ca.crt")
  curl -fsS -m 5 "${ca[@]}" -u "$USERNAME:$PASSWORD" \
    "$SCHEME://127.0.0.1:$HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" |
    grep -qE '"status":"(yellow|green)"'
}

node_main "$@"
