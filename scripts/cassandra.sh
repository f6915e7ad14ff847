#!/usr/bin/env bash
# Starts, stops and reports a single-node Apache Cassandra assembled from Maven Central.
#   scripts/cassandra.sh start|stop|status
#   scripts/cassandra.sh nodetool <command> [<argument>...]   (nodetool against the running node, over JMX)
# Environment: CASSANDRA_PORT (native), CASSANDRA_STORAGE_PORT and CASSANDRA_JMX_PORT (local only),
# by default the cassandra node's of scripts/nodes.sh; CASSANDRA_HEAP (default 768M, at most 1G),
# CASSANDRA_START_TIMEOUT (seconds, default 180), SYNCED_CASSANDRA_VERSION=4.1 to run 4.1.x instead of 5.0.x (on a JDK 17 exactly),
# CASSANDRA_PARTITIONER (Murmur3Partitioner, the default, or RandomPartitioner).
# The native port accepts plain and TLS clients; TLS clients need a certificate signed by the test CA
# in $SERVERS_DIR/certs (scripts/certs.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/nodes.sh
source "$(dirname "${BASH_SOURCE[0]}")/nodes.sh"

# Each version keeps its own configuration, data, logs and pid file (4.1 cannot read 5.0's data files,
# and 5.0 would upgrade 4.1's), so a 4.1 and a 5.0 node can run side by side on different ports. 5.0
# keeps the folders it always had.
case "${SYNCED_CASSANDRA_VERSION:-5.0}" in
  5.0) CASSANDRA_VERSION=5.0.9 SUFFIX="" JAVA_WANTED="17 or newer" MOST_JAVA="" ;;
  # 4.1 needs the Security Manager, which JDK 24 disabled for good, and runs here with the flags of
  # jvm17.options: a JDK 17 exactly.
  4.1) CASSANDRA_VERSION=4.1.10 SUFFIX=-4.1 JAVA_WANTED="17 exactly" MOST_JAVA=17 ;;
  *) die "SYNCED_CASSANDRA_VERSION must be 5.0 or 4.1, not '${SYNCED_CASSANDRA_VERSION}'" ;;
esac
# Unless the caller sets them, the ports of the cassandra node of nodes.sh, whichever version runs.
NATIVE_PORT=${CASSANDRA_PORT:-$(node_setting cassandra CASSANDRA_PORT)}
STORAGE_PORT=${CASSANDRA_STORAGE_PORT:-$(node_setting cassandra CASSANDRA_STORAGE_PORT)}
JMX_PORT=${CASSANDRA_JMX_PORT:-$(node_setting cassandra CASSANDRA_JMX_PORT)}
HEAP=${CASSANDRA_HEAP:-768M}
PARTITIONER=${CASSANDRA_PARTITIONER:-Murmur3Partitioner}
case $PARTITIONER in
  Murmur3Partitioner | RandomPartitioner) ;;
  *) die "CASSANDRA_PARTITIONER must be Murmur3Partitioner or RandomPartitioner, not '$PARTITIONER'" ;;
esac
START_TIMEOUT=${CASSANDRA_START_TIMEOUT:-180}

HOME_DIR=$SERVERS_DIR/cassandra
LIB_DIR=$HOME_DIR/lib-$CASSANDRA_VERSION
CONF_DIR=$HOME_DIR/conf$SUFFIX
DATA_DIR=$HOME_DIR/data$SUFFIX
# A node never starts on the data of another partitioner: another's data has a folder of its own.
[ "$PARTITIONER" = Murmur3Partitioner ] || DATA_DIR=$DATA_DIR-$PARTITIONER
LOG_DIR=$HOME_DIR/logs$SUFFIX
PID_FILE=$HOME_DIR/cassandra$SUFFIX.pid
# Unique to our server's command line, so a recycled pid is never mistaken for it.
MARKER=-Dcassandra.config=file://$CONF_DIR/cassandra.yaml

assemble() {
  [ -f "$LIB_DIR/.complete" ] && return 0
  ensure_maven
  log "assembling Cassandra $CASSANDRA_VERSION from Maven Central into $LIB_DIR (first run only)"
  rm -rf "$LIB_DIR"
  mkdir -p "$LIB_DIR" "$DOWNLOADS_DIR"
  mvn -B -q -Dstyle.color=never -f "$REPO_ROOT/scripts/cassandra/pom.xml" \
    -Dmaven.repo.local="$DOWNLOADS_DIR/m2" \
    -Dcassandra.version="$CASSANDRA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB_DIR" >&2 ||
    die "could not fetch cassandra-all $CASSANDRA_VERSION with Maven; see the output above"
  touch "$LIB_DIR/.complete"
}

configure() {
  local certs_dir
  mkdir -p "$CONF_DIR/triggers" "$DATA_DIR" "$LOG_DIR"
  # The native port also takes TLS clients, with the test certificates (made on the first run).
  certs_dir=$(bash "$REPO_ROOT/scripts/certs.sh") || die "could not make the test certificates"
  # The template is 5.0's; 4.1 refuses to start on keys it does not know, so they are left out for it
  # (a key of its own, and the sai_options block).
  # The 4.1 node also checks permissions (CassandraAuthorizer), so that the tests run synced as a role
  # of the grants README lists (cassandra-permissions.test.ts); the main node does not, since every
  # table created and dropped then writes its creator's permissions too.
  local only_5=(-e '')
  [ "$SUFFIX" != -4.1 ] ||
    only_5=(-e '/^storage_compatibility_mode:/d' -e '/^sai_options:/,/^[^[:space:]]/{/^sai_options:/d;/^[[:space:]]/d;}'
      -e 's|^authorizer: AllowAllAuthorizer$|authorizer: CassandraAuthorizer|')
  sed "${only_5[@]}" -e "s|__NATIVE_PORT__|$NATIVE_PORT|g" \
    -e "s|__CERTS_DIR__|$certs_dir|g" \
    -e "s|__STORE_PASSWORD__|$(cat "$certs_dir/store-password")|g" \
    -e "s|__STORAGE_PORT__|$STORAGE_PORT|g" \
    -e "s|__DATA_DIR__|$DATA_DIR|g" \
    -e "s|^partitioner: .*|partitioner: org.apache.cassandra.dht.$PARTITIONER|" \
    "$REPO_ROOT/scripts/cassandra/cassandra.yaml" >"$CONF_DIR/cassandra.yaml"
  cp "$REPO_ROOT/scripts/cassandra/logback.xml" "$CONF_DIR/logback.xml"
}

jvm_options() {
  local jamm
  jamm=$(find "$LIB_DIR" -name 'jamm-*.jar' | head -n 1)
  [ -n "$jamm" ] || die "no jamm jar in $LIB_DIR; remove the folder and start again"
  # Options and module flags come from our own list; the agent measures object sizes for memtables.
  grep -v -E '^\s*(#|$)' "$REPO_ROOT/scripts/cassandra/jvm17.options" | sed "s|__JMX_PORT__|$JMX_PORT|g"
  printf '%s\n' "-javaagent:$jamm" "-Xms$HEAP" "-Xmx$HEAP" \
    "$MARKER" \
    "-Dcassandra.storagedir=$DATA_DIR" \
    "-Dcassandra.logdir=$LOG_DIR" \
    "-Dcassandra.triggers_dir=$CONF_DIR/triggers" \
    "-Dlogback.configurationFile=file://$CONF_DIR/logback.xml" \
    "-XX:ErrorFile=$LOG_DIR/hs_err_%p.log" \
    "-Xlog:gc=info:file=$LOG_DIR/gc.log:time,uptime:filecount=2,filesize=10M"
}

ready() {
  node "$REPO_ROOT/scripts/cql-ping.mjs" 127.0.0.1 "$NATIVE_PORT"
}

start() {
  local pid java_home status=0
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    log "Cassandra $CASSANDRA_VERSION already running (pid $pid); waiting until it answers CQL"
  else
    port_in_use "$NATIVE_PORT" &&
      die "port $NATIVE_PORT is taken by a process these scripts did not start; stop it or set CASSANDRA_PORT"
    java_home=$(ensure_java17 "$MOST_JAVA") || die "no Java $JAVA_WANTED found"
    assemble
    configure
    local options=()
    mapfile -t options < <(jvm_options)
    log "starting Cassandra $CASSANDRA_VERSION on 127.0.0.1:$NATIVE_PORT (heap $HEAP, logs in $LOG_DIR)"
    # setsid: the server must outlive the shell that started it and ignore its signals.
    setsid "$java_home/bin/java" "${options[@]}" -cp "$CONF_DIR:$LIB_DIR/*" \
      org.apache.cassandra.service.CassandraDaemon >"$LOG_DIR/stdout.log" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
  fi
  local began=$SECONDS
  wait_until "$START_TIMEOUT" "$PID_FILE" "$MARKER" ready || status=$?
  case $status in
    0) log "Cassandra $CASSANDRA_VERSION ready: CQL answers on 127.0.0.1:$NATIVE_PORT after $((SECONDS - began))s" ;;
    2)
      print_log_tail "$LOG_DIR/stdout.log" "$LOG_DIR/system.log"
      die "Cassandra exited while starting; its logs are above and in $LOG_DIR"
      ;;
    *)
      print_log_tail "$LOG_DIR/stdout.log" "$LOG_DIR/system.log"
      die "Cassandra did not answer CQL within ${START_TIMEOUT}s; its logs are above and in $LOG_DIR"
      ;;
  esac
}

stop() {
  local pid
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    log "stopping Cassandra $CASSANDRA_VERSION (pid $pid)"
    stop_pid "$pid" Cassandra 60
  else
    log "Cassandra $CASSANDRA_VERSION is not running (no live process from $PID_FILE)"
  fi
  rm -f "$PID_FILE"
}

status() {
  local pid
  if pid=$(live_pid "$PID_FILE" "$MARKER"); then
    if ready >/dev/null 2>&1; then
      echo "cassandra$SUFFIX: running, pid $pid, CQL on 127.0.0.1:$NATIVE_PORT"
    else
      echo "cassandra$SUFFIX: starting, pid $pid, CQL not answering yet"
    fi
  else
    echo "cassandra$SUFFIX: stopped"
    return 3
  fi
}

# Runs nodetool from the node's own jars against its JMX port (local only): what a test needs of the
# node beyond CQL, such as `flush` and `refreshsizeestimates` before it reads system.size_estimates.
# Its output goes to stdout; the tool's own logging, which is debug on the console without a
# configuration, only when it fails.
run_nodetool() {
  local java_home output status=0 flags=()
  live_pid "$PID_FILE" "$MARKER" >/dev/null || die "Cassandra $CASSANDRA_VERSION is not running; start it first"
  java_home=$(ensure_java17 "$MOST_JAVA") || die "no Java $JAVA_WANTED found"
  # The module flags the server runs with: the tool loads the same classes.
  mapfile -t flags < <(grep -E '^--add-(exports|opens)' "$REPO_ROOT/scripts/cassandra/jvm17.options")
  output=$("$java_home/bin/java" -Xmx128m "${flags[@]}" -Dcassandra.logdir="$LOG_DIR" \
    -cp "$CONF_DIR:$LIB_DIR/*" -Dlogback.configurationFile="file://$REPO_ROOT/scripts/cassandra/logback-tools.xml" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@" 2>&1) || status=$?
  [ -z "$output" ] || printf '%s\n' "$output"
  [ "$status" = 0 ] || die "nodetool $* failed (exit $status); its output is above"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  nodetool) run_nodetool "${@:2}" ;;
  *) die "usage: scripts/cassandra.sh start|stop|status|nodetool <command> [<argument>...]" ;;
esac
