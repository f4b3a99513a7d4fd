#!/usr/bin/env bash
# Installs the Debian 12 packages biac builds and tests with, when they are missing.
# Usage: scripts/setup.sh
set -euo pipefail

packages=(
  build-essential clang libclang-rt-dev cmake ninja-build ccache pkg-config python3
  libeigen3-dev libgeographiclib-dev libfmt-dev libspdlog-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox libssl-dev libprotobuf-dev protobuf-compiler libpugixml-dev libpcap-dev
  libavformat-dev libavcodec-dev libavutil-dev libboost-dev libsodium-dev libsqlite3-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
