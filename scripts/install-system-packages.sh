#!/usr/bin/env bash
# Installs the Debian packages the local AWS needs (buildah, skopeo, docker-registry, htpasswd from
# apache2-utils), only those missing. moto and cfn-lint come with this machine image.
# Used by scripts/setup.sh and .ci/run.
set -euo pipefail
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
