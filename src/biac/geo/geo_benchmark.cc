#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "biac/geo/coordinates.h"
#include "biac/geo/geodesic.h"
#include "biac/geo/local_frame.h"

namespace biac::geo {
namespace {

constexpr int kPoints = 4096;

// Points within 300 km of (50 N, 5 E) at 0-12 km altitude: a tracker's surveillance volume.
std::vector<Lla> LocalPoints() {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dlat(-2.7, 2.7);
  std::uniform_real_distribution<double> dlon(-4.0, 4.0);
  std::uniform_real_distribution<double> altitude(0.0, 12000.0);
  std::vector<Lla> points(kPoints);
  for (Lla& p : points) p = {50.0 + dlat(rng), 5.0 + dlon(rng), altitude(rng)};
  return points;
}

void BM_LlaToEcef(benchmark::State& state) {
  const std::vector<Lla> points = LocalPoints();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(LlaToEcef(points[i++ % kPoints]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LlaToEcef);

void BM_EcefToLla(benchmark::State& state) {
  std::vector<Ecef> points;
  for (const Lla& p : LocalPoints()) points.push_back(*LlaToEcef(p));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(EcefToLla(points[i++ % kPoints]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EcefToLla);

void BM_LocalFrameLlaToEnu(benchmark::State& state) {
  const std::vector<Lla> points = LocalPoints();
  const LocalFrame frame = *LocalFrame::Create({50.0, 5.0, 0.0});
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(frame.LlaToEnu(points[i++ % kPoints]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LocalFrameLlaToEnu);

void BM_LocalFrameEcefToEnu(benchmark::State& state) {
  std::vector<Ecef> points;
  for (const Lla& p : LocalPoints()) points.push_back(*LlaToEcef(p));
  const LocalFrame frame = *LocalFrame::Create({50.0, 5.0, 0.0});
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(frame.EcefToEnu(points[i++ % kPoints]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LocalFrameEcefToEnu);

void BM_GeodesicInverse(benchmark::State& state) {
  const std::vector<Lla> points = LocalPoints();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(GeodesicInverse(points[i % kPoints], points[(i + 1) % kPoints]));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeodesicInverse);

void BM_GeodesicDirect(benchmark::State& state) {
  const std::vector<Lla> points = LocalPoints();
  size_t i = 0;
  for (auto _ : state) {
    const double azimuth = static_cast<double>(i % 360);
    benchmark::DoNotOptimize(GeodesicDirect(points[i % kPoints], azimuth, 150000.0));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeodesicDirect);

}  // namespace
}  // namespace biac::geo

BENCHMARK_MAIN();
