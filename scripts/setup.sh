#!/usr/bin/env bash
# One command from a fresh clone to a working `platform` on PATH and a local AWS:
#   bash scripts/setup.sh
# Installs the Debian tools the local AWS needs (buildah, skopeo, docker-registry, apache2-utils;
# moto and cfn-lint come with this machine image), installs npm dependencies, builds, links the
# `platform` binary globally, and starts the local AWS.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need=()
for cmd in buildah:buildah skopeo:skopeo docker-registry:docker-registry htpasswd:apache2-utils; do
  command -v "${cmd%%:*}" >/dev/null 2>&1 || need+=("${cmd##*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v moto_server >/dev/null || echo "warning: moto_server not found: the local AWS needs moto 5.2.1 in python3" >&2
npm ci --no-audit --no-fund
npm run build
npm link --no-audit --no-fund >/dev/null
platform local start
echo "ready: try 'platform validate', 'platform render prod', 'platform deploy prod --local --yes --infra-only'" >&2
