#include <benchmark/benchmark.h>

#include "biac/sim/builtin.h"
#include "biac/sim/csv.h"
#include "biac/sim/mtt_cv2d.h"

namespace biac::sim {
namespace {

// Whole MTT-CV2D generation: args = targets, scans.
void BM_MttCv2d(benchmark::State& state) {
  MttCv2dOptions options;
  options.targets = static_cast<int>(state.range(0));
  options.scans = static_cast<int>(state.range(1));
  std::size_t detections = 0;
  for (auto _ : state) {
    const SimulationOutput out = GenerateMttCv2d(options);
    detections = out.detections.size();
    benchmark::DoNotOptimize(out.detections.data());
  }
  state.counters["detections"] = static_cast<double>(detections);
  state.counters["det/s"] = benchmark::Counter(static_cast<double>(detections) * state.iterations(),
                                               benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MttCv2d)->Args({1000, 100})->Args({100000, 1})->Unit(benchmark::kMillisecond);

// Formatting detections.csv for MTT-CV2D N = 1000.
void BM_MttCv2dDetectionsCsv(benchmark::State& state) {
  MttCv2dOptions options;
  options.targets = 1000;
  const SimulationOutput out = GenerateMttCv2d(options);
  for (auto _ : state) {
    const std::string text = DetectionsCsv(out);
    benchmark::DoNotOptimize(text.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(out.detections.size()));
}
BENCHMARK(BM_MttCv2dDetectionsCsv)->Unit(benchmark::kMillisecond);

// One Monte Carlo realisation of BLK ATC detections from a fixed truth.
void BM_BlkAtcDetections(benchmark::State& state) {
  const Scenario scenario = *BuiltinScenario("blk-atc");
  const Truth truth = GenerateTruth(scenario);
  std::uint64_t seed = 1;
  for (auto _ : state) {
    const std::vector<Detection> d = GenerateDetections(scenario, truth, seed++);
    benchmark::DoNotOptimize(d.data());
  }
}
BENCHMARK(BM_BlkAtcDetections)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace biac::sim

BENCHMARK_MAIN();
