#!/usr/bin/env bash
# Quick start, the main job: installs what is missing, builds biac (release) and runs
# `biac demo`. Extra arguments go to `biac demo`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBIAC_TESTS=OFF -DBIAC_LLD=ON >/dev/null
cmake --build "$root/build-release" --target biac
(cd "$root/web" && npm run build >/dev/null)
exec "$root/build-release/apps/biac/biac" demo --web-root "$root/web/dist" "$@"
