// Records per second the load generator produces (load.h): the node's load test needs 50,000
// observations/s (about 80,000 records/s with ADS-B velocity and status frames), so the
// generator must run far faster than that on one core.

#include "biac/sim/load.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

namespace biac::sim {
namespace {

void BM_LoadGenerator(benchmark::State& state) {
  LoadOptions options;  // 20,000 tracks, 50,000 observations/s
  Result<std::unique_ptr<LoadGenerator>> g = LoadGenerator::Create(options);
  if (!g.ok()) {
    state.SkipWithError(g.error().message().c_str());
    return;
  }
  std::vector<WireRecord> out;
  Timestamp until = options.start;
  const Duration step = std::chrono::milliseconds(100);
  uint64_t records = 0;
  uint64_t observations = (*g)->observations();
  for (auto _ : state) {
    until = until + step;
    out.clear();
    const Status status = (*g)->Next(until, out);
    if (!status.ok()) {
      state.SkipWithError(status.message().c_str());
      return;
    }
    records += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["observations_per_second"] = benchmark::Counter(
      static_cast<double>((*g)->observations() - observations), benchmark::Counter::kIsRate);
  state.counters["simulated_seconds"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 0.1);
}
BENCHMARK(BM_LoadGenerator)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace biac::sim

BENCHMARK_MAIN();
