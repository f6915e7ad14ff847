#!/usr/bin/env bash
# Starts, stops and reports a single-node OpenSearch from Maven Central's integ-test-zip.
#   scripts/opensearch.sh start|stop|status
# Environment: SYNCED_OPENSEARCH_MAJOR (2, the default, runs 2.19.6; 3 runs 3.6.0, which needs a JDK
# 21 or newer), OPENSEARCH_PORT (HTTP) and OPENSEARCH_TRANSPORT_PORT (by default those of the node
# opensearch-2 or opensearch-3 of scripts/nodes.sh), OPENSEARCH_HEAP (default 384m),
# OPENSEARCH_START_TIMEOUT (seconds, default 180). Each major has its own config, data, logs and pid file, so a 2.x and a 3.x node can run side
# by side. The zip has no security plugin: plain HTTP and no login. OpenSearch refuses to run as root,
# so as root the server runs as the unprivileged user synced-es (shared with Elasticsearch), which
# this script creates.
# OPENSEARCH_TLS=1 starts, stops or reports a second node instead, for the TLS tests: OpenSearch 2.19.4
# with the security plugin of the same version (from Maven Central too, installed offline into its
# own home), HTTPS only with the certificates of scripts/certs.sh (also between nodes, which the plugin
# requires), client certificates asked for and checked but not required, and the login
# OPENSEARCH_USERNAME / OPENSEARCH_PASSWORD (default synced / synced-secret, with the all_access role).
# Its own config, data, logs and pid file, OPENSEARCH_TLS_PORT (HTTP) and OPENSEARCH_TLS_TRANSPORT_PORT
# (by default the opensearch-tls node's), and OPENSEARCH_TLS_HEAP (default 384m). The node writes its
# security index from the files in its config on first start; later starts keep that index, so a
# changed login takes effect after deleting the node's data folder (data-2-tls).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/search-node.sh
source "$(dirname "${BASH_SOURCE[0]}")/search-node.sh"
# shellcheck source=scripts/nodes.sh
source "$(dirname "${BASH_SOURCE[0]}")/nodes.sh"

PRODUCT=opensearch ENV_PREFIX=OPENSEARCH HOME_PROPERTY=opensearch.path.home MAJOR_VARIABLE=SYNCED_OPENSEARCH_MAJOR
case "${SYNCED_OPENSEARCH_MAJOR:-2}" in
  # OpenSearch 2 installs the Security Manager at start, which JDK 24 removed.
  2) VERSION=2.19.6 MIN_JAVA=17 MAX_JAVA=23 ;;
  3) VERSION=3.6.0 MIN_JAVA=21 MAX_JAVA="" ;;
  *) die "SYNCED_OPENSEARCH_MAJOR must be 2 or 3, not '${SYNCED_OPENSEARCH_MAJOR}'" ;;
esac
# By default each major takes the ports of its node in nodes.sh, opensearch-2 or opensearch-3, so
# that either started from this script alone takes none of Elasticsearch's ports or the other's.
default_node=opensearch-${VERSION%%.*}
case "${OPENSEARCH_TLS:-0}" in
  0)
    TLS=0 SUFFIX="" SCHEME=http PORT_VARIABLE=OPENSEARCH_PORT NODE=opensearch-${VERSION%%.*}
    HTTP_PORT=${OPENSEARCH_PORT:-$(node_setting "$default_node" OPENSEARCH_PORT)}
    TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-$(node_setting "$default_node" OPENSEARCH_TRANSPORT_PORT)}
    HEAP=${OPENSEARCH_HEAP:-384m}
    ;;
  1)
    [ "${SYNCED_OPENSEARCH_MAJOR:-2}" = 2 ] || die "OPENSEARCH_TLS=1 runs OpenSearch 2 only"
    # The security plugin must match the server's version exactly; Maven Central has both for 2.19.4.
    VERSION=2.19.4 SECURITY_PLUGIN_VERSION=2.19.4.0
    TLS=1 SUFFIX=-tls SCHEME=https PORT_VARIABLE=OPENSEARCH_TLS_PORT NODE=opensearch-tls
    HTTP_PORT=${OPENSEARCH_TLS_PORT:-$(node_setting opensearch-tls OPENSEARCH_TLS_PORT)}
    TRANSPORT_PORT=${OPENSEARCH_TLS_TRANSPORT_PORT:-$(node_setting opensearch-tls OPENSEARCH_TLS_TRANSPORT_PORT)}
    HEAP=${OPENSEARCH_TLS_HEAP:-384m}
    ;;
  *) die "OPENSEARCH_TLS must be 0 or 1, not '${OPENSEARCH_TLS}'" ;;
esac
USERNAME=${OPENSEARCH_USERNAME:-synced}
PASSWORD=${OPENSEARCH_PASSWORD:-synced-secret}
START_TIMEOUT=${OPENSEARCH_START_TIMEOUT:-180}
LABEL="OpenSearch${SUFFIX:+ (TLS)}"
CLUSTER=synced-test-$NODE
set_paths

configure() {
  prepare_node_dirs
  cat >"$CONF_DIR/opensearch.yml" <<EOF
# Written by scripts/opensearch.sh: a single loopback node for tests.
$(node_settings)
EOF
  [ "$TLS" = 0 ] || configure_security "$1"
  own_node_files
  # The plugin warns about a config its user shares with others.
  [ "$TLS" = 0 ] || chmod -R go-rwx "$CONF_DIR"
}

# The security plugin, installed once into the TLS node's home (search-node.sh calls this after it
# has unpacked the home), from a zip downloaded once.
install_plugins() {
  [ "$TLS" = 1 ] || return 0
  [ -f "$HOME_DIR/plugins/opensearch-security/.complete" ] && return 0
  local name=opensearch-security-$SECURITY_PLUGIN_VERSION
  local zip=$DOWNLOADS_DIR/$name.zip
  local url=$MAVEN_CENTRAL/org/opensearch/plugin/opensearch-security/$SECURITY_PLUGIN_VERSION/$name.zip
  if [ ! -s "$zip" ]; then
    log "downloading the OpenSearch security plugin $SECURITY_PLUGIN_VERSION from Maven Central (first run only)"
    curl -fsSL --retry 3 -o "$zip.part" "$url" || die "download failed: $url"
    mv "$zip.part" "$zip"
  fi
  rm -rf "$HOME_DIR/plugins/opensearch-security" "$HOME_DIR/config/opensearch-security"
  OPENSEARCH_JAVA_HOME=$1 OPENSEARCH_PATH_CONF=$HOME_DIR/config \
    "$HOME_DIR/bin/opensearch-plugin" install --batch "file://$zip" >"$NODE_DIR/plugin-install.log" 2>&1 || {
    cat "$NODE_DIR/plugin-install.log" >&2
    die "could not install the OpenSearch security plugin into $HOME_DIR"
  }
  touch "$HOME_DIR/plugins/opensearch-security/.complete"
}

# TLS on both ports with the test certificates, one login, and none of the plugin's demo users,
# roles or audit log. The security index is made from these files on the node's first start.
configure_security() {
  local certs_dir file hash security=$CONF_DIR/opensearch-security
  certs_dir=$(bash "$REPO_ROOT/scripts/certs.sh") || die "could not make the test certificates"
  mkdir -p "$CONF_DIR/certs"
  for file in ca.crt server.crt; do cp "$certs_dir/$file" "$CONF_DIR/certs/$file"; done
  # The plugin reads PKCS#8 keys only.
  openssl pkcs8 -topk8 -nocrypt -in "$certs_dir/server.key" -out "$CONF_DIR/certs/server.key" ||
    die "could not convert the server key to PKCS#8"
  cat >>"$CONF_DIR/opensearch.yml" <<EOF
# The security plugin: HTTPS only, and TLS between nodes (which the plugin requires), with the test
# certificates. Client certificates are asked for and checked against the test CA when shown, not
# required: tests connect both ways.
plugins.security.ssl.http.enabled: true
plugins.security.ssl.http.pemcert_filepath: certs/server.crt
plugins.security.ssl.http.pemkey_filepath: certs/server.key
plugins.security.ssl.http.pemtrustedcas_filepath: certs/ca.crt
plugins.security.ssl.http.clientauth_mode: OPTIONAL
plugins.security.ssl.transport.pemcert_filepath: certs/server.crt
plugins.security.ssl.transport.pemkey_filepath: certs/server.key
plugins.security.ssl.transport.pemtrustedcas_filepath: certs/ca.crt
plugins.security.ssl.transport.enforce_hostname_verification: false
# The node's own certificate, for its transport connections; no certificate the tests hold is an admin.
plugins.security.nodes_dn: ["CN=localhost"]
plugins.security.authcz.admin_dn: ["CN=synced test admin"]
plugins.security.allow_default_init_securityindex: true
plugins.security.audit.type: noop
plugins.security.restapi.roles_enabled: [all_access]
EOF
  hash=$(OPENSEARCH_JAVA_HOME=$1 bash "$HOME_DIR/plugins/opensearch-security/tools/hash.sh" -p "$PASSWORD" |
    grep -E '^[$]2[aby][$]' | tail -n 1) || die "could not hash the OpenSearch password"
  cat >"$security/internal_users.yml" <<EOF
# Written by scripts/opensearch.sh: the one login of the test node.
_meta:
  type: internalusers
  config_version: 2
$USERNAME:
  hash: "$hash"
  reserved: false
  description: synced tests
EOF
  cat >"$security/roles_mapping.yml" <<EOF
# Written by scripts/opensearch.sh.
_meta:
  type: rolesmapping
  config_version: 2
all_access:
  reserved: false
  users: [$USERNAME]
EOF
  cat >"$security/config.yml" <<EOF
# Written by scripts/opensearch.sh: logins from the internal users, by HTTP basic authentication.
_meta:
  type: config
  config_version: 2
config:
  dynamic:
    http:
      anonymous_auth_enabled: false
    authc:
      basic_internal_auth_domain:
        http_enabled: true
        transport_enabled: true
        order: 0
        http_authenticator:
          type: basic
          challenge: true
        authentication_backend:
          type: intern
EOF
  cat >"$security/audit.yml" <<EOF
# Written by scripts/opensearch.sh: no audit log.
_meta:
  type: audit
  config_version: 2
config:
  enabled: false
EOF
}

ready() {
  local tls=()
  [ "$TLS" = 0 ] || tls=(--cacert "$CONF_DIR/certs/ca.crt" -u "$USERNAME:$PASSWORD")
  curl -fsS -m 5 "${tls[@]}" "$SCHEME://127.0.0.1:$HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" |
    grep -qE '"status":"(yellow|green)"'
}

node_main "$@"
