#include "biac/tracking/jpda.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

namespace biac::tracking {
namespace {

struct OwnedProblem {
  std::vector<int> row_begin{0};
  std::vector<int> detections;
  std::vector<double> weights;
  std::vector<double> missed;
  int num_detections = 0;
  JpdaProblem View() const { return {row_begin, detections, weights, missed, num_detections}; }
};

// num_tracks tracks uniform on a 1-D line at one track per 10 m; each is detected with
// Pd = 0.9 at N(0, 1.5 m) offset, plus 20% clutter; a track gates detections within 6 m
// (weight Pd N(d; 0, 1.5) / lambda). Gated detections per track are mostly 1-3 and clusters
// small, as in a moderately dense scene.
OwnedProblem SparseScene(int num_tracks, unsigned seed) {
  std::mt19937 rng(seed);
  const double length = 10.0 * num_tracks;
  std::uniform_real_distribution<double> where(0.0, length);
  std::normal_distribution<double> noise(0.0, 1.5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> tracks(num_tracks), detections;
  for (double& x : tracks) x = where(rng);
  for (double x : tracks) {
    if (unit(rng) < 0.9) detections.push_back(x + noise(rng));
  }
  for (int k = 0; k < num_tracks / 5; ++k) detections.push_back(where(rng));
  OwnedProblem p;
  p.num_detections = static_cast<int>(detections.size());
  const double clutter_density = 0.2 / 10.0;
  for (double x : tracks) {
    for (int j = 0; j < p.num_detections; ++j) {
      const double d = detections[j] - x;
      if (std::abs(d) < 6.0) {
        p.detections.push_back(j);
        p.weights.push_back(0.9 * std::exp(-0.5 * d * d / 2.25) / std::sqrt(2.0 * M_PI * 2.25) /
                            clutter_density);
      }
    }
    p.row_begin.push_back(static_cast<int>(p.detections.size()));
    p.missed.push_back(1.0 - 0.9 * 0.9973);
  }
  return p;
}

// Every one of num_tracks tracks gates every one of num_detections detections.
OwnedProblem DenseCluster(int num_tracks, int num_detections, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  OwnedProblem p;
  p.num_detections = num_detections;
  for (int t = 0; t < num_tracks; ++t) {
    for (int j = 0; j < num_detections; ++j) {
      p.detections.push_back(j);
      p.weights.push_back(std::exp(6.0 * unit(rng) - 3.0));
    }
    p.row_begin.push_back(static_cast<int>(p.detections.size()));
    p.missed.push_back(0.1);
  }
  return p;
}

void Run(benchmark::State& state, const OwnedProblem& p) {
  JpdaSolver solver;
  std::vector<double> entries, missed;
  for (auto _ : state) {
    const Status status = solver.Compute(p.View(), entries, missed);
    benchmark::DoNotOptimize(status.ok());
    benchmark::DoNotOptimize(entries.data());
  }
  state.counters["entries"] = static_cast<double>(p.detections.size());
  state.counters["clusters"] = solver.statistics().num_clusters;
  state.counters["largest"] = solver.statistics().largest_cluster;
  state.counters["nodes"] = static_cast<double>(solver.statistics().num_nodes);
  state.counters["edges"] = static_cast<double>(solver.statistics().num_edges);
}

void BM_SparseScene(benchmark::State& state) {
  Run(state, SparseScene(static_cast<int>(state.range(0)), 1));
}
BENCHMARK(BM_SparseScene)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_DenseCluster(benchmark::State& state) {
  Run(state, DenseCluster(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 2));
}
BENCHMARK(BM_DenseCluster)->Args({6, 8})->Args({10, 12})->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace biac::tracking

BENCHMARK_MAIN();
