#include "biac/storage/observation_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "biac/labels/label.h"

namespace biac::storage {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

labels::Label MustParse(std::string_view text) {
  Result<labels::Label> label = labels::Parse(text);
  EXPECT_TRUE(label.ok()) << label.status().ToString();
  return label.ok() ? *label : labels::Label();
}

// Every field set, with values chosen to exercise the encoding's edge cases.
model::Observation Full() {
  model::Observation o;
  o.id = 123456789012345ULL;
  o.time = Timestamp::FromNanos(-1'234'567'890'123LL);  // before the epoch: zigzag negative
  o.source = "ais-naha";
  o.sensor = "SAC 25 SIC 10";
  o.source_kind = model::SourceKind::kPartner;
  o.kind = model::ObservationKind::kSensorPoint;
  o.position = {26.2125, 127.6792, -0.0};
  o.has_altitude = true;
  o.position_covariance << 100, 2, 3, 2.5, 200, 6, 3, 6, 50;  // not symmetric: full form
  o.velocity_enu = Eigen::Vector3d(1.5, -2.25, std::numeric_limits<double>::quiet_NaN());
  o.velocity_covariance << 1, 0.5, 0, 0.5, 2, 0, 0, 0, 3;  // symmetric form
  o.has_vertical_velocity = true;
  model::SensorRelative s;
  s.sensor_position = {26.0, 127.5, 35.0};
  s.range_m = 12345.5;
  s.azimuth_deg = 359.99;
  s.elevation_deg = std::nullopt;
  s.range_rate_mps = -std::numeric_limits<double>::infinity();
  s.range_sigma_m = 30;
  s.azimuth_sigma_deg = 0.1;
  s.elevation_sigma_deg = 0;
  s.range_rate_sigma_mps = 1;
  o.sensor_relative = s;
  o.identity.mmsi = 431000001;
  o.identity.icao_address = 0xFFFFFF;
  o.identity.mode3a = 0xFC0;
  o.identity.track_number = std::numeric_limits<uint32_t>::max();
  o.identity.imo = 9074729;
  o.identity.callsign = "JA8123";
  o.identity.name = "しらせ";  // UTF-8 passes through as bytes
  o.identity.uid = "ANDROID-1234";
  o.identity.category = "a-f-A-M-F-Q";
  o.label = MustParse("SECRET//REL TO USA, JPN");
  return o;
}

TEST(ObservationCodec, FullObservationRoundTripsExactly) {
  const model::Observation o = Full();
  const std::string bytes = EncodeObservation(o);
  Result<model::Observation> back = DecodeObservation(Bytes(bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(SameObservation(o, *back));
  EXPECT_TRUE(std::isnan((*back->velocity_enu)(2)));
  EXPECT_TRUE(std::signbit(back->position.altitude_m));
  EXPECT_EQ(back->identity.name, "しらせ");
  EXPECT_EQ(back->label, o.label);
  EXPECT_EQ(EncodeObservation(*back), bytes);
}

TEST(ObservationCodec, DefaultObservationRoundTripsAndIsSmall) {
  const model::Observation o;
  const std::string bytes = EncodeObservation(o);
  // version, flags, id, time, two kinds, two empty strings, 24 position bytes, the label.
  EXPECT_EQ(bytes.size(), 1u + 1 + 1 + 1 + 2 + 2 + 24 + 1 + labels::Render(o.label).size());
  Result<model::Observation> back = DecodeObservation(Bytes(bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(SameObservation(o, *back));
  EXPECT_TRUE(back->label.unlabelled());
}

// Each field changed alone must survive the round trip and be seen by SameObservation.
TEST(ObservationCodec, EveryFieldIsCarried) {
  const model::Observation base = Full();
  std::vector<std::function<void(model::Observation&)>> changes = {
      [](auto& o) { o.id = 1; },
      [](auto& o) { o.time = Timestamp::FromNanos(std::numeric_limits<int64_t>::max()); },
      [](auto& o) { o.time = Timestamp::FromNanos(std::numeric_limits<int64_t>::min()); },
      [](auto& o) { o.source = "b"; },
      [](auto& o) { o.sensor = ""; },
      [](auto& o) { o.source_kind = model::SourceKind::kAis; },
      [](auto& o) { o.kind = model::ObservationKind::kDetection; },
      [](auto& o) { o.position.latitude_deg = -90; },
      [](auto& o) { o.position.longitude_deg = 180; },
      [](auto& o) { o.position.altitude_m = 0.0; },  // +0 vs -0
      [](auto& o) { o.has_altitude = false; },
      [](auto& o) { o.position_covariance.setZero(); },
      [](auto& o) { o.position_covariance(2, 1) = 7; },
      [](auto& o) { o.velocity_enu.reset(); },
      [](auto& o) { (*o.velocity_enu)(0) = -0.0; },
      [](auto& o) { o.velocity_covariance(0, 2) = 1e-300; },
      [](auto& o) { o.velocity_covariance.setIdentity(); },
      [](auto& o) { o.has_vertical_velocity = false; },
      [](auto& o) { o.sensor_relative.reset(); },
      [](auto& o) { o.sensor_relative->sensor_position.altitude_m = 1; },
      [](auto& o) { o.sensor_relative->range_m.reset(); },
      [](auto& o) { o.sensor_relative->azimuth_deg = 0.5; },
      [](auto& o) { o.sensor_relative->elevation_deg = 2.5; },
      [](auto& o) { o.sensor_relative->range_rate_mps.reset(); },
      [](auto& o) { o.sensor_relative->range_sigma_m = 1; },
      [](auto& o) { o.sensor_relative->azimuth_sigma_deg = 1; },
      [](auto& o) { o.sensor_relative->elevation_sigma_deg = 1; },
      [](auto& o) { o.sensor_relative->range_rate_sigma_mps = 2; },
      [](auto& o) { o.identity.mmsi.reset(); },
      [](auto& o) { o.identity.mmsi = 0; },
      [](auto& o) { o.identity.icao_address.reset(); },
      [](auto& o) { o.identity.mode3a = 0; },
      [](auto& o) { o.identity.mode3a.reset(); },
      [](auto& o) { o.identity.track_number = 7; },
      [](auto& o) { o.identity.imo.reset(); },
      [](auto& o) { o.identity.callsign.clear(); },
      [](auto& o) { o.identity.name = "X"; },
      [](auto& o) { o.identity.uid.clear(); },
      [](auto& o) { o.identity.category = "70"; },
      [](auto& o) { o.domain = model::Domain::kLand; },
      [](auto& o) { o.label = MustParse("UNCLASSIFIED"); },
      [](auto& o) { o.label = labels::Label(); },
  };
  const std::string base_bytes = EncodeObservation(base);
  for (size_t i = 0; i < changes.size(); ++i) {
    model::Observation changed = base;
    changes[i](changed);
    EXPECT_FALSE(SameObservation(base, changed)) << "change " << i;
    const std::string bytes = EncodeObservation(changed);
    EXPECT_NE(bytes, base_bytes) << "change " << i;
    Result<model::Observation> back = DecodeObservation(Bytes(bytes));
    ASSERT_TRUE(back.ok()) << "change " << i << ": " << back.status().ToString();
    EXPECT_TRUE(SameObservation(changed, *back)) << "change " << i;
  }
}

TEST(ObservationCodec, RandomObservationsRoundTrip) {
  std::mt19937_64 rng(20261127);
  std::uniform_int_distribution<uint64_t> bits;
  auto any_double = [&] { return std::bit_cast<double>(bits(rng)); };
  const labels::Label labels[] = {labels::Label(), MustParse("UNCLASSIFIED"),
                                  MustParse("SECRET//REL TO USA, JPN"),
                                  MustParse("SECRET//NOFORN")};
  ObservationEncoder encoder;
  ObservationDecoder decoder;
  for (int n = 0; n < 2000; ++n) {
    model::Observation o;
    o.id = bits(rng);
    o.time = Timestamp::FromNanos(static_cast<int64_t>(bits(rng)));
    o.source = std::string(bits(rng) % 20, 'a' + static_cast<char>(n % 26));
    o.source_kind = static_cast<model::SourceKind>(bits(rng) % 8);
    o.kind = static_cast<model::ObservationKind>(bits(rng) % 4);
    o.position = {any_double(), any_double(), any_double()};
    o.has_altitude = bits(rng) % 2;
    for (int i = 0; i < 9; ++i) {
      if (bits(rng) % 3 == 0) o.position_covariance.data()[i] = any_double();
    }
    if (bits(rng) % 2) o.velocity_enu = Eigen::Vector3d(any_double(), any_double(), 1);
    if (bits(rng) % 2) o.velocity_covariance = Eigen::Matrix3d::Identity() * any_double();
    if (bits(rng) % 2) {
      o.sensor_relative.emplace();
      if (bits(rng) % 2) o.sensor_relative->range_m = any_double();
      if (bits(rng) % 2) o.sensor_relative->elevation_deg = any_double();
    }
    if (bits(rng) % 2) o.identity.mmsi = static_cast<uint32_t>(bits(rng));
    if (bits(rng) % 2) o.identity.mode3a = static_cast<uint16_t>(bits(rng));
    if (bits(rng) % 2) o.identity.callsign = "CS" + std::to_string(n);
    o.label = labels[bits(rng) % 4];
    std::string bytes;
    encoder.Encode(o, bytes);
    model::Observation back;
    const Status status = decoder.Decode(Bytes(bytes), back);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_TRUE(SameObservation(o, back)) << "observation " << n;
  }
}

TEST(ObservationCodec, RejectsMalformedRecords) {
  const std::string good = EncodeObservation(Full());
  // Every strict prefix is truncated.
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(DecodeObservation(Bytes(good.substr(0, n))).ok()) << "prefix " << n;
  }
  std::string trailing = good + "x";
  Result<model::Observation> r = DecodeObservation(Bytes(trailing));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("1 bytes after the label"), std::string::npos)
      << r.error().message();

  std::string version = good;
  version[0] = 2;
  r = DecodeObservation(Bytes(version));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("version 2 is not supported"), std::string::npos);

  // An overlong varint for the id (0x80 0x00 is 0 in two bytes).
  model::Observation zero_id;
  std::string minimal = EncodeObservation(zero_id);
  ASSERT_EQ(static_cast<uint8_t>(minimal[2]), 0);  // version, flags, id
  std::string overlong = minimal.substr(0, 2) + std::string("\x80\x00", 2) + minimal.substr(3);
  r = DecodeObservation(Bytes(overlong));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("byte 4 (id): varint is not minimal"), std::string::npos)
      << r.error().message();

  // A symmetric covariance in the full form is not the canonical encoding. Flags byte layout:
  // bits 2-3 position covariance form.
  model::Observation sym;
  sym.position_covariance = Eigen::Matrix3d::Identity();
  std::string bytes = EncodeObservation(sym);
  ASSERT_EQ(static_cast<uint8_t>(bytes[1]) >> 2 & 3, 1);
  std::string widened = bytes;
  widened[1] = static_cast<char>((static_cast<uint8_t>(widened[1]) & ~0x0c) | 0x08);
  EXPECT_FALSE(DecodeObservation(Bytes(widened)).ok());

  // A label that parses but is not in canonical form.
  model::Observation lab;
  lab.label = MustParse("SECRET//REL TO USA, JPN");
  std::string text = labels::Render(lab.label);
  std::string encoded = EncodeObservation(lab);
  ASSERT_EQ(encoded.substr(encoded.size() - text.size()), text);
  const std::string other = "SECRET//REL TO JPN, USA";
  ASSERT_TRUE(labels::Parse(other).ok());
  ASSERT_EQ(other.size(), text.size());
  std::string swapped = encoded.substr(0, encoded.size() - text.size()) + other;
  r = DecodeObservation(Bytes(swapped));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("not the canonical rendering"), std::string::npos)
      << r.error().message();
}

TEST(ObservationCodec, ErrorsNameOffsetAndField) {
  std::string bytes = EncodeObservation(Full());
  // Source length is at a fixed place: version(1) flags(3: 21 bits) id(7) time(6)...
  Result<model::Observation> r = DecodeObservation(Bytes(bytes.substr(0, 20)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().rfind("observation record byte ", 0), 0u) << r.error().message();
}

}  // namespace
}  // namespace biac::storage
