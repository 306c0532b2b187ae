#!/usr/bin/env bash
# Installs what the manifest checks in tests/AiOs.Deploy.Tests need, when missing: yamllint (Debian package, installed
# with apt-get when we are root) and the Kubernetes schemas (npm package kubernetes-models, pinned in
# tests/AiOs.Deploy.Tests/schema/package.json, installed into that folder). Safe to run repeatedly; the tests run it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v yamllint > /dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deploy-tools.sh: yamllint is missing; install it with 'sudo apt-get install -y yamllint'" >&2
    exit 1
  fi
  echo "deploy-tools.sh: installing Debian's yamllint package" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yamllint >&2
fi

schema="$root/tests/AiOs.Deploy.Tests/schema"
if [ ! -f "$schema/node_modules/kubernetes-models/package.json" ]; then
  echo "deploy-tools.sh: installing the npm packages of $schema" >&2
  (cd "$schema" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
