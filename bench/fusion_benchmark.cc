// The cost of per-audience release (issue 4 §3): the Kyushu/Okinawa scenario (docs/sim.md)
// fused for one audience and for its four audiences, in one process so the ratio is taken
// under the same machine noise. Each iteration feeds every observation in arrival order into
// a fresh MultiAudienceFusion, takes each audience's live picture every 10 s of feed time (as
// a display refreshing at 0.1 Hz would; the NoSnapshots variants skip them) and flushes. The figure to read is
// four_audiences / one_audience (target <= 3).
//
//   fusion_benchmark --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "biac/fusion/release.h"
#include "biac/sim/multisource.h"

namespace biac {
namespace {

const sim::MultiSourceScenario& Scenario() {
  static const sim::MultiSourceScenario scenario = [] {
    Result<sim::MultiSourceScenario> s = sim::BuiltinMultiSource("kyushu-okinawa", 1);
    if (!s.ok()) {
      std::fprintf(stderr, "fusion_benchmark: %s\n", s.status().message().c_str());
      std::abort();
    }
    return *s;
  }();
  return scenario;
}

void Run(benchmark::State& state, size_t audience_count, bool snapshots) {
  const sim::MultiSourceScenario& scenario = Scenario();
  std::vector<fusion::Audience> audiences;
  for (size_t a = 0; a < audience_count && a < scenario.audiences.size(); ++a) {
    audiences.push_back({scenario.audiences[a].name, scenario.audiences[a].user});
  }
  size_t tracks = 0;
  size_t views = 0;
  for (auto _ : state) {
    fusion::MultiAudienceFusion fusion(audiences, fusion::EngineOptions{});
    Timestamp next_snapshot = scenario.start;
    for (size_t i = 0; i < scenario.observations.size(); ++i) {
      fusion.Add(scenario.observations[i], scenario.arrival[i]);
      if (snapshots && scenario.arrival[i] >= next_snapshot) {
        for (size_t a = 0; a < audiences.size(); ++a) {
          benchmark::DoNotOptimize(fusion.Snapshot(a, true));
        }
        next_snapshot = next_snapshot + FromSeconds(10.0);
      }
    }
    fusion.Flush();
    tracks = fusion.Snapshot(0, false).tracks.size();
    views = fusion.view_count();
  }
  state.SetItemsProcessed(state.iterations() * scenario.observations.size());
  state.counters["observations"] = static_cast<double>(scenario.observations.size());
  state.counters["tracks_audience0"] = static_cast<double>(tracks);
  state.counters["engines"] = static_cast<double>(views);
}

void BM_FuseOneAudience(benchmark::State& state) { Run(state, 1, true); }
void BM_FuseFourAudiences(benchmark::State& state) { Run(state, 4, true); }
// Ingest and fusion alone, without the live pictures.
void BM_FuseOneAudienceNoSnapshots(benchmark::State& state) { Run(state, 1, false); }
void BM_FuseFourAudiencesNoSnapshots(benchmark::State& state) { Run(state, 4, false); }

BENCHMARK(BM_FuseOneAudience)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_FuseFourAudiences)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_FuseOneAudienceNoSnapshots)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_FuseFourAudiencesNoSnapshots)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace biac

BENCHMARK_MAIN();
