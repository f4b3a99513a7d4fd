#!/usr/bin/env bash
# The tracker speed figures against Stone Soup (shared/research/tracking-anchors.md §2.3):
# builds a Release tree in build-bench/, runs bench/tracker_benchmark (medians of several
# runs) and prints one table. Takes a few minutes on 2 cores.
#
# Usage: bench/run.sh [--all] [--reps N] [--jobs N]
#   --all     also build and run every module benchmark (assignment, estimation, geo,
#             metrics, sim, jpda, ...: every biac_benchmark target in the tree)
#   --reps N  repetitions of the N <= 1000 cases (default 5; N = 100,000 runs 3)
#   --jobs N  build jobs (default 2)
# JSON results go to build-bench/bench-results/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
out="$build/bench-results"
all=0
reps=5
jobs=2
while (($# > 0)); do
  case "$1" in
    --all) all=1 ;;
    --reps) reps="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

"$root/scripts/setup.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBIAC_BENCHMARKS=ON \
  -DBIAC_TESTS=OFF >/dev/null
targets=(tracker_benchmark)
if ((all)); then
  # Every biac_benchmark executable the tree declares.
  mapfile -t module_benchmarks < <(ninja -C "$build" -t targets all |
    sed -n 's|^\([^:]*/\([a-z0-9_]*_benchmark\)\): CXX_EXECUTABLE_LINKER.*|\2|p' |
    grep -vx tracker_benchmark | sort -u)
  targets+=("${module_benchmarks[@]}")
fi
ninja -C "$build" -j "$jobs" tracker_benchmark >/dev/null
if ((all)); then
  # Another module's benchmark that does not build is reported and skipped, not fatal.
  ninja -C "$build" -j "$jobs" -k 0 "${targets[@]:1}" >"$build/bench-build.log" 2>&1 ||
    echo "bench/run.sh: some module benchmarks failed to build (see $build/bench-build.log):" \
      "$(sed -n 's|^FAILED: .*/\([a-z0-9_]*_benchmark\) *$|\1|p' "$build/bench-build.log" |
        sort -u | tr '\n' ' ')" >&2
fi
mkdir -p "$out"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
bin="$build/bench/tracker_benchmark"
common=(--benchmark_report_aggregates_only=true --benchmark_out_format=json)
echo "tracker_benchmark: N <= 1000, $reps repetitions ..." >&2
"$bin" --benchmark_filter='^BM_Tracker(Gnn|Jpda)/' --benchmark_repetitions="$reps" \
  "${common[@]}" --benchmark_out="$out/tracker.json" >"$out/tracker.log" 2>&1 ||
  { cat "$out/tracker.log" >&2; exit 1; }
# Its own process, so that its peak resident memory is its own.
echo "tracker_benchmark: N = 100,000, 3 repetitions ..." >&2
"$bin" --benchmark_filter='^BM_TrackerGnnLarge/' --benchmark_repetitions=3 \
  "${common[@]}" --benchmark_out="$out/tracker_large.json" >"$out/tracker_large.log" 2>&1 ||
  { cat "$out/tracker_large.log" >&2; exit 1; }
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out/tracker.json" "$out/tracker_large.json" "$load_before" "$load_after" <<'EOF'
import json
import sys

# case: (benchmark run name, target ms/scan or None, Stone Soup ms/scan or None, its label).
# Stone Soup on the same scenario and machine class (tracking-anchors.md §2.3): GNN with
# kd-tree gating (DetectionKDTreeGNN2D), JPDA with EHM2 (JPDAwithEHM2).
CASES = [
    ("GNN N=10", "BM_TrackerGnn/N:10/manual_time", None, 8.3, "gnn-kdtree"),
    ("GNN N=100", "BM_TrackerGnn/N:100/manual_time", 0.1, 87.0, "gnn-kdtree"),
    ("GNN N=1000", "BM_TrackerGnn/N:1000/manual_time", 1.0, 1350.0, "gnn-kdtree"),
    ("JPDA N=10", "BM_TrackerJpda/N:10/manual_time", None, 18.1, "jpda-ehm2"),
    ("JPDA N=100", "BM_TrackerJpda/N:100/manual_time", 1.0, 581.0, "jpda-ehm2"),
    ("JPDA N=1000", "BM_TrackerJpda/N:1000/manual_time", None, None, ""),
    ("GNN N=100000", "BM_TrackerGnnLarge/N:100000/iterations:1/manual_time", 150.0, None, ""),
]
RSS_LIMIT_MIB = 1024.0

medians = {}
for path in sys.argv[1:3]:
    with open(path) as f:
        data = json.load(f)
    context = data["context"]
    for b in data["benchmarks"]:
        if b.get("aggregate_name") == "median":
            medians[b["run_name"]] = b
        elif b.get("run_type") == "iteration" and b["run_name"] not in medians:
            medians[b["run_name"]] = b  # a single repetition reports no aggregates

def num(x, digits=3):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"

print(f"MTT-CV2D tracker speed, one core ({context.get('num_cpus')} CPUs at "
      f"{context.get('mhz_per_cpu')} MHz; load average before {sys.argv[3]}, after {sys.argv[4]})")
print("medians over repetitions; steady = scans k >= 5 (tracks confirmed), as Stone Soup's figure")
head = (f"{'case':<13} {'steady ms/scan':>14} {'cpu ms/scan':>11} {'median scan':>11} "
        f"{'detections/s':>12} {'target':>8} {'met':>4} {'Stone Soup':>10} {'SS/biac':>8}  tracks")
print(head)
print("-" * len(head))
failed = []
for name, run, target, stone_soup, ss_label in CASES:
    b = medians.get(run)
    if b is None:
        print(f"{name:<13} (missing: {run})")
        failed.append(name)
        continue
    steady = b["steady_ms_per_scan"]
    cpu = b["steady_cpu_ms_per_scan"]
    met = "-"
    if target is not None:
        met = "yes" if steady <= target else ("cpu" if cpu <= target else "NO")
        if met == "NO":
            failed.append(name)
    ratio = f"{stone_soup / steady:,.0f}x" if stone_soup else "-"
    ss = f"{num(stone_soup)} ms" if stone_soup else "-"
    print(f"{name:<13} {num(steady):>14} {num(cpu):>11} {num(b['steady_median_ms']):>11} "
          f"{b['detections_per_s']:>12,.0f} {num(target):>8} {met:>4} {ss:>10} {ratio:>8}  "
          f"{b['confirmed']:.0f} confirmed, {b['alive']:.0f} alive")
    if "peak_rss_mib" in b:
        rss = b["peak_rss_mib"]
        ok = rss <= RSS_LIMIT_MIB
        if not ok:
            failed.append(name + " memory")
        print(f"{'':<13} peak RSS {rss:.0f} MiB (limit {RSS_LIMIT_MIB:.0f}, "
              f"{'met' if ok else 'NOT met'}); tracker's own {b['tracker_rss_mib']:.0f} MiB; "
              f"{b['detections']:.0f} detections in {b['scans']:.0f} scans, mean over all "
              f"scans {num(b['ms_per_scan'])} ms")
print("steady ms/scan: mean wall-clock time of one Step() over scans k >= 5; cpu: the same in "
      "the thread's CPU time; median scan: median single-scan wall-clock time, ms.")
print("met: yes = steady wall-clock time within target; cpu = only the thread's CPU time is "
      "(the machine was busy); NO = neither.")
print("Stone Soup: GNN = gnn-kdtree (DetectionKDTreeGNN2D), JPDA = jpda-ehm2 (JPDAwithEHM2).")
if failed:
    print("targets not met: " + ", ".join(failed))
EOF

if ((all)); then
  for name in "${targets[@]:1}"; do
    exe="$(find "$build/src" -type f -name "$name" -perm -u+x | head -n 1)"
    echo
    if [[ -z "$exe" ]]; then
      echo "== $name: not built, skipped"
      continue
    fi
    echo "== $name"
    "$exe" --benchmark_out="$out/$name.json" --benchmark_out_format=json ||
      echo "== $name failed (exit $?)"
  done
fi
