#!/usr/bin/env bash
# Installs what biac builds and tests with, when it is missing: Debian 12 packages (apt) and
# the web page's npm packages (web/package-lock.json).
# Usage: scripts/setup.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential clang libclang-rt-dev lld cmake ninja-build ccache pkg-config python3
  libeigen3-dev libgeographiclib-dev libfmt-dev libspdlog-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox libssl-dev libprotobuf-dev protobuf-compiler libpugixml-dev libpcap-dev
  libavformat-dev libavcodec-dev libavutil-dev libboost-dev libsodium-dev libsqlite3-dev
  libpq-dev libjemalloc-dev postgresql-15 postgresql-15-postgis-3 chromium
)
# Node.js and npm for the web page: the machine's own when present (any packaging), else
# Debian's.
if ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web page (web/): its npm packages, exactly as web/package-lock.json pins them.
web="$root/web"
if [[ -f "$web/package-lock.json" ]] &&
   { [[ ! -f "$web/node_modules/.package-lock.json" ]] ||
     [[ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; }; then
  echo "setup: npm ci in web/" >&2
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
