#!/usr/bin/env bash
# Makes the certificates the test servers and the TLS tests use, once, in $SERVERS_DIR/certs:
#   ca.crt, ca.key                 the test CA, which signs everything below
#   wrong-ca.crt, wrong-ca.key     an unrelated CA, for tests that must refuse the servers' certificate
#   server.crt, server.key         the servers' certificate, for 127.0.0.1 and localhost
#   client.crt, client.key         a client certificate, for servers that ask for one
#   cassandra-keystore.p12         server.key with server.crt and ca.crt, for Cassandra
#   cassandra-truststore.p12       ca.crt, which Cassandra trusts for client certificates
#   store-password                 the password of both PKCS12 stores
#   scripts/certs.sh [dir]         prints the folder; makes the files only when they are missing or
#                                  expire within a day.
# Test certificates only: the keys are unencrypted and the store password is written beside them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CERTS_DIR=${1:-$SERVERS_DIR/certs}
DAYS=3650
# Test-only stores need a password (PKCS12 in Java requires one); it protects nothing.
STORE_PASSWORD=synced-test-store

current() {
  [ -f "$CERTS_DIR/.complete" ] &&
    openssl x509 -checkend 86400 -noout -in "$CERTS_DIR/ca.crt" >/dev/null 2>&1 &&
    openssl x509 -checkend 86400 -noout -in "$CERTS_DIR/server.crt" >/dev/null 2>&1 &&
    openssl x509 -checkend 86400 -noout -in "$CERTS_DIR/client.crt" >/dev/null 2>&1
}

make_ca() {
  local name=$1 subject=$2
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$DAYS" -subj "$subject" \
    -keyout "$work/$name.key" -out "$work/$name.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# Signs a new key's certificate with the test CA; $3 holds the extensions.
make_signed() {
  local name=$1 subject=$2 extensions=$3
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "$subject" \
    -keyout "$work/$name.key" -out "$work/$name.csr" 2>/dev/null
  printf '%s\n' "$extensions" >"$work/$name.ext"
  openssl x509 -req -sha256 -days "$DAYS" -in "$work/$name.csr" \
    -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
    -extfile "$work/$name.ext" -out "$work/$name.crt" 2>/dev/null
  rm -f "$work/$name.csr" "$work/$name.ext"
}

make_all() {
  command -v openssl >/dev/null || apt_install openssl
  local java_home
  java_home=$(ensure_java17) || die "no Java 17 or newer found (its keytool writes Cassandra's truststore)"
  work=$(mktemp -d "$(dirname "$CERTS_DIR")/certs.XXXXXX")
  log "making test certificates in $CERTS_DIR (first run only)"
  make_ca ca "/CN=synced test CA"
  make_ca wrong-ca "/CN=synced unrelated test CA"
  make_signed server "/CN=localhost" "$(printf '%s\n' \
    'basicConstraints=CA:FALSE' \
    'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=serverAuth' \
    'subjectAltName=IP:127.0.0.1,DNS:localhost')"
  make_signed client "/CN=synced-test-client" "$(printf '%s\n' \
    'basicConstraints=CA:FALSE' \
    'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=clientAuth')"
  rm -f "$work/ca.srl"
  openssl pkcs12 -export -name cassandra -in "$work/server.crt" -inkey "$work/server.key" \
    -certfile "$work/ca.crt" -passout "pass:$STORE_PASSWORD" -out "$work/cassandra-keystore.p12"
  # keytool, not openssl: Java trusts a certificate in a PKCS12 store only when it carries Java's
  # own trust attribute, which keytool adds.
  "$java_home/bin/keytool" -importcert -noprompt -alias synced-test-ca -file "$work/ca.crt" \
    -storetype PKCS12 -keystore "$work/cassandra-truststore.p12" -storepass "$STORE_PASSWORD" >/dev/null 2>&1 ||
    die "keytool could not write the truststore"
  printf '%s\n' "$STORE_PASSWORD" >"$work/store-password"
  # Readable by the unprivileged Elasticsearch user too; these keys guard nothing but test servers.
  chmod 755 "$work"
  chmod 644 "$work"/*
  touch "$work/.complete"
  rm -rf "$CERTS_DIR"
  mv "$work" "$CERTS_DIR"
}

mkdir -p "$(dirname "$CERTS_DIR")"
# Cassandra and the TLS Elasticsearch node start at once, and both ask for the certificates: one
# makes them while the other waits, so both get the same.
(
  flock 9
  current || make_all
) 9>"$(dirname "$CERTS_DIR")/.certs.lock"
printf '%s\n' "$CERTS_DIR"
