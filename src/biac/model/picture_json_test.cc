#include "biac/model/picture_json.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "biac/labels/label.h"

namespace biac::model {
namespace {

labels::Label MustParseLabel(std::string_view text) {
  Result<labels::Label> label = labels::Parse(text);
  EXPECT_TRUE(label.ok()) << text << ": " << label.status().ToString();
  return label.ok() ? *label : labels::Label();
}

// Bitwise equality of doubles: NaN equals NaN, -0 differs from +0 (the canonical form keeps
// both apart).
bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) ||
         (std::isnan(a) && std::isnan(b));
}

// Field-by-field comparison (FusedTrack has no operator==; geo::Lla neither).
void ExpectSameTrack(const FusedTrack& a, const FusedTrack& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.time, b.time);
  EXPECT_TRUE(SameBits(a.position.latitude_deg, b.position.latitude_deg));
  EXPECT_TRUE(SameBits(a.position.longitude_deg, b.position.longitude_deg));
  EXPECT_TRUE(SameBits(a.position.altitude_m, b.position.altitude_m));
  EXPECT_EQ(a.has_altitude, b.has_altitude);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(SameBits(a.velocity_enu[i], b.velocity_enu[i])) << i;
  for (int r = 0; r < 6; ++r) {
    for (int c = 0; c < 6; ++c) {
      EXPECT_TRUE(SameBits(a.covariance(r, c), b.covariance(r, c))) << r << "," << c;
    }
  }
  EXPECT_EQ(a.identity.mmsi, b.identity.mmsi);
  EXPECT_EQ(a.identity.icao_address, b.identity.icao_address);
  EXPECT_EQ(a.identity.mode3a, b.identity.mode3a);
  EXPECT_EQ(a.identity.callsign, b.identity.callsign);
  EXPECT_EQ(a.identity.name, b.identity.name);
  EXPECT_EQ(a.identity.track_numbers, b.identity.track_numbers);
  EXPECT_EQ(a.domain, b.domain);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.sources, b.sources);
  EXPECT_EQ(a.provenance, b.provenance);
  EXPECT_EQ(a.updates, b.updates);
}

void ExpectSamePicture(const Picture& a, const Picture& b) {
  EXPECT_EQ(a.time, b.time);
  ASSERT_EQ(a.tracks.size(), b.tracks.size());
  for (size_t i = 0; i < a.tracks.size(); ++i) {
    SCOPED_TRACE("track " + std::to_string(i));
    ExpectSameTrack(a.tracks[i], b.tracks[i]);
  }
}

// 2024-06-01T00:00:00Z = 1717200000 s since the epoch.
constexpr int64_t kJune2024Nanos = 1'717'200'000'000'000'000;

FusedTrack SmallTrack() {
  FusedTrack t;
  t.id = 7;
  t.time = Timestamp::FromNanos(kJune2024Nanos + 500'000'000);
  t.position = {26.2125, 127.6792, 0};
  t.velocity_enu = {1.5, -0.25, 0};
  t.covariance(0, 0) = 100;
  t.covariance(1, 1) = 100;
  t.covariance(3, 3) = 0.5;
  t.covariance(4, 4) = 0.5;
  t.identity.mmsi = 431000123;
  t.identity.name = "SHIP \"A\"";
  t.identity.track_numbers = {{"jpn-node", 42}};
  t.domain = Domain::kSea;
  t.category = "70";
  t.label = MustParseLabel("SECRET//REL TO USA, JPN");
  t.sources = {"ais-naha", "radar-us"};
  t.provenance = {3, 9, 12};
  t.updates = 3;
  return t;
}

// The layout of model/picture_json.h, written out by hand.
TEST(PictureJson, GoldenTrack) {
  EXPECT_EQ(
      FusedTrackToJson(SmallTrack()),
      R"({"id":7,"time":"2024-06-01T00:00:00.500000000Z","position":[26.2125,127.6792,0],)"
      R"("has_altitude":false,"velocity_enu":[1.5,-0.25,0],)"
      R"("covariance":[100,0,0,0,0,0,0,100,0,0,0,0,0,0,0,0,0,0,0,0,0,0.5,0,0,0,0,0,0,0.5,0,)"
      R"(0,0,0,0,0,0],)"
      R"("identity":{"mmsi":431000123,"name":"SHIP \"A\"","track_numbers":[{"source":"jpn-node",)"
      R"("number":42}]},"domain":"sea","category":"70","label":"SECRET//REL TO USA, JPN",)"
      R"("sources":["ais-naha","radar-us"],"provenance":[3,9,12],"updates":3})");
}

TEST(PictureJson, GoldenPicture) {
  Picture empty;
  empty.time = Timestamp::FromNanos(kJune2024Nanos);
  EXPECT_EQ(PictureToJson(empty), R"({"time":"2024-06-01T00:00:00.000000000Z","tracks":[]})");

  Picture two = empty;
  FusedTrack air;
  air.id = 2;
  air.time = Timestamp::FromNanos(kJune2024Nanos);
  air.identity.icao_address = 0x0A1B2C;
  air.identity.mode3a = 07700;
  air.identity.callsign = "JAL123";
  air.domain = Domain::kAir;
  air.label = MustParseLabel("UNCLASSIFIED");
  two.tracks = {SmallTrack(), air};
  const std::string json = PictureToJson(two);
  EXPECT_EQ(json, R"({"time":"2024-06-01T00:00:00.000000000Z","tracks":[)" +
                      FusedTrackToJson(two.tracks[0]) + "," + FusedTrackToJson(air) + "]}");
  // Codes in their conventional digits, padded.
  EXPECT_NE(
      json.find(R"("identity":{"icao_address":"0a1b2c","mode3a":"7700","callsign":"JAL123"})"),
      std::string::npos)
      << json;
  Picture small_code = empty;
  air.identity.mode3a = 012;
  small_code.tracks = {air};
  EXPECT_NE(PictureToJson(small_code).find(R"("mode3a":"0012")"), std::string::npos);
}

TEST(PictureJson, NumbersAndStrings) {
  FusedTrack t;
  t.label = MustParseLabel("UNCLASSIFIED");
  t.position = {-0.0, 1e-300, 1e300};
  t.velocity_enu = {std::numeric_limits<double>::quiet_NaN(),
                    std::numeric_limits<double>::infinity(),
                    -std::numeric_limits<double>::infinity()};
  t.covariance(0, 0) = 0.1;
  t.identity.callsign = std::string("a\x01\n\t\\/b\x7f");
  t.identity.name = "海上保安庁";
  t.category = std::string("ok\xC0\xAF", 4);  // an overlong '/': invalid UTF-8
  const std::string json = FusedTrackToJson(t);
  EXPECT_NE(json.find(R"("position":[-0,1e-300,1e+300])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("velocity_enu":["NaN","Infinity","-Infinity"])"), std::string::npos);
  EXPECT_NE(json.find(R"("covariance":[0.1,0,)"), std::string::npos);
  EXPECT_NE(json.find("\"callsign\":\"a\\u0001\\n\\t\\\\/b\x7f\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"海上保安庁\""), std::string::npos);
  EXPECT_NE(json.find("\"category\":\"ok\xEF\xBF\xBD\xEF\xBF\xBD\""), std::string::npos);
}

// A random picture whose strings are valid UTF-8 (the round-trip contract).
Picture RandomPicture(std::mt19937_64& rng) {
  const std::vector<labels::Label> labels = {
      MustParseLabel("SECRET//REL TO USA, JPN"), MustParseLabel("SECRET//NOFORN"),
      MustParseLabel(R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN"]}})"),
      MustParseLabel("UNCLASSIFIED"), labels::Label()};
  const std::vector<std::string> strings = {
      "", "a", "JAL 123", "\"q\"\\", "\x1f\b", "日本", "\xF0\x9F\x9A\xA2 ship"};
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<uint64_t> any64;
  const auto pick_string = [&] { return strings[any64(rng) % strings.size()]; };
  const auto number = [&]() -> double {
    switch (any64(rng) % 6) {
      case 0:
        return std::bit_cast<double>(any64(rng));  // any bit pattern, NaNs included
      case 1:
        return 0.0;
      case 2:
        return -0.0;
      case 3:
        return std::uniform_real_distribution<double>(-180, 180)(rng);
      case 4:
        return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng), -1070);
      default:
        return static_cast<double>(static_cast<int32_t>(any64(rng)));
    }
  };
  Picture p;
  p.time = Timestamp::FromNanos(static_cast<int64_t>(any64(rng) >> 2) * (coin(rng) ? 1 : -1));
  const size_t tracks = any64(rng) % 5;
  for (size_t i = 0; i < tracks; ++i) {
    FusedTrack t;
    t.id = any64(rng);
    t.time = Timestamp::FromNanos(static_cast<int64_t>(any64(rng) >> 1) * (coin(rng) ? 1 : -1));
    t.position = {number(), number(), number()};
    t.has_altitude = coin(rng) == 1;
    for (int k = 0; k < 3; ++k) t.velocity_enu[k] = number();
    for (int r = 0; r < 6; ++r) {
      for (int c = 0; c < 6; ++c) t.covariance(r, c) = number();
    }
    if (coin(rng)) t.identity.mmsi = static_cast<uint32_t>(any64(rng));
    if (coin(rng)) t.identity.icao_address = static_cast<uint32_t>(any64(rng));
    if (coin(rng)) t.identity.mode3a = static_cast<uint16_t>(any64(rng));
    t.identity.callsign = pick_string();
    t.identity.name = pick_string();
    for (uint64_t k = any64(rng) % 3; k > 0; --k) {
      t.identity.track_numbers.push_back({pick_string(), static_cast<uint32_t>(any64(rng))});
    }
    t.domain = static_cast<Domain>(any64(rng) % 5);
    t.category = pick_string();
    t.label = labels[any64(rng) % labels.size()];
    for (uint64_t k = any64(rng) % 3; k > 0; --k) t.sources.push_back(pick_string());
    for (uint64_t k = any64(rng) % 4; k > 0; --k) t.provenance.push_back(any64(rng));
    t.updates = static_cast<uint32_t>(any64(rng));
    p.tracks.push_back(std::move(t));
  }
  return p;
}

TEST(PictureJson, RoundTripRandomPictures) {
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 300; ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const Picture p = RandomPicture(rng);
    const std::string json = PictureToJson(p);
    Result<Picture> back = PictureFromJson(json);
    ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << json;
    ExpectSamePicture(p, *back);
    EXPECT_EQ(PictureToJson(*back), json);
    EXPECT_EQ(PictureToJson(p), json);  // the same value, the same bytes
  }
}

TEST(PictureJson, RejectsAnythingNotCanonical) {
  Picture p;
  p.time = Timestamp::FromNanos(kJune2024Nanos);
  p.tracks = {SmallTrack()};
  const std::string json = PictureToJson(p);
  ASSERT_TRUE(PictureFromJson(json).ok());

  const auto replaced = [&](std::string_view from, std::string_view to) {
    std::string s = json;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
  };
  const auto error_of = [](const std::string& text) {
    Result<Picture> r = PictureFromJson(text);
    return r.ok() ? std::string("ok") : r.error().message();
  };
  // Each is valid JSON for the same picture, or nearly, but not the canonical bytes.
  EXPECT_EQ(error_of(replaced("\"id\":7", "\"id\": 7")),
            "picture JSON byte 57 (tracks[0].id): expected an unsigned integer below 2^64");
  EXPECT_EQ(error_of(replaced("26.2125", "26.21250")),
            "picture JSON byte 118: not in the canonical form (docs/sharing.md, "
            "model/picture_json.h)");
  EXPECT_EQ(error_of(replaced("[1.5,", "[\"1.5\",")),
            "picture JSON byte 168 (tracks[0].velocity_enu[0]): expected a number, \"NaN\", "
            "\"Infinity\" or \"-Infinity\"");
  EXPECT_EQ(error_of(replaced("\"domain\":\"sea\"", "\"domain\":\"ocean\"")),
            "picture JSON byte " + std::to_string(json.find("\"sea\"")) +
                " (tracks[0].domain): unknown domain 'ocean'");
  const std::string label_error = error_of(replaced("REL TO USA, JPN", "REL TO USA, JPN//ZZZ"));
  EXPECT_EQ(label_error.find("picture JSON byte " + std::to_string(json.find("\"SECRET//")) +
                             " (tracks[0].label): "),
            0u)
      << label_error;
  EXPECT_NE(error_of(replaced("\"updates\":3}", "\"updates\":3,\"extra\":1}")), "ok");
  EXPECT_NE(error_of(replaced(R"("mmsi":431000123,"name":"SHIP \"A\"")",
                              R"("name":"SHIP \"A\"","mmsi":431000123)")),
            "ok");  // order
  EXPECT_NE(error_of(replaced("\"name\":\"SHIP", "\"mmsi\":1,\"name\":\"SHIP")), "ok");
  EXPECT_NE(error_of(replaced("2024-06-01T00:00:00.5", "2024-06-31T00:00:00.5")), "ok");
  EXPECT_NE(error_of(replaced("2024-06-01T00:00:00.5", "2024-06-01 00:00:00.5")), "ok");
  EXPECT_NE(error_of(replaced("SHIP \\\"A\\\"", "SHIP \\u0022A\\u0022")), "ok");
  EXPECT_NE(error_of(json + " "), "ok");
  EXPECT_NE(error_of(json.substr(0, json.size() - 1)), "ok");
  EXPECT_NE(error_of(""), "ok");
}

TEST(PictureJson, RejectsBadCodesAndEscapes) {
  Picture p;
  FusedTrack air;
  air.label = MustParseLabel("UNCLASSIFIED");
  air.identity.icao_address = 0xABCDEF;
  air.identity.mode3a = 01234;
  p.tracks = {air};
  const std::string json = PictureToJson(p);
  ASSERT_TRUE(PictureFromJson(json).ok());
  const auto with = [&](std::string_view from, std::string_view to) {
    std::string s = json;
    s.replace(s.find(from), from.size(), to);
    return PictureFromJson(s);
  };
  EXPECT_FALSE(with("\"abcdef\"", "\"ABCDEF\"").ok());    // not the canonical case
  EXPECT_FALSE(with("\"abcdef\"", "\"00abcdef\"").ok());  // not the canonical width
  EXPECT_FALSE(with("\"1234\"", "\"1238\"").ok());        // 8 is not an octal digit
  Result<Picture> bad = with("\"1234\"", "\"200000\"");   // above 2^16-1
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("tracks[0].mode3a"), std::string::npos)
      << bad.error().message();
  EXPECT_FALSE(with("\"category\":\"\"", "\"category\":\"\\x\"").ok());
  EXPECT_FALSE(with("\"category\":\"\"", "\"category\":\"\xFF\"").ok());
  EXPECT_FALSE(with("\"category\":\"\"", "\"category\":\"\n\"").ok());
}

}  // namespace
}  // namespace biac::model
