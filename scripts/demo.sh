#!/usr/bin/env bash
# The demo (`npm run demo`): starts the local servers, writes diverging data to both sides, runs
# `synced -k demo -i demo` twice and shows that the first run converges both stores and the second
# writes nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/nodes.sh
source scripts/nodes.sh

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
bash scripts/servers.sh start

# The servers where scripts/nodes.sh puts them; both require a login, as production clusters do (see
# CONTRIBUTING.md).
export SYNCED_CASSANDRA_PORT=${SYNCED_CASSANDRA_PORT:-$(node_port cassandra)}
export SYNCED_ES_NODES=${SYNCED_ES_NODES:-http://127.0.0.1:$(node_port elasticsearch)}
export SYNCED_CASSANDRA_USERNAME=${SYNCED_CASSANDRA_USERNAME:-cassandra}
export SYNCED_CASSANDRA_PASSWORD=${SYNCED_CASSANDRA_PASSWORD:-cassandra}
export SYNCED_ES_USERNAME=${SYNCED_ES_USERNAME:-${ES_USERNAME:-synced}}
export SYNCED_ES_PASSWORD=${SYNCED_ES_PASSWORD:-${ES_PASSWORD:-synced-secret}}
synced() { node dist/src/cli/main.js "$@"; }
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "Writing demo data: keyspace demo (users: versioned, products: latest) and indices demo-users, demo-products"
rm -rf state/demo.demo.* 2>/dev/null || true
node scripts/demo-data.mjs setup
echo "  bob:  email changed in Elasticsearch after Cassandra's version"
echo "  lamp: price changed on both sides; Cassandra's change is newer"
echo "  desk: deleted in Elasticsearch (a tombstone)"
say "Before"
node scripts/demo-data.mjs show

say "\$ synced -k demo -i demo"
synced -k demo -i demo 2>/dev/null
say "After"
node scripts/demo-data.mjs show

say "\$ synced -k demo -i demo    (again: continues from the checkpoint, nothing new to write)"
synced -k demo -i demo 2>/dev/null

say "\$ synced -k demo -i demo -b 0    (the whole range again: every record is unchanged, zero writes)"
synced -k demo -i demo -b 0 2>/dev/null
