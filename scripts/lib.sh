# Shared helpers for the server scripts. Sourced, never run.
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVERS_DIR=${SYNCED_SERVERS_DIR:-$REPO_ROOT/.servers}
DOWNLOADS_DIR=$SERVERS_DIR/downloads
MAVEN_CENTRAL=${SYNCED_MAVEN_CENTRAL:-https://repo1.maven.org/maven2}

log() { printf '[servers] %s\n' "$*" >&2; }
die() {
  printf '[servers] error: %s\n' "$*" >&2
  exit 1
}

# The process behind a pid file, if it is still alive and is ours: pids are recycled, so the
# command line must also name the marker (a path only our server has on its command line).
live_pid() {
  local pidfile=$1 marker=$2 pid
  [ -s "$pidfile" ] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  printf '%s' "$pid"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ends a process we started: TERM, then KILL if it has not gone after the grace period.
stop_pid() {
  local pid=$1 name=$2 grace=${3:-60} waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while [ -d "/proc/$pid" ] && [ "$waited" -lt "$grace" ]; do
    sleep 1
    waited=$((waited + 1))
  done
  if [ -d "/proc/$pid" ]; then
    log "$name (pid $pid) did not stop within ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

# A JDK whose major version is at least $1 (and at most $2, when given): JAVA_HOME first, then PATH,
# then /usr/lib/jvm.
find_java_home() {
  local want=$1 most=${2:-} candidate major
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$want" ] && { [ -z "$most" ] || [ "$major" -le "$most" ]; }; then
      printf '%s' "$candidate"
      return 0
    fi
  done
  return 1
}

apt_install() {
  command -v apt-get >/dev/null || die "$* missing and this is not a Debian machine: install $* and retry"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing $* with apt-get"
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
    die "apt-get install $* failed"
}

# A JDK 17 or newer; `ensure_java17 17` asks for 17 exactly (Cassandra 4.1 needs the Security
# Manager, which JDK 24 disabled for good).
ensure_java17() {
  local most=${1:-}
  find_java_home 17 "$most" >/dev/null || apt_install openjdk-17-jdk-headless
  find_java_home 17 "$most"
}

ensure_maven() {
  command -v mvn >/dev/null || apt_install maven
}

ensure_unzip() {
  command -v unzip >/dev/null || apt_install unzip
}

# Waits until "$@" succeeds, or the deadline passes, or the process dies.
wait_until() {
  local timeout=$1 pidfile=$2 marker=$3
  shift 3
  local deadline=$((SECONDS + timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    live_pid "$pidfile" "$marker" >/dev/null || return 2
    sleep 1
  done
  return 1
}

print_log_tail() {
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    printf '\n----- last 80 lines of %s -----\n' "$file" >&2
    tail -n 80 "$file" >&2
  done
}
