#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "biac/metrics/ospa.h"

namespace biac::metrics {
namespace {

// n truths uniform in a square sized for a fixed density (one per 1 km^2); tracks are the
// truths displaced by 30 m noise, 10% of them dropped and replaced by false tracks placed
// uniformly; c = 100 m.
void MakeSets(int n, std::vector<Eigen::Vector3d>& tracks, std::vector<Eigen::Vector3d>& truths) {
  std::mt19937 rng(3);
  const double side = 1000.0 * std::sqrt(static_cast<double>(n));
  std::uniform_real_distribution<double> uniform(0.0, side);
  std::normal_distribution<double> noise(0.0, 30.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  truths.clear();
  tracks.clear();
  for (int k = 0; k < n; ++k) {
    const Eigen::Vector3d truth(uniform(rng), uniform(rng), 0.0);
    truths.push_back(truth);
    if (unit(rng) < 0.9) {
      tracks.push_back(truth + Eigen::Vector3d(noise(rng), noise(rng), 0.0));
    } else {
      tracks.emplace_back(uniform(rng), uniform(rng), 0.0);
    }
  }
}

void BM_Gospa(benchmark::State& state) {
  std::vector<Eigen::Vector3d> tracks, truths;
  MakeSets(static_cast<int>(state.range(0)), tracks, truths);
  SetDistanceWorkspace workspace;
  const GospaOptions options{100.0, 1.0};
  for (auto _ : state) {
    const Result<GospaComponents> g = Gospa(tracks, truths, options, workspace);
    benchmark::DoNotOptimize(g.ok());
  }
}
BENCHMARK(BM_Gospa)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_Ospa(benchmark::State& state) {
  std::vector<Eigen::Vector3d> tracks, truths;
  MakeSets(static_cast<int>(state.range(0)), tracks, truths);
  SetDistanceWorkspace workspace;
  const OspaOptions options{100.0, 2.0};
  for (auto _ : state) {
    const Result<double> d = Ospa(tracks, truths, options, workspace);
    benchmark::DoNotOptimize(d.ok());
  }
}
BENCHMARK(BM_Ospa)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace biac::metrics

BENCHMARK_MAIN();
