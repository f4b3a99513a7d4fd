#include <gtest/gtest.h>

#include <cmath>

#include "biac/api/picture_hub.h"
#include "biac/api/prometheus.h"
#include "biac/api/stream.h"
#include "biac/labels/label.h"

namespace biac::api {
namespace {

model::FusedTrack Track(uint64_t id, double lat, double lon, const char* label) {
  model::FusedTrack t;
  t.id = id;
  t.time = Timestamp::FromNanos(1'780'272'000'123'000'000);
  t.position = {lat, lon, 1000.0};
  t.has_altitude = true;
  t.velocity_enu = Eigen::Vector3d(3.0, 4.0, 0.0);
  t.covariance(0, 0) = 100;
  t.covariance(1, 1) = 300;
  t.domain = model::Domain::kAir;
  t.label = *labels::Parse(label);
  t.identity.icao_address = 0x4840d6;
  t.identity.callsign = "KLM\"1";
  t.sources = {"adsb", "us-radar"};
  t.updates = 7;
  return t;
}

TEST(BoundingBox, ParsesAndSpansTheAntimeridian) {
  auto box = ParseBoundingBox("170,-10,-170,10");
  ASSERT_TRUE(box.ok());
  EXPECT_TRUE(box->Contains(0, 175));
  EXPECT_TRUE(box->Contains(0, -175));
  EXPECT_FALSE(box->Contains(0, 0));
  EXPECT_FALSE(box->Contains(11, 175));
  auto plain = ParseBoundingBox("120,20,130,30");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->Contains(25, 125));
  EXPECT_FALSE(plain->Contains(25, 131));
  for (const char* bad : {"", "1,2,3", "1,2,3,4,5", "a,2,3,4", "0,10,1,5", "0,-91,1,5",
                          "181,0,1,1", "1,2,3,nan"}) {
    EXPECT_FALSE(ParseBoundingBox(bad).ok()) << bad;
  }
}

// The track forms (compact JSON, binary) are tested in track_codec_test.cc.

TEST(Prometheus, WritesTheExpositionFormat) {
  LatencyHistogram h;
  h.Observe(0.0004);
  h.Observe(0.03);
  h.Observe(0.03);
  h.Observe(100);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.QuantileUpperBound(0.5), 0.05);
  EXPECT_DOUBLE_EQ(h.QuantileUpperBound(0.25), 0.001);
  EXPECT_TRUE(std::isinf(h.QuantileUpperBound(0.99)));
  MetricsWriter w;
  w.Counter("biac_x_total", "X things.", 3, {{"source", "a\"b"}});
  w.Counter("biac_x_total", "X things.", 4, {{"source", "c"}});
  w.Histogram("biac_h_seconds", "H.", h);
  const std::string& t = w.text();
  EXPECT_EQ(t.find("# HELP biac_x_total X things.\n# TYPE biac_x_total counter\n"
                   "biac_x_total{source=\"a\\\"b\"} 3\nbiac_x_total{source=\"c\"} 4\n"),
            0u);
  EXPECT_NE(t.find("biac_h_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(t.find("biac_h_seconds_bucket{le=\"0.05\"} 3\n"), std::string::npos);
  EXPECT_NE(t.find("biac_h_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(t.find("biac_h_seconds_count 4\n"), std::string::npos);
}

TEST(PictureHub, PublishesPerAudienceAndFindsTracks) {
  PictureHub hub({"us", "jpn"});
  EXPECT_EQ(hub.IndexOf("jpn"), 1u);
  EXPECT_FALSE(hub.IndexOf("gbr").has_value());
  model::Picture p;
  p.tracks = {Track(2, 1, 1, "UNCLASSIFIED"), Track(7, 2, 2, "UNCLASSIFIED")};
  hub.Publish(1, p, Timestamp::FromNanos(5));
  EXPECT_EQ(hub.WaitNewer(0, std::chrono::milliseconds(1)), 1u);
  EXPECT_TRUE(hub.Latest(0)->picture.tracks.empty());
  const auto latest = hub.Latest(1);
  ASSERT_NE(latest->Find(7), nullptr);
  EXPECT_EQ(latest->Find(7)->id, 7u);
  EXPECT_EQ(latest->Find(3), nullptr);
}

}  // namespace
}  // namespace biac::api
