#!/usr/bin/env bash
# Tests must leave nothing behind in the working tree: no state directories, dead letters or logs
# that could be committed by accident. The test command records the tree before the tests and checks
# it after them.
#   scripts/working-tree.sh snapshot FILE    record every changed, untracked and ignored path
#   scripts/working-tree.sh check FILE       fail, naming them, if paths appeared since the snapshot
# Dependencies, build output and the servers' downloads and data are expected and left out.
set -euo pipefail
cd "${SYNCED_TREE_ROOT:-$(dirname "${BASH_SOURCE[0]}")/..}"

entries() {
  git status --porcelain --ignored --untracked-files=all |
    grep -v -E '^!! (node_modules|dist|\.servers)/' |
    sort || true
}

action=${1:-}
file=${2:-}
[ -n "$file" ] || {
  echo "usage: scripts/working-tree.sh snapshot|check FILE" >&2
  exit 1
}
case $action in
  snapshot) entries >"$file" ;;
  check)
    added=$(comm -13 "$file" <(entries))
    if [ -n "$added" ]; then
      echo "[test] error: the tests left these paths in the working tree (remove them, and make the test clean up):" >&2
      printf '%s\n' "$added" | sed 's/^/  /' >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: scripts/working-tree.sh snapshot|check FILE" >&2
    exit 1
    ;;
esac
