// The node's fusion work at the load test's figures (issue 5 §4, docs/node-load.md), without
// sockets, store or streamer: what the fusion thread of `biac serve` does per observation.
//
// Setup (not timed): 20 s of sim::LoadGenerator's load (20,000 targets, 50,000
// observations/s, 5 radars turning in 3 s, as bench/node_load's defaults) decoded with the
// node's own decoders (app::FeedDecoder). Timed: a fresh fusion::MultiAudienceFusion with the
// live node's engine options (lag 0.05 s, late window 1 s, provenance of 32, spatial index)
// for the two audiences of the load test, given every observation at its send time,
// publishing every 50 ms of feed time (PublishAll, as Node::Publish; the clock is advanced to
// the feed time at each publication, which the node does only when its feeds pause). items/s is observations
// fused per second of CPU; the counters give the work's shape and `picture` a fingerprint of
// the final picture, so that a change meant to cost less can show it changes nothing.
//
//   fusion_load_benchmark --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "biac/app/feed_decode.h"
#include "biac/fusion/release.h"
#include "biac/labels/access.h"
#include "biac/model/picture.h"
#include "biac/sim/load.h"

namespace biac {
namespace {

constexpr double kSeconds = 20.0;

struct Feed {
  std::vector<model::Observation> observations;
  std::vector<Timestamp> arrival;
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fusion_load_benchmark: %s\n", what.c_str());
  std::abort();
}

const Feed& LoadFeed() {
  static const Feed feed = [] {
    sim::LoadOptions options;
    options.radars = 5;
    options.radar_period_s = 3.0;
    Result<std::unique_ptr<sim::LoadGenerator>> generator = sim::LoadGenerator::Create(options);
    if (!generator.ok()) Fail(generator.status().message());
    std::vector<std::unique_ptr<app::FeedDecoder>> decoders;
    std::vector<std::string> names;
    for (const sim::WireSourceConfig& s : (*generator)->sources()) {
      sim::WireSourceConfig labelled = s;
      labelled.label_text = s.format == sim::WireFormat::kAsterix ? "SECRET//REL TO USA, JPN"
                                                                  : "UNCLASSIFIED";
      Result<std::unique_ptr<app::FeedDecoder>> d =
          app::FeedDecoder::Create(app::FeedSourceConfigFrom(labelled));
      if (!d.ok()) Fail(d.status().message());
      decoders.push_back(std::move(d).value());
      names.push_back(s.source);
    }
    std::vector<sim::WireRecord> records;
    Status s = (*generator)->Next(options.start + FromSeconds(kSeconds), records);
    if (!s.ok()) Fail(s.message());
    Feed out;
    std::vector<model::Observation> scratch;
    for (const sim::WireRecord& r : records) {
      size_t k = 0;
      while (k < names.size() && names[k] != r.source) ++k;
      if (k == names.size()) Fail("record of an unknown source " + r.source);
      scratch.clear();
      decoders[k]->Decode({reinterpret_cast<const uint8_t*>(r.bytes.data()), r.bytes.size()},
                          r.send_time, scratch, nullptr);
      for (model::Observation& o : scratch) {
        out.observations.push_back(std::move(o));
        out.arrival.push_back(r.send_time);
      }
    }
    return out;
  }();
  return feed;
}

std::vector<fusion::Audience> Audiences() {
  std::vector<fusion::Audience> audiences;
  for (const char* nation : {"USA", "JPN"}) {
    labels::User user;
    user.clearance = labels::Level::kSecret;
    user.nationality = nation;
    audiences.push_back({std::string(nation) + "-analyst", user});
  }
  return audiences;
}

// FNV-1a over every track's number, time and position bits: equal pictures, equal values.
uint32_t Fingerprint(const model::Picture& picture) {
  uint32_t h = 2166136261u;
  auto mix = [&](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 16777619u;
  };
  for (const model::FusedTrack& t : picture.tracks) {
    const int64_t time = t.time.nanos();
    mix(&t.id, sizeof t.id);
    mix(&time, sizeof time);
    mix(&t.position.latitude_deg, sizeof(double));
    mix(&t.position.longitude_deg, sizeof(double));
  }
  return h;
}

void BM_FuseTheLoad(benchmark::State& state) {
  const Feed& feed = LoadFeed();
  fusion::EngineOptions options;
  options.lag_s = 0.05;          // bench/node_load's [fusion] lag_s
  options.late_s = 1.0;          // the node's default (app/serve_config.cc)
  options.provenance_limit = 32;  // the node's default
  const Duration publish_every = FromSeconds(0.05);
  size_t tracks = 0;
  uint64_t too_late = 0;
  uint64_t applied_late = 0;
  uint32_t fingerprint = 0;
  for (auto _ : state) {
    // The node hands its decoded observations over (moved); the copy made here is not timed.
    state.PauseTiming();
    std::vector<model::Observation> observations = feed.observations;
    state.ResumeTiming();
    fusion::MultiAudienceFusion fusion(Audiences(), options);
    Timestamp next_publish = feed.arrival.front() + publish_every;
    for (size_t i = 0; i < feed.observations.size(); ++i) {
      if (feed.arrival[i] >= next_publish) {
        fusion.AdvanceClock(feed.arrival[i]);
        std::vector<fusion::SharedPicture> pictures = fusion.PublishAll(false);
        tracks = pictures.front().tracks.size();
        next_publish = next_publish + publish_every;
      }
      fusion.Add(std::move(observations[i]), feed.arrival[i]);
    }
    fingerprint = Fingerprint(fusion.Snapshot(0, false));
    too_late = fusion.counters(0).too_late;
    applied_late = fusion.counters(0).applied_late;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * feed.observations.size()));
  state.counters["observations"] = static_cast<double>(feed.observations.size());
  state.counters["tracks"] = static_cast<double>(tracks);
  state.counters["too_late"] = static_cast<double>(too_late);
  state.counters["applied_late"] = static_cast<double>(applied_late);
  state.counters["picture"] = static_cast<double>(fingerprint);
}

BENCHMARK(BM_FuseTheLoad)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace biac

BENCHMARK_MAIN();
