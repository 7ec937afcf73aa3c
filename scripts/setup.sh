#!/usr/bin/env bash
# One command from a fresh clone to a working `platform` on PATH and a local AWS:
#   bash scripts/setup.sh
# Installs the Debian tools the local AWS needs (buildah, skopeo, docker-registry, apache2-utils;
# moto and cfn-lint come with this machine image), installs npm dependencies, builds, links the
# `platform` binary globally, and starts the local AWS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
command -v moto_server >/dev/null || echo "warning: moto_server not found: the local AWS needs moto 5.2.1 in python3" >&2
npm ci --no-audit --no-fund
npm run build
npm link --no-audit --no-fund >/dev/null
platform local start
echo "ready: try 'platform validate', 'platform render prod', 'platform deploy prod --local --yes --infra-only'" >&2
