#!/usr/bin/env bash
# Starts, stops and reports a single-node Elasticsearch from Maven Central's integ-test-zip.
#   scripts/elasticsearch.sh start|stop|status
# Environment: ES_PORT (HTTP, default 9200), ES_TRANSPORT_PORT (default 9300), ES_USERNAME and
# ES_PASSWORD (the login the server requires, default synced / synced-secret), ES_HEAP (default 512m,
# at most 1g), ES_START_TIMEOUT (seconds, default 180), SYNCED_ES_MAJOR=9 to run 9.x instead of 8.x
# (needs a JDK 21 or newer). Elasticsearch refuses to run as root, so as root the server runs as the
# unprivileged user synced-es, which this script creates.
# ES_TLS=1 starts, stops or reports a second node instead, with HTTPS only, for the TLS tests: its own
# config, data, logs and pid file, ES_TLS_PORT (HTTP, default 9201), ES_TLS_TRANSPORT_PORT (default
# 9301), ES_TLS_HEAP (default 384m), the same login, and the certificates of scripts/certs.sh. It asks
# for a client certificate and checks one that is shown, but does not require one.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${SYNCED_ES_MAJOR:-8}" in
  8) ES_VERSION=8.19.21 MIN_JAVA=17 ;;
  9) ES_VERSION=9.3.2 MIN_JAVA=21 ;;
  *) die "SYNCED_ES_MAJOR must be 8 or 9, not '${SYNCED_ES_MAJOR}'" ;;
esac
ES_MAJOR=${ES_VERSION%%.*}
case "${ES_TLS:-0}" in
  0)
    TLS=0 NODE=elasticsearch SUFFIX="" SCHEME=http PORT_VARIABLE=ES_PORT
    HTTP_PORT=${ES_PORT:-9200} TRANSPORT_PORT=${ES_TRANSPORT_PORT:-9300} HEAP=${ES_HEAP:-512m}
    ;;
  1)
    TLS=1 NODE=elasticsearch-tls SUFFIX=-tls SCHEME=https PORT_VARIABLE=ES_TLS_PORT
    HTTP_PORT=${ES_TLS_PORT:-9201} TRANSPORT_PORT=${ES_TLS_TRANSPORT_PORT:-9301} HEAP=${ES_TLS_HEAP:-384m}
    ;;
  *) die "ES_TLS must be 0 or 1, not '${ES_TLS}'" ;;
esac
CLUSTER=synced-test$SUFFIX
LABEL="Elasticsearch${SUFFIX:+ (TLS)}"
USERNAME=${ES_USERNAME:-synced}
PASSWORD=${ES_PASSWORD:-synced-secret}
START_TIMEOUT=${ES_START_TIMEOUT:-180}
RUN_USER=synced-es
ZIP=$DOWNLOADS_DIR/elasticsearch-$ES_VERSION.zip
ZIP_URL=$MAVEN_CENTRAL/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip

LINK_DIR=$SERVERS_DIR/elasticsearch

# Paths are resolved through the link (see place_es_dir) because the server reports its real home
# path on its command line, and that is what identifies it.
set_paths() {
  ES_DIR=$(readlink -f "$LINK_DIR" 2>/dev/null || printf '%s' "$LINK_DIR")
  HOME_DIR=$ES_DIR/home-$ES_VERSION
  CONF_DIR=$ES_DIR/config-$ES_MAJOR$SUFFIX
  # Each major keeps its own data (9.x data cannot be read by 8.x again), logs and pid, so an 8.x
  # and a 9.x server can run side by side on different ports; so does the TLS node.
  DATA_DIR=$ES_DIR/data-$ES_MAJOR$SUFFIX
  LOG_DIR=$ES_DIR/logs-$ES_MAJOR$SUFFIX
  RUN_DIR=$ES_DIR/run
  PID_FILE=$RUN_DIR/elasticsearch-$ES_MAJOR$SUFFIX.pid
  # Both nodes run from the same home, so the TLS node carries a property of its own (see start).
  if [ "$TLS" = 1 ]; then
    MARKER=-Dsynced.node=$CONF_DIR
  else
    MARKER=-Des.path.home=$HOME_DIR
  fi
}
set_paths

as_root() { [ "$(id -u)" -eq 0 ]; }

run_as_server_user() {
  if as_root; then
    runuser -u "$RUN_USER" -- "$@"
  else
    "$@"
  fi
}

ensure_run_user() {
  as_root || return 0
  id "$RUN_USER" >/dev/null 2>&1 && return 0
  log "creating the unprivileged user $RUN_USER to run Elasticsearch"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER"
}

# The server user must reach its files. A checkout inside a private folder (such as /root) is out of
# its reach, so the files then live in a folder of their own and .servers/elasticsearch links there.
place_es_dir() {
  mkdir -p "$SERVERS_DIR"
  if [ -L "$LINK_DIR" ] || ! as_root || runuser -u "$RUN_USER" -- test -x "$SERVERS_DIR"; then
    mkdir -p "$LINK_DIR/"
    return 0
  fi
  local elsewhere
  elsewhere=/var/tmp/synced-servers-$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)/elasticsearch
  log "$SERVERS_DIR is private to root; keeping Elasticsearch files in $elsewhere"
  mkdir -p "$elsewhere"
  chmod 755 "$(dirname "$elsewhere")"
  rm -rf "$LINK_DIR"
  ln -s "$elsewhere" "$LINK_DIR"
}

install_es() {
  [ -f "$HOME_DIR/.complete" ] && return 0
  ensure_unzip
  mkdir -p "$DOWNLOADS_DIR"
  if [ ! -s "$ZIP" ]; then
    log "downloading Elasticsearch $ES_VERSION (integ-test-zip) from Maven Central (first run only)"
    curl -fsSL --retry 3 -o "$ZIP.part" "$ZIP_URL" || die "download failed: $ZIP_URL"
    mv "$ZIP.part" "$ZIP"
  fi
  rm -rf "$HOME_DIR" "$ES_DIR/unpack"
  mkdir -p "$ES_DIR/unpack"
  unzip -q "$ZIP" -d "$ES_DIR/unpack"
  mv "$ES_DIR/unpack/elasticsearch-$ES_VERSION" "$HOME_DIR"
  rmdir "$ES_DIR/unpack"
  touch "$HOME_DIR/.complete"
}

configure() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
  cp -r "$HOME_DIR/config/." "$CONF_DIR/"
  cat >"$CONF_DIR/elasticsearch.yml" <<EOF
# Written by scripts/elasticsearch.sh: a single loopback node for tests and the demo.
cluster.name: $CLUSTER
node.name: $CLUSTER-node
discovery.type: single-node
network.host: 127.0.0.1
http.port: $HTTP_PORT
transport.port: $TRANSPORT_PORT
path.data: $DATA_DIR
path.logs: $LOG_DIR
# Logins are required, as on production clusters. One loopback node needs no TLS between nodes.
xpack.security.enabled: true
xpack.security.transport.ssl.enabled: false
$(http_tls_settings)
xpack.security.authc.realms.file.file1.order: 0
# Tests delete their per-run indices by pattern.
action.destructive_requires_name: false
# Smaller than the 100mb default, so a test can build a Cassandra row (from several mutations, each
# under Cassandra's limit) that is too large for Elasticsearch.
http.max_content_length: 6mb
# A nearly full developer disk must not turn the test indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  [ "$TLS" = 0 ] || copy_certs
  as_root && chown -R "$RUN_USER" "$HOME_DIR" "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
  # A file-realm superuser: no running cluster is needed to create it, unlike a native user.
  run_as_server_user env ES_JAVA_HOME="$1" ES_PATH_CONF="$CONF_DIR" \
    "$HOME_DIR/bin/elasticsearch-users" useradd "$USERNAME" -p "$PASSWORD" -r superuser >/dev/null 2>&1 ||
    run_as_server_user env ES_JAVA_HOME="$1" ES_PATH_CONF="$CONF_DIR" \
      "$HOME_DIR/bin/elasticsearch-users" passwd "$USERNAME" -p "$PASSWORD" >/dev/null ||
    die "could not create the Elasticsearch user $USERNAME"
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

start() {
  local pid java_home status=0
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    log "$LABEL already running (pid $pid); waiting until it is healthy"
  else
    port_in_use "$HTTP_PORT" &&
      die "port $HTTP_PORT is taken by a process these scripts did not start; stop it or set $PORT_VARIABLE"
    if [ "$MIN_JAVA" -le 17 ]; then
      java_home=$(ensure_java17) || die "no Java 17 or newer found"
    else
      java_home=$(find_java_home "$MIN_JAVA") ||
        die "Elasticsearch $ES_VERSION needs a JDK $MIN_JAVA or newer; install one or unset SYNCED_ES_MAJOR"
    fi
    # The plain and the TLS node may start at once and share the user, the folder and the unpacked
    # home: one sets them up while the other waits.
    mkdir -p "$SERVERS_DIR"
    (
      flock 9
      ensure_run_user
      place_es_dir
      set_paths
      install_es
    ) 9>"$SERVERS_DIR/.elasticsearch-setup.lock"
    set_paths
    configure "$java_home"
    log "starting $LABEL $ES_VERSION on $SCHEME://127.0.0.1:$HTTP_PORT (heap $HEAP, logs in $LOG_DIR)"
    rm -f "$PID_FILE"
    local java_opts="-Xms$HEAP -Xmx$HEAP"
    [ "$TLS" = 0 ] || java_opts="$java_opts $MARKER"
    # -d daemonizes once the node has started; setsid keeps it out of this shell's process group.
    run_as_server_user env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$CONF_DIR" \
      ES_JAVA_OPTS="$java_opts" \
      setsid "$HOME_DIR/bin/elasticsearch" -d -p "$PID_FILE" >"$LOG_DIR/startup.log" 2>&1 </dev/null || status=$?
    if [ "$status" -ne 0 ]; then
      print_log_tail "$LOG_DIR/startup.log" "$LOG_DIR/$CLUSTER.log"
      die "$LABEL failed to start (exit $status); its logs are above and in $LOG_DIR"
    fi
  fi
  local began=$SECONDS
  wait_until "$START_TIMEOUT" "$PID_FILE" "$MARKER" ready || status=$?
  case $status in
    0) log "$LABEL ready: cluster health yellow or green on $SCHEME://127.0.0.1:$HTTP_PORT after $((SECONDS - began))s" ;;
    *)
      print_log_tail "$LOG_DIR/startup.log" "$LOG_DIR/$CLUSTER.log"
      die "$LABEL did not become healthy within ${START_TIMEOUT}s; its logs are above and in $LOG_DIR"
      ;;
  esac
}

stop() {
  local pid
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    log "stopping $LABEL (pid $pid)"
    stop_pid "$pid" "$LABEL" 60
  else
    log "$LABEL is not running (no live process from $PID_FILE)"
  fi
  rm -f "$PID_FILE" 2>/dev/null || true
}

status() {
  local pid
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    if ready; then
      echo "$NODE: running, pid $pid, $ES_VERSION on $SCHEME://127.0.0.1:$HTTP_PORT"
    else
      echo "$NODE: starting, pid $pid, not healthy yet"
    fi
  else
    echo "$NODE: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/elasticsearch.sh start|stop|status" ;;
esac
