#include "biac/assignment/assignment.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

namespace biac::assignment {
namespace {

// GNN-shaped problem: num_rows tracks on a line, 2 * num_rows detections scattered along
// the same line, each track gated to its 1-4 nearest detections with cost = squared
// distance, plus a private "missed" column of cost 3 per track. Columns are detections
// first, then the missed columns.
SparseCostMatrix GnnProblem(int num_rows, unsigned seed) {
  std::mt19937 rng(seed);
  const int num_detections = 2 * num_rows;
  std::uniform_real_distribution<double> position(0.0, static_cast<double>(num_rows));
  std::uniform_int_distribution<int> gated_count(1, 4);
  std::vector<double> detections(num_detections);
  for (double& d : detections) d = position(rng);
  std::sort(detections.begin(), detections.end());
  SparseCostMatrix costs;
  costs.Reset(num_detections + num_rows);
  for (int row = 0; row < num_rows; ++row) {
    const double track = position(rng);
    const int nearest = static_cast<int>(
        std::lower_bound(detections.begin(), detections.end(), track) - detections.begin());
    const int count = gated_count(rng);
    // The `count` detections around the insertion point.
    const int first = std::clamp(nearest - count / 2, 0, num_detections - count);
    for (int d = first; d < first + count; ++d) {
      const double dx = 4.0 * (detections[d] - track);
      costs.AddEntry(d, dx * dx);
    }
    costs.AddEntry(num_detections + row, 3.0);
    costs.EndRow();
  }
  return costs;
}

void BM_SparseGnn(benchmark::State& state) {
  const SparseCostMatrix costs = GnnProblem(static_cast<int>(state.range(0)), 1);
  Workspace workspace;
  Solution solution;
  for (auto _ : state) {
    const Status status = SolveSparse(costs, solution, workspace);
    benchmark::DoNotOptimize(status.ok());
    benchmark::DoNotOptimize(solution.total_cost);
  }
  state.counters["entries"] = costs.num_entries();
}
BENCHMARK(BM_SparseGnn)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_Dense(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> costs(static_cast<size_t>(n) * n);
  for (double& c : costs) c = unit(rng);
  Workspace workspace;
  Solution solution;
  for (auto _ : state) {
    const Status status = SolveDense(costs, n, n, solution, workspace);
    benchmark::DoNotOptimize(status.ok());
    benchmark::DoNotOptimize(solution.total_cost);
  }
}
BENCHMARK(BM_Dense)->Arg(10)->Arg(100)->Arg(300)->Unit(benchmark::kMicrosecond);

// The dense problem through the sparse solver, for comparison of the two code paths.
void BM_DenseThroughSparse(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  SparseCostMatrix costs;
  costs.Reset(n);
  for (int row = 0; row < n; ++row) {
    for (int col = 0; col < n; ++col) costs.AddEntry(col, unit(rng));
    costs.EndRow();
  }
  Workspace workspace;
  Solution solution;
  for (auto _ : state) {
    const Status status = SolveSparse(costs, solution, workspace);
    benchmark::DoNotOptimize(status.ok());
    benchmark::DoNotOptimize(solution.total_cost);
  }
}
BENCHMARK(BM_DenseThroughSparse)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace biac::assignment

BENCHMARK_MAIN();
