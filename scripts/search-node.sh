# A single-node search server from Maven Central's integ-test-zip, shared by elasticsearch.sh and
# opensearch.sh: its unprivileged user, its folder, its download, and start, stop and status.
# Sourced after lib.sh, never run.
# shellcheck shell=bash
#
# The server script sets, before it calls set_paths:
#   PRODUCT         elasticsearch or opensearch: Maven's group and artifact, the zip's folder, bin/$PRODUCT
#   ENV_PREFIX      ES or OPENSEARCH: the launcher reads ${ENV_PREFIX}_JAVA_HOME, _PATH_CONF, _JAVA_OPTS
#                   and _TMPDIR
#   HOME_PROPERTY   the system property in which the launcher passes the home folder to the JVM
#   VERSION, MIN_JAVA, MAX_JAVA (empty for no upper bound), MAJOR_VARIABLE (the setting that picks the
#   major version, for messages), SUFFIX (-tls for a second node from the same home, else empty),
#   NODE (its name in status), LABEL (in messages), CLUSTER, SCHEME, HTTP_PORT, PORT_VARIABLE, HEAP,
#   START_TIMEOUT
# and defines configure JAVA_HOME (writes the node's config with prepare_node_dirs and own_node_files)
# and ready (succeeds once cluster health is yellow or green), and may define install_plugins JAVA_HOME
# (adds plugins to the unpacked home, under the setup lock). node_main then runs the action.

# Elasticsearch and OpenSearch refuse to run as root; as root both run as this user.
RUN_USER=synced-es

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
  log "creating the unprivileged user $RUN_USER to run Elasticsearch and OpenSearch"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER"
}

# Paths are resolved through the link (see place_node_dir) because the server reports its real home
# path on its command line, and that is what identifies it.
set_paths() {
  LINK_DIR=$SERVERS_DIR/$PRODUCT
  MAJOR=${VERSION%%.*}
  NODE_DIR=$(readlink -f "$LINK_DIR" 2>/dev/null || printf '%s' "$LINK_DIR")
  HOME_DIR=$NODE_DIR/home-$VERSION
  # Each major keeps its own config, data (a later major's data cannot be read by an earlier one
  # again), logs and pid, so two majors can run side by side on different ports; so does a second
  # node of one major, by its suffix.
  CONF_DIR=$NODE_DIR/config-$MAJOR$SUFFIX
  DATA_DIR=$NODE_DIR/data-$MAJOR$SUFFIX
  LOG_DIR=$NODE_DIR/logs-$MAJOR$SUFFIX
  # The JVM's temporary files: without a folder of our own each start leaves one behind in /tmp.
  TMP_DIR=$NODE_DIR/tmp-$MAJOR$SUFFIX
  RUN_DIR=$NODE_DIR/run
  PID_FILE=$RUN_DIR/$PRODUCT-$MAJOR$SUFFIX.pid
  # A second node runs from the same home as the first, so it carries a property of its own (see
  # launch_node).
  if [ -n "$SUFFIX" ]; then
    MARKER=-Dsynced.node=$CONF_DIR
  else
    MARKER=-D$HOME_PROPERTY=$HOME_DIR
  fi
}

# The server user must reach its files. A checkout inside a private folder (such as /root) is out of
# its reach, so the files then live in a folder of their own and .servers/$PRODUCT links there.
place_node_dir() {
  mkdir -p "$SERVERS_DIR"
  if [ -L "$LINK_DIR" ] || ! as_root || runuser -u "$RUN_USER" -- test -x "$SERVERS_DIR"; then
    mkdir -p "$LINK_DIR/"
    return 0
  fi
  local elsewhere
  elsewhere=/var/tmp/synced-servers-$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)/$PRODUCT
  log "$SERVERS_DIR is private to root; keeping the $PRODUCT files in $elsewhere"
  mkdir -p "$elsewhere"
  chmod 755 "$(dirname "$elsewhere")"
  rm -rf "$LINK_DIR"
  ln -s "$elsewhere" "$LINK_DIR"
}

# Elasticsearch and OpenSearch publish the same zip under their own group on Maven Central.
install_home() {
  [ -f "$HOME_DIR/.complete" ] && return 0
  ensure_unzip
  local zip=$DOWNLOADS_DIR/$PRODUCT-$VERSION.zip
  local url=$MAVEN_CENTRAL/org/$PRODUCT/distribution/integ-test-zip/$PRODUCT/$VERSION/$PRODUCT-$VERSION.zip
  mkdir -p "$DOWNLOADS_DIR"
  if [ ! -s "$zip" ]; then
    log "downloading $PRODUCT $VERSION (integ-test-zip) from Maven Central (first run only)"
    curl -fsSL --retry 3 -o "$zip.part" "$url" || die "download failed: $url"
    mv "$zip.part" "$zip"
  fi
  rm -rf "$HOME_DIR" "$NODE_DIR/unpack"
  mkdir -p "$NODE_DIR/unpack"
  unzip -q "$zip" -d "$NODE_DIR/unpack"
  mv "$NODE_DIR/unpack/$PRODUCT-$VERSION" "$HOME_DIR"
  rmdir "$NODE_DIR/unpack"
  touch "$HOME_DIR/.complete"
}

# The node's folders, with the home's default config (logging, JVM options) to build on, and an
# empty temporary folder: nothing in it outlives the process that wrote it.
prepare_node_dirs() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
  cp -r "$HOME_DIR/config/." "$CONF_DIR/"
  rm -rf "$TMP_DIR"
  mkdir -p "$TMP_DIR"
}

# The settings every test node has, Elasticsearch or OpenSearch: one loopback node, its folders, and
# what the tests rely on.
node_settings() {
  cat <<EOF
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
# Smaller than the 100mb default, so a test can build a Cassandra row (from several mutations, each
# under Cassandra's limit) that is too large for the search server.
http.max_content_length: 6mb
# A nearly full developer disk must not turn the test indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
}

own_node_files() {
  if as_root; then
    chown -R "$RUN_USER" "$HOME_DIR" "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$TMP_DIR" "$RUN_DIR"
  fi
}

node_java_home() {
  # shellcheck disable=SC2153 # MIN_JAVA, like the other settings above, comes from the server script
  if [ "$MIN_JAVA" -le 17 ]; then
    ensure_java17 "$MAX_JAVA"
  else
    find_java_home "$MIN_JAVA" "$MAX_JAVA"
  fi
}

launch_node() {
  local java_home=$1 status=0
  local java_opts="-Xms$HEAP -Xmx$HEAP"
  [ -z "$SUFFIX" ] || java_opts="$java_opts $MARKER"
  log "starting $LABEL $VERSION on $SCHEME://127.0.0.1:$HTTP_PORT (heap $HEAP, logs in $LOG_DIR)"
  rm -f "$PID_FILE"
  # -d detaches the node (see wait_for_pid_file); setsid keeps it out of this shell's process group.
  run_as_server_user env "${ENV_PREFIX}_JAVA_HOME=$java_home" "${ENV_PREFIX}_PATH_CONF=$CONF_DIR" \
    "${ENV_PREFIX}_JAVA_OPTS=$java_opts" "${ENV_PREFIX}_TMPDIR=$TMP_DIR" \
    setsid "$HOME_DIR/bin/$PRODUCT" -d -p "$PID_FILE" >"$LOG_DIR/startup.log" 2>&1 </dev/null || status=$?
  if [ "$status" -ne 0 ]; then
    print_log_tail "$LOG_DIR/startup.log" "$LOG_DIR/$CLUSTER.log"
    die "$LABEL $VERSION failed to start (exit $status); its logs are above and in $LOG_DIR"
  fi
  if ! wait_for_pid_file; then
    print_log_tail "$LOG_DIR/startup.log" "$LOG_DIR/$CLUSTER.log"
    die "$LABEL $VERSION exited while starting; its logs are above and in $LOG_DIR"
  fi
}

# Elasticsearch's launcher returns once the node has written its pid file, OpenSearch's as soon as
# the JVM is forked: the node writes the file a moment later, unless it fails first.
wait_for_pid_file() {
  local deadline=$((SECONDS + START_TIMEOUT)) missing=0
  while [ ! -s "$PID_FILE" ] && [ "$SECONDS" -lt "$deadline" ]; do
    if marker_running; then missing=0; else missing=$((missing + 1)); fi
    # A freshly forked JVM may not show its command line yet, so one miss is not yet an exit.
    [ "$missing" -lt 3 ] || return 1
    sleep 1
  done
}

# Whether some process has the marker on its command line, read without starting any process.
marker_running() {
  local file args arg
  for file in /proc/[0-9]*/cmdline; do
    mapfile -d '' args 2>/dev/null <"$file" || continue
    for arg in "${args[@]}"; do
      [ "$arg" != "$MARKER" ] || return 0
    done
  done
  return 1
}

node_start() {
  local pid java_home java_range="$MIN_JAVA or newer" status=0
  [ -z "$MAX_JAVA" ] || java_range="$MIN_JAVA to $MAX_JAVA"
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    log "$LABEL $VERSION already running (pid $pid); waiting until it is healthy"
  else
    port_in_use "$HTTP_PORT" &&
      die "port $HTTP_PORT is taken by a process these scripts did not start; stop it or set $PORT_VARIABLE"
    # Nodes may start at once (servers.sh starts them side by side) and share the user, the tools
    # that apt-get installs, the folder and an unpacked home: one sets them up while the others wait.
    mkdir -p "$SERVERS_DIR"
    {
      flock 9
      ensure_run_user
      ensure_curl
      # OpenSearch's launcher checks with ps that the JVM it forked is alive.
      [ "$PRODUCT" != opensearch ] || ensure_procps
      java_home=$(node_java_home) ||
        die "$LABEL $VERSION needs a JDK $java_range; install one, or pick another version with $MAJOR_VARIABLE"
      place_node_dir
      set_paths
      install_home
      ! declare -F install_plugins >/dev/null || install_plugins "$java_home"
    } 9>"$SERVERS_DIR/.search-node-setup.lock"
    configure "$java_home"
    launch_node "$java_home"
  fi
  local began=$SECONDS
  wait_until "$START_TIMEOUT" "$PID_FILE" "$MARKER" ready || status=$?
  case $status in
    0) log "$LABEL $VERSION ready: cluster health yellow or green on $SCHEME://127.0.0.1:$HTTP_PORT after $((SECONDS - began))s" ;;
    2)
      print_log_tail "$LOG_DIR/startup.log" "$LOG_DIR/$CLUSTER.log"
      die "$LABEL $VERSION exited while starting; its logs are above and in $LOG_DIR"
      ;;
    *)
      print_log_tail "$LOG_DIR/startup.log" "$LOG_DIR/$CLUSTER.log"
      die "$LABEL $VERSION did not become healthy within ${START_TIMEOUT}s; its logs are above and in $LOG_DIR"
      ;;
  esac
}

node_stop() {
  local pid
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    log "stopping $LABEL $VERSION (pid $pid)"
    stop_pid "$pid" "$LABEL $VERSION" 60
  else
    log "$LABEL $VERSION is not running (no live process from $PID_FILE)"
  fi
  rm -f "$PID_FILE" 2>/dev/null || true
}

node_status() {
  local pid
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    if ready; then
      echo "$NODE: running, pid $pid, $VERSION on $SCHEME://127.0.0.1:$HTTP_PORT"
    else
      echo "$NODE: starting, pid $pid, not healthy yet"
    fi
  else
    echo "$NODE: stopped"
    return 3
  fi
}

node_main() {
  case "${1:-}" in
    start) node_start ;;
    stop) node_stop ;;
    status) node_status ;;
    *) die "usage: scripts/$PRODUCT.sh start|stop|status" ;;
  esac
}
