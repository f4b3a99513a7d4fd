#!/usr/bin/env bash
# Quick start, the tests: installs what is missing, builds biac with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the default test suite (everything but the `slow`
# label). `scripts/test.sh --all` runs the slow tests too.
#
# The test build uses clang: on the Eigen-heavy estimation tests it compiles about twice as
# fast as GCC 12. Release builds (scripts/demo.sh, bench/run.sh) use the default compiler.
# lld shortens the links; precompiled headers (-DBIAC_PCH=ON) are not yet on by default
# (docs/build.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="$root/build-test"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DBIAC_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DBIAC_LLD=ON >/dev/null
cmake --build "$build"
(cd "$root/web" && npm run build >/dev/null)
label=(-LE slow)
if [[ "${1:-}" == "--all" ]]; then
  label=()
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
ctest --output-on-failure -j2 "${label[@]}"
