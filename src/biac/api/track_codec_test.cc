#include "biac/api/track_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "biac/api/test_track.h"
#include "biac/labels/label.h"

namespace biac::api {
namespace {

using test_support::Track;

template <typename T>
T At(const std::string& s, size_t offset) {
  T v;
  std::memcpy(&v, s.data() + offset, sizeof(T));
  return v;
}

// Reads the string table at `p` (u16 count { u16 length, bytes }*) and moves `p` past it.
std::vector<std::string> Strings(const std::string& m, size_t& p) {
  std::vector<std::string> out(At<uint16_t>(m, p));
  p += 2;
  for (std::string& s : out) {
    const uint16_t length = At<uint16_t>(m, p);
    s = m.substr(p + 2, length);
    p += 2 + length;
  }
  return out;
}

TEST(TrackCodec, CompactJsonCarriesTheStateIdentityAndLabel) {
  const std::string json = CompactTrack(Track(12, 26.5, 127.75, "SECRET//REL TO USA, JPN"));
  // sog = hypot(3, 4) = 5; cog = atan2(3, 4) = 36.87 deg; sd = sqrt((100 + 300) / 2) = 14.14.
  EXPECT_EQ(json,
            "{\"id\":12,\"t\":1780272000123,\"lat\":26.5000000,\"lon\":127.7500000,\"alt\":1000.0,"
            "\"ve\":3.00,\"vn\":4.00,\"vu\":0.00,\"sog\":5.00,\"cog\":36.9,\"sd\":14.1,"
            "\"dom\":\"air\",\"label\":\"SECRET//REL TO USA, JPN\",\"icao\":\"4840d6\","
            "\"cs\":\"KLM\\\"1\",\"src\":[\"adsb\",\"us-radar\"],\"n\":7}");
}

TEST(TrackCodec, CompactJsonCarriesTheCategory) {
  model::FusedTrack t = Track(3, 0, 0, "UNCLASSIFIED");
  t.category = "a-f-A-M-F-Q";
  const std::string json = CompactTrack(t);
  EXPECT_NE(json.find(",\"dom\":\"air\",\"cat\":\"a-f-A-M-F-Q\",\"label\":"), std::string::npos)
      << json;
}

TEST(TrackCodec, BinaryMessageLayout) {
  model::FusedTrack a = Track(5, 26.5, 127.75, "UNCLASSIFIED");
  a.category = "a-f-A-M-F-Q";
  model::FusedTrack b = Track(9, -33.25, -70.5, "SECRET//NOFORN");
  b.sources = {"adsb"};
  model::FusedTrack c = Track(11, 1, 2, "UNCLASSIFIED");
  c.sources.clear();
  c.has_altitude = false;
  const model::FusedTrack* tracks[] = {&a, &b, &a, &c};
  const uint64_t removed[] = {3, 4};
  const Timestamp time = Timestamp::FromNanos(1'780'272'001'000'000'000);
  const std::string m = EncodeBinaryMessage(kBinaryDelta, time, tracks, removed);
  ASSERT_EQ(m.substr(0, 2), "BT");
  EXPECT_EQ(At<uint8_t>(m, 2), 2);
  EXPECT_EQ(At<uint8_t>(m, 3), kBinaryDelta);
  EXPECT_EQ(At<int64_t>(m, 4), 1780272001000);
  size_t p = 12;
  // Labels first, then categories and source sets in first-use order.
  EXPECT_EQ(Strings(m, p), (std::vector<std::string>{"UNCLASSIFIED", "SECRET//NOFORN",
                                                      "a-f-A-M-F-Q", "adsb\x1fus-radar", "adsb"}));
  ASSERT_EQ(At<uint32_t>(m, p), 4u);
  p += 4;
  const size_t records = p;
  const size_t second = p + kBinaryRecordSize;
  EXPECT_EQ(At<uint32_t>(m, second), 9u);
  EXPECT_EQ(At<int32_t>(m, second + 4), -877);  // 1780272000123 - 1780272001000
  EXPECT_EQ(At<int32_t>(m, second + 8), -332500000);
  EXPECT_EQ(At<int32_t>(m, second + 12), -705000000);
  EXPECT_FLOAT_EQ(At<float>(m, second + 16), 1000.0f);
  EXPECT_FLOAT_EQ(At<float>(m, second + 20), 3.0f);
  EXPECT_FLOAT_EQ(At<float>(m, second + 24), 4.0f);
  EXPECT_EQ(At<uint16_t>(m, second + 28), 1);  // label index
  EXPECT_EQ(At<uint8_t>(m, second + 30), static_cast<uint8_t>(model::Domain::kAir));
  EXPECT_EQ(At<uint8_t>(m, second + 31), 1);  // has altitude
  const size_t fourth = records + 3 * kBinaryRecordSize;
  EXPECT_EQ(At<uint32_t>(m, fourth), 11u);
  EXPECT_TRUE(std::isnan(At<float>(m, fourth + 16)));
  EXPECT_EQ(At<uint16_t>(m, fourth + 28), 0);
  EXPECT_EQ(At<uint8_t>(m, fourth + 31), 0);
  p += 4 * kBinaryRecordSize;
  ASSERT_EQ(At<uint32_t>(m, p), 2u);
  EXPECT_EQ(At<uint32_t>(m, p + 4), 3u);
  EXPECT_EQ(At<uint32_t>(m, p + 8), 4u);
  p += 12;
  // The attributes block: (type, sources) per record.
  const uint16_t expected[] = {2, 3, kNoString, 4, 2, 3, kNoString, kNoString};
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(At<uint16_t>(m, p + 2 * i), expected[i]) << i;
  }
  EXPECT_EQ(m.size(), p + 4 * kBinaryAttributesSize);
}

// Each record's label index names its own label, however the labels alternate (the encoder
// compares a track's label with the previous track's first).
TEST(TrackCodec, BinaryLabelIndexesFollowEachTrack) {
  const char* texts[] = {"UNCLASSIFIED", "UNCLASSIFIED", "SECRET//NOFORN", "UNCLASSIFIED",
                         "SECRET//REL TO USA, JPN", "SECRET//NOFORN", "SECRET//REL TO USA, JPN"};
  std::vector<model::FusedTrack> owned;
  for (size_t i = 0; i < std::size(texts); ++i) owned.push_back(Track(i + 1, 1, 2, texts[i]));
  std::vector<const model::FusedTrack*> tracks;
  for (const model::FusedTrack& t : owned) tracks.push_back(&t);
  const std::string m = EncodeBinaryMessage(kBinarySnapshot, Timestamp::FromNanos(0), tracks, {});
  size_t p = 12;
  const std::vector<std::string> strings = Strings(m, p);
  ASSERT_GE(strings.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(strings.begin(), strings.begin() + 3),
            (std::vector<std::string>{"UNCLASSIFIED", "SECRET//NOFORN", "SECRET//REL TO USA, JPN"}));
  ASSERT_EQ(At<uint32_t>(m, p), std::size(texts));
  p += 4;
  const uint16_t expected[] = {0, 0, 1, 0, 2, 1, 2};
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(At<uint16_t>(m, p + i * kBinaryRecordSize + 28), expected[i]) << i;
  }
}

TEST(TrackCodec, EmptyBinaryMessage) {
  const std::string m = EncodeBinaryMessage(kBinarySnapshot, Timestamp::FromNanos(-1), {}, {});
  // Header 12 bytes, no strings (2), no records (4), none removed (4), no attributes.
  ASSERT_EQ(m.size(), 22u);
  EXPECT_EQ(At<uint8_t>(m, 3), kBinarySnapshot);
  EXPECT_EQ(At<int64_t>(m, 4), -1);  // floor of -1 ns in milliseconds
  EXPECT_EQ(At<uint16_t>(m, 12), 0);
  EXPECT_EQ(At<uint32_t>(m, 14), 0u);
  EXPECT_EQ(At<uint32_t>(m, 18), 0u);
}

}  // namespace
}  // namespace biac::api
