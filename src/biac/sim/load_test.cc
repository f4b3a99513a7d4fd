#include "biac/sim/load.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "biac/formats/ais/nmea.h"
#include "biac/formats/asterix/record.h"

namespace biac::sim {
namespace {

// The defaults aim at issue 5 §4's load: 20,000 tracks, 50,000 observations/s. With 4 radars
// of period 4 s and pd 0.9 (18,000 plots/s) and ships every 6 s on average, 2 A + S / 6 =
// 32,000 with A + S = 20,000 gives A = 15,636 aircraft and S = 4,364 ships.
TEST(PlanLoad, DefaultsGiveFiftyThousandObservationsPerSecond) {
  Result<LoadPlan> plan = PlanLoad({});
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_EQ(plan->aircraft, 15636);
  EXPECT_EQ(plan->ships, 4364);
  EXPECT_NEAR(plan->total_observations(), 50000.0, 5.0);
  EXPECT_NEAR(plan->radar_observations, 18000.0, 1e-9);
}

TEST(PlanLoad, RejectsBadOptions) {
  EXPECT_FALSE(PlanLoad({.tracks = 0}).ok());
  EXPECT_FALSE(PlanLoad({.radar_pd = 1.5}).ok());
  EXPECT_FALSE(PlanLoad({.half_size_deg = 6.0}).ok());  // beyond CAT048's 256 NM
}

LoadOptions SmallLoad(uint64_t seed) {
  return {.seed = seed, .tracks = 1000, .observations_per_second = 2000, .radars = 2};
}

std::vector<WireRecord> Generate(const LoadOptions& options, double seconds, LoadGenerator** keep) {
  Result<std::unique_ptr<LoadGenerator>> g = LoadGenerator::Create(options);
  EXPECT_TRUE(g.ok());
  std::vector<WireRecord> out;
  // In steps, as a sender would call it.
  for (int step = 1; step <= static_cast<int>(seconds * 4); ++step) {
    EXPECT_TRUE((*g)->Next(options.start + FromSeconds(0.25 * step), out).ok());
  }
  if (keep != nullptr) *keep = g->release();
  return out;
}

TEST(LoadGenerator, RateOrderAndFraming) {
  const LoadOptions options = SmallLoad(1);
  LoadGenerator* g = nullptr;
  const double seconds = 20.0;
  const std::vector<WireRecord> records = Generate(options, seconds, &g);
  std::unique_ptr<LoadGenerator> owned(g);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(g->records(), records.size());
  // Observations per second within 5 % of the plan (the first seconds lack a few: aircraft's
  // first CPR frame, partial first scans).
  const double rate = static_cast<double>(g->observations()) / seconds;
  EXPECT_NEAR(rate, g->plan().total_observations(), 0.05 * g->plan().total_observations());
  ASSERT_EQ(g->sources().size(), 4u);  // ais, adsb, 2 radars
  std::map<std::string, size_t> per_source;
  formats::ais::NmeaDecoder nmea;
  formats::ais::DecodedMessage message;
  size_t plots = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const WireRecord& r = records[i];
    if (i > 0) ASSERT_LE(records[i - 1].send_time, r.send_time);
    ASSERT_LE(r.send_time, options.start + FromSeconds(seconds));
    ++per_source[r.source];
    if (r.format == WireFormat::kAisNmea) {
      Result<formats::ais::NmeaDecoder::Outcome> o =
          nmea.Feed(std::string_view(r.bytes).substr(0, r.bytes.size() - 2), message);
      ASSERT_TRUE(o.ok()) << o.error().message();
    } else if (r.format == WireFormat::kAsterix) {
      const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(r.bytes.data()),
                                           r.bytes.size());
      Result<formats::asterix::DataBlock> block = formats::asterix::ReadDataBlock(bytes);
      ASSERT_TRUE(block.ok());
      EXPECT_EQ(block->size, r.bytes.size());
      EXPECT_LE(r.bytes.size(), 1472u);  // one Ethernet-MTU UDP datagram
      std::span<const uint8_t> rest = block->records;
      while (!rest.empty()) {
        formats::asterix::RecordView view;
        formats::asterix::DecodeFailure failure;
        ASSERT_TRUE(formats::asterix::DecodeRecord(*formats::asterix::DefaultEdition(48), rest,
                                                   view, failure));
        rest = rest.subspan(view.bytes.size());
        ++plots;
      }
    } else {
      EXPECT_EQ(r.format, WireFormat::kBeast);
    }
  }
  EXPECT_EQ(per_source.size(), 4u);
  EXPECT_NEAR(static_cast<double>(plots) / seconds, g->plan().radar_observations,
              0.05 * g->plan().radar_observations);
}

TEST(LoadGenerator, DeterministicInSeed) {
  const std::vector<WireRecord> a = Generate(SmallLoad(7), 5.0, nullptr);
  const std::vector<WireRecord> b = Generate(SmallLoad(7), 5.0, nullptr);
  const std::vector<WireRecord> c = Generate(SmallLoad(8), 5.0, nullptr);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].bytes, b[i].bytes) << i;
    ASSERT_EQ(a[i].send_time, b[i].send_time) << i;
  }
  bool differs = a.size() != c.size();
  for (size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].bytes != c[i].bytes;
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace biac::sim
