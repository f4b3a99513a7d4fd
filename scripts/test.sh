#!/usr/bin/env bash
# Quick start, the tests: installs what is missing, builds biac with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the default test suite (everything but the `slow`
# label). `scripts/test.sh --all` runs the slow tests too.
#
# The test build uses clang: on the Eigen-heavy estimation tests it compiles about twice as
# fast as GCC 12 (a clean build takes about 6 minutes on 2 cores instead of 16). Release
# builds (scripts/demo.sh, bench/run.sh) use the default compiler.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="$root/build-test"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DBIAC_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" >/dev/null
cmake --build "$build"
label=(-LE slow)
if [[ "${1:-}" == "--all" ]]; then
  label=()
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
ctest --output-on-failure -j2 "${label[@]}"
