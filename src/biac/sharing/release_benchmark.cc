// Cost of the canonical picture JSON (written once per audience in the differential test and
// per release) and of a release with coarsening and source-identity rules. Items are tracks.

#include "biac/sharing/release.h"

#include <benchmark/benchmark.h>

#include <string>

#include "biac/labels/label.h"
#include "biac/model/picture_json.h"

namespace biac::sharing {
namespace {

constexpr int kTracks = 1000;

model::Picture MakePicture() {
  const labels::Label label = *labels::Parse("SECRET//REL TO USA, JPN");
  model::Picture picture;
  picture.time = Timestamp::FromNanos(1'717'200'000'000'000'000);
  for (int i = 0; i < kTracks; ++i) {
    model::FusedTrack t;
    t.id = static_cast<uint64_t>(i + 1);
    t.time = picture.time;
    t.position = {24.0 + i * 0.00731, 123.0 + i * 0.00917, 0};
    t.velocity_enu = {3.1 + i * 0.01, -4.7, 0};
    for (int r = 0; r < 6; ++r) t.covariance(r, r) = 25.0 + r + i * 0.1;
    t.identity.mmsi = 431000000u + static_cast<uint32_t>(i);
    t.identity.name = "MARU " + std::to_string(i);
    t.identity.track_numbers = {{"jpn-node", static_cast<uint32_t>(i)}};
    t.domain = model::Domain::kSea;
    t.category = "70";
    t.label = label;
    t.sources = {"ais-naha", "radar-us"};
    for (uint64_t k = 0; k < 20; ++k) t.provenance.push_back(k * kTracks + t.id);
    t.updates = 20;
    picture.tracks.push_back(std::move(t));
  }
  return picture;
}

void BM_PictureToJson(benchmark::State& state) {
  const model::Picture picture = MakePicture();
  for (auto _ : state) benchmark::DoNotOptimize(model::PictureToJson(picture));
  state.SetItemsProcessed(state.iterations() * kTracks);
}
BENCHMARK(BM_PictureToJson);

void BM_PictureFromJson(benchmark::State& state) {
  const std::string json = model::PictureToJson(MakePicture());
  for (auto _ : state) benchmark::DoNotOptimize(model::PictureFromJson(json));
  state.SetItemsProcessed(state.iterations() * kTracks);
}
BENCHMARK(BM_PictureFromJson);

void BM_Release(benchmark::State& state) {
  const model::Picture picture = MakePicture();
  RuleSet rules;
  SanitisationRule coarse;
  coarse.name = "coarse";
  coarse.coarsen_position_m = 1000;
  coarse.drop_source_identity = true;
  rules.rules = {coarse};
  PartnerPolicy partner;
  partner.partner = "jpn-node";
  partner.audience.clearance = labels::Level::kSecret;
  partner.audience.nationality = "JPN";
  partner.rules = {"coarse"};
  for (auto _ : state) benchmark::DoNotOptimize(Release(picture, partner, rules));
  state.SetItemsProcessed(state.iterations() * kTracks);
}
BENCHMARK(BM_Release);

}  // namespace
}  // namespace biac::sharing

BENCHMARK_MAIN();
