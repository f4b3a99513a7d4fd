#!/usr/bin/env bash
# Builds biac's libFuzzer targets with clang and runs each one for a while. See usage below.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]        (default: 60)

Builds every fuzz target (each biac_fuzz(...) in a CMakeLists.txt) with clang,
AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer in build-fuzz/, then runs each
target for SECONDS_PER_TARGET seconds, one after the other, on a scratch copy of its seed
corpus (build-fuzz/corpus/<target>/; the checked-in corpus is only read). Exits 0 if no
target found anything, 1 if any target crashed, leaked, timed out, ran out of memory or
tripped a sanitizer, 2 on a usage or build error.

Findings. libFuzzer stops a target at its first finding and writes the input to
build-fuzz/findings/<target>/ as crash-<sha1>, leak-<sha1>, timeout-<sha1> or oom-<sha1>.
The script then copies each new finding into the target's seed corpus in the source tree
(the CORPUS directory of its biac_fuzz call, e.g. src/biac/base/csv_fuzz_corpus/), because
every input that once crashed a target stays there as a regression test: ordinary test
builds replay the corpus (ctest -R <target>_corpus), so that test fails until the bug is
fixed. Next steps:
  1. reproduce:  build-fuzz/<...>/<target> <corpus dir>/crash-<sha1>
  2. fix the bug (or the target, if the property it checks was wrong);
  3. commit the fix together with the new corpus file.
Inputs that only found new coverage stay in build-fuzz/corpus/<target>/; to fold them into
the seed corpus, minimised, run: <target> -merge=1 <seed corpus dir> build-fuzz/corpus/<target>

Environment:
  BIAC_FUZZ_TARGETS  space-separated target names to run (default: all)
  BIAC_FUZZ_JOBS     parallel build jobs (default: 2)
  BIAC_FUZZ_BUILD    build directory (default: <repo>/build-fuzz)
EOF
}

if [[ $# -gt 1 || "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  [[ $# -gt 1 ]] && exit 2
  exit 0
fi
seconds="${1:-60}"
if ! [[ "${seconds}" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS_PER_TARGET must be a positive integer, got '${seconds}'" >&2
  usage >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="${BIAC_FUZZ_BUILD:-${root}/build-fuzz}"
jobs="${BIAC_FUZZ_JOBS:-2}"

for tool in clang clang++ cmake ninja; do
  if ! command -v "${tool}" >/dev/null; then
    echo "fuzz.sh: ${tool} not found (fuzzing needs clang with libFuzzer, cmake and ninja)" >&2
    exit 2
  fi
done

# Configure from scratch each time the target list is read, so removed targets disappear.
rm -rf "${build}/fuzz_targets"
mkdir -p "${build}"
if ! cmake -S "${root}" -B "${build}" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="-fno-sanitize-recover=undefined -fno-omit-frame-pointer -Wno-unknown-warning-option" \
    -DBIAC_FUZZ=ON -DBIAC_TESTS=OFF -DBIAC_BENCHMARKS=OFF >"${build}/configure.log" 2>&1; then
  cat "${build}/configure.log" >&2
  echo "fuzz.sh: cmake configure failed" >&2
  exit 2
fi

shopt -s nullglob
manifests=("${build}"/fuzz_targets/*)
if [[ ${#manifests[@]} -eq 0 ]]; then
  echo "fuzz.sh: no fuzz targets are registered (biac_fuzz in a CMakeLists.txt)" >&2
  exit 2
fi
declare -a names=()
for manifest in "${manifests[@]}"; do
  name="$(basename "${manifest}")"
  if [[ -n "${BIAC_FUZZ_TARGETS:-}" && " ${BIAC_FUZZ_TARGETS} " != *" ${name} "* ]]; then
    continue
  fi
  names+=("${name}")
done
if [[ ${#names[@]} -eq 0 ]]; then
  echo "fuzz.sh: none of BIAC_FUZZ_TARGETS='${BIAC_FUZZ_TARGETS:-}' is a fuzz target" >&2
  exit 2
fi

echo "fuzz.sh: building ${names[*]} in ${build}"
if ! ninja -C "${build}" -j "${jobs}" "${names[@]}"; then
  echo "fuzz.sh: build failed" >&2
  exit 2
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

failed=()
for name in "${names[@]}"; do
  { read -r binary; read -r seed_corpus; } <"${build}/fuzz_targets/${name}"
  work_corpus="${build}/corpus/${name}"
  findings="${build}/findings/${name}"
  mkdir -p "${work_corpus}" "${findings}"
  if [[ -d "${seed_corpus}" ]]; then
    cp -a "${seed_corpus}/." "${work_corpus}/"
  fi
  before="$(find "${findings}" -maxdepth 1 -type f | sort)"
  log="${build}/findings/${name}.log"
  echo "fuzz.sh: ${name}: ${seconds} s on ${work_corpus} (log: ${log})"
  status=0
  "${binary}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="${findings}/" "${work_corpus}" >"${log}" 2>&1 ||
    status=$?
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
      "${log}" | sed "s/^/  /" || true
  new_findings=()
  while IFS= read -r file; do
    [[ -n "${file}" ]] && new_findings+=("${file}")
  done < <(comm -13 <(echo "${before}") <(find "${findings}" -maxdepth 1 -type f | sort))
  if [[ ${status} -ne 0 || ${#new_findings[@]} -gt 0 ]]; then
    failed+=("${name}")
    echo "fuzz.sh: ${name}: FOUND A PROBLEM (exit ${status}); the report is in ${log}:" >&2
    grep -E 'ERROR|SUMMARY|runtime error|property violated' "${log}" | head -n 20 >&2 || true
    for file in "${new_findings[@]}"; do
      if [[ -d "${seed_corpus}" ]]; then
        cp "${file}" "${seed_corpus}/"
        echo "fuzz.sh: ${name}: copied $(basename "${file}") into ${seed_corpus}/" >&2
      fi
    done
  else
    echo "fuzz.sh: ${name}: no findings"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: findings in: ${failed[*]} (see the usage text: scripts/fuzz.sh --help)" >&2
  exit 1
fi
echo "fuzz.sh: all ${#names[@]} target(s) ran ${seconds} s without findings"
