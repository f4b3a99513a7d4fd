// The live stream's binary encoding (track_codec.h) of a 20,000-track snapshot, as the
// streamer encodes it for each binary client: tracks in id order, labels in runs of a few
// tracks (one sensor's or one area's tracks share one), four distinct labels.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "biac/api/test_track.h"
#include "biac/api/track_codec.h"

namespace biac::api {
namespace {

void BM_EncodeBinarySnapshot(benchmark::State& state) {
  const char* labels[] = {"UNCLASSIFIED", "SECRET//REL TO USA, JPN", "SECRET//NOFORN",
                          "CONFIDENTIAL//REL TO USA, JPN"};
  constexpr size_t kTracks = 20'000;
  const size_t run = static_cast<size_t>(state.range(0));  // tracks in a row with one label
  std::vector<model::FusedTrack> owned;
  owned.reserve(kTracks);
  for (size_t i = 0; i < kTracks; ++i) {
    owned.push_back(test_support::Track(i + 1, 20 + 1e-3 * static_cast<double>(i), 130,
                                        labels[(i / run) % std::size(labels)]));
  }
  std::vector<const model::FusedTrack*> tracks;
  for (const model::FusedTrack& t : owned) tracks.push_back(&t);
  for (auto _ : state) {
    std::string m = EncodeBinaryMessage(kBinarySnapshot, owned.front().time, tracks, {});
    benchmark::DoNotOptimize(m.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kTracks));
}
BENCHMARK(BM_EncodeBinarySnapshot)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace biac::api

BENCHMARK_MAIN();
